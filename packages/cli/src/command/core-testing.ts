/** The bundle's `@hardcheck/core/testing`, for plugins the command loads (see `share.ts`). */
export * from "@hardcheck/core/testing";
