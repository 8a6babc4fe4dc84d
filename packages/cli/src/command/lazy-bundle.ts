/**
 * The executable's `../lazy.ts`: the same modules, taken from the command bundle, which is loaded on
 * the first command that needs it (never for `--help` or `--version`).
 */
import { fileURLToPath } from "node:url";
import type { Lazy } from "../lazy.js";
import { loadCommandBundle } from "./compile-cache.js";

/** Where the shared-package modules beside the bundle find it (see `share.ts`). */
const COMMAND = Symbol.for("hardcheck.command");
/** Where core's `hostImport` finds the importer the bundle must use (see core's `import-module.ts`). */
const HOST_IMPORT = Symbol.for("hardcheck.import");

let bundle: { readonly load: Lazy } | undefined;

function command(): { readonly load: Lazy } {
  if (bundle === undefined) {
    // Code compiled through a code cache cannot call `import()` on Node 20: this module imports for it.
    (globalThis as Record<symbol, unknown>)[HOST_IMPORT] = (specifier: string) => import(specifier);
    // A run of one command compiles the same parts of the bundle every time: cache per command.
    const first = process.argv.slice(2).find((arg) => !arg.startsWith("-")) ?? "none";
    const kind = /^[a-z][a-z-]{0,31}$/.test(first) ? first : "other";
    bundle = loadCommandBundle(fileURLToPath(new URL("./command.cjs", import.meta.url)), { env: process.env, kind }) as { readonly load: Lazy };
    (globalThis as Record<symbol, unknown>)[COMMAND] = bundle;
  }
  return bundle;
}

function fromBundle<K extends keyof Lazy>(key: K): Lazy[K] {
  return (() => command().load[key]()) as Lazy[K];
}

/** See `../lazy.ts`. */
export const load: Lazy = {
  scan: fromBundle("scan"),
  report: fromBundle("report"),
  init: fromBundle("init"),
  inspect: fromBundle("inspect"),
  attest: fromBundle("attest"),
  merge: fromBundle("merge"),
  listen: fromBundle("listen"),
  core: fromBundle("core"),
  probesWindows: fromBundle("probesWindows"),
};
