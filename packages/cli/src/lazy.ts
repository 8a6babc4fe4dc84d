/**
 * What the command-line definition loads only when a command runs: each command's code and the
 * packages behind it. `--help` and `--version` load none of it. The installed executable replaces
 * this module with one that takes the same modules from its compiled bundle (see
 * `command/lazy-bundle.ts`), so both must keep this shape.
 */
export const load = {
  scan: () => import("./commands/scan.js"),
  report: () => import("./commands/report.js"),
  init: () => import("./commands/init.js"),
  inspect: () => import("./commands/inspect.js"),
  attest: () => import("./commands/attest.js"),
  merge: () => import("./commands/merge.js"),
  listen: () => import("./commands/listen.js"),
  core: () => import("@hardcheck/core"),
  probesWindows: () => import("@hardcheck/probes-windows"),
};

/** The modules behind {@link load}, by name. */
export type Lazy = typeof load;
