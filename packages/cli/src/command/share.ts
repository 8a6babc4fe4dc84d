/**
 * Wires the bundled command so plugins share its packages: before the first plugin is imported,
 * resolution hooks map `@hardcheck/*` to the bundle's entries (see `hooks.ts`). Runs that name no
 * plugin never start the hooks' thread.
 */
import { register } from "node:module";
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

preparePluginImports(() => {
  const entries = Object.fromEntries(Object.entries(SHARED).map(([specifier, { file }]) => [specifier, new URL(file, import.meta.url).href]));
  register(new URL("./hooks.js", import.meta.url), { data: { entries } });
});
