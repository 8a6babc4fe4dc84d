/** The bundle's `@hardcheck/probes-network`, for plugins the command loads (see `share.ts`). */
export * from "@hardcheck/probes-network";
