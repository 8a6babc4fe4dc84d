/** The bundle's `@hardcheck/probes-linux`, for plugins the command loads (see `share.ts`). */
export * from "@hardcheck/probes-linux";
