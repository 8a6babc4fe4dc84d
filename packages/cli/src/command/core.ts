/** The bundle's `@hardcheck/core`, for plugins the command loads (see `share.ts`). */
export * from "@hardcheck/core";
