/**
 * Wires the bundled command so plugins share its packages: before the first plugin is imported,
 * resolution hooks map `@hardcheck/*` to the bundle's entries (see `hooks.ts`). Runs that name no
 * plugin never start the hooks' thread.
 */
import { register } from "node:module";
import { preparePluginImports } from "../plugin-imports.js";

/** The packages a plugin may import, each with the bundle entry that re-exports it. */
const SHARED = {
  "@hardcheck/core": "./core.js",
  "@hardcheck/core/testing": "./core-testing.js",
  "@hardcheck/checklists": "./checklists.js",
  "@hardcheck/probes-network": "./probes-network.js",
  "@hardcheck/probes-linux": "./probes-linux.js",
  "@hardcheck/probes-windows": "./probes-windows.js",
  "@hardcheck/reporters": "./reporters.js",
} as const;

preparePluginImports(() => {
  const entries = Object.fromEntries(Object.entries(SHARED).map(([specifier, file]) => [specifier, new URL(file, import.meta.url).href]));
  register(new URL("./hooks.js", import.meta.url), { data: { entries } });
});
