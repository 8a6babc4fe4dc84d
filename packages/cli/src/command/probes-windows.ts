/** The bundle's `@hardcheck/probes-windows`, for plugins the command loads (see `share.ts`). */
export * from "@hardcheck/probes-windows";
