/** The bundle's `@hardcheck/reporters`, for plugins the command loads (see `share.ts`). */
export * from "@hardcheck/reporters";
