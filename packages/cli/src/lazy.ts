/**
 * What the command-line definition loads only when a command runs: each command's code and the
 * packages behind it. `--help` and `--version` load none of it. The installed executable replaces
 * this module with one that takes the same modules from its compiled bundle (see
 * `command/lazy-bundle.ts`), so both must keep this shape.
 */
/** The modules the command-line definition loads lazily, by name. */
export interface Lazy {
  scan(): Promise<typeof import("./commands/scan.js")>;
  report(): Promise<typeof import("./commands/report.js")>;
  init(): Promise<typeof import("./commands/init.js")>;
  inspect(): Promise<typeof import("./commands/inspect.js")>;
  attest(): Promise<typeof import("./commands/attest.js")>;
  merge(): Promise<typeof import("./commands/merge.js")>;
  listen(): Promise<typeof import("./commands/listen.js")>;
  core(): Promise<typeof import("@hardcheck/core")>;
  probesWindows(): Promise<typeof import("@hardcheck/probes-windows")>;
}

/** Each lazily loaded module, imported on first use. */
export const load: Lazy = {
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
