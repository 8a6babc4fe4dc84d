/** The bundle's `@hardcheck/checklists`, for plugins the command loads (see `share.ts`). */
export * from "@hardcheck/checklists";
