/**
 * Wires the bundled command so plugins share its packages: before the first plugin is imported,
 * resolution hooks map `@hardcheck/*` to the bundle's entries (see `hooks.ts`), and the bundle's
 * tsyringe and reflect-metadata are entered in the CommonJS module cache under the files a plugin
 * would otherwise load. Runs that name no plugin do neither.
 */
import { Module, register } from "node:module";
import { fileURLToPath } from "node:url";
// tsyringe needs the polyfill in place when it loads.
import "reflect-metadata";
import * as tsyringe from "tsyringe";
import { preparePluginImports } from "../plugin-imports.js";

/** One package the bundle serves to plugins. */
export interface SharedPackage {
  /** The ES module beside the bundle that re-exports it. */
  readonly file: string;
  /** Loads the bundle's own copy. */
  load(): Promise<object>;
}

/**
 * The packages a plugin may import: for each, the ES module file beside the bundle that re-exports
 * it (written at build time) and how the bundle loads its own copy.
 */
export const SHARED: Readonly<Record<string, SharedPackage>> = {
  "@hardcheck/core": { file: "core.js", load: () => import("@hardcheck/core") },
  "@hardcheck/core/testing": { file: "core-testing.js", load: () => import("@hardcheck/core/testing") },
  "@hardcheck/checklists": { file: "checklists.js", load: () => import("@hardcheck/checklists") },
  "@hardcheck/probes-network": { file: "probes-network.js", load: () => import("@hardcheck/probes-network") },
  "@hardcheck/probes-linux": { file: "probes-linux.js", load: () => import("@hardcheck/probes-linux") },
  "@hardcheck/probes-windows": { file: "probes-windows.js", load: () => import("@hardcheck/probes-windows") },
  "@hardcheck/reporters": { file: "reporters.js", load: () => import("@hardcheck/reporters") },
};

/**
 * The packages whose state a plugin must share with the command and which plugins load as CommonJS:
 * tsyringe's container and the types it knows, and reflect-metadata's registry (core imports it for
 * its effect on `Reflect`; its module exports nothing, and a second copy shares the registry).
 */
const SHARED_COMMONJS: Readonly<Record<string, { readonly exports: object; readonly ifLoadedBefore?: string }>> = {
  tsyringe: {
    exports: tsyringe,
    ifLoadedBefore: "plugins that use it get that copy, and the classes they mark injectable are unknown to the command's container",
  },
  "reflect-metadata": { exports: {} },
};

/**
 * Enters the bundle's copy of each {@link SHARED_COMMONJS} package in `require.cache` under the file
 * the command's install resolves it to. A plugin that requires or imports the package and resolves it
 * to that same file (the usual case: one `node_modules`) gets the bundle's copy, as it would get the
 * one copy of an unbundled command; Node's import of a CommonJS module reads the same cache. A plugin
 * with its own copy elsewhere keeps it, as before. Nothing is entered when the package is not
 * installed; when its file was loaded before the command (`node -r`), stderr says what that costs.
 */
function shareCommonJs(): void {
  const bundleFile = fileURLToPath(import.meta.url);
  const resolver = Module.createRequire(bundleFile);
  for (const [specifier, { exports, ifLoadedBefore }] of Object.entries(SHARED_COMMONJS)) {
    let filename: string;
    try {
      filename = resolver.resolve(specifier);
    } catch {
      continue;
    }
    const loaded = resolver.cache[filename];
    if (loaded !== undefined) {
      if (ifLoadedBefore !== undefined && loaded.exports !== exports) {
        process.stderr.write(`hardcheck: ${specifier} was loaded before the command (${filename}): ${ifLoadedBefore}\n`);
      }
      continue;
    }
    const entry = new Module(filename);
    entry.filename = filename;
    entry.exports = exports;
    entry.loaded = true;
    resolver.cache[filename] = entry;
  }
}

preparePluginImports(() => {
  shareCommonJs();
  const entries = Object.fromEntries(Object.entries(SHARED).map(([specifier, { file }]) => [specifier, new URL(file, import.meta.url).href]));
  register(new URL("./hooks.js", import.meta.url), { data: { entries } });
});
