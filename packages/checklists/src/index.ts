/**
 * `@hardcheck/checklists` — rule packs as data. Each pack is a YAML file under `packs/`, validated
 * against `@hardcheck/core`'s pack schema when it is loaded.
 *
 * @packageDocumentation
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { PackSource, PluginContext } from "@hardcheck/core";

/** Ids of the packs this package ships. */
export const bundledPackIds = [
  "tls-baseline",
  "network-baseline",
  "linux-baseline",
  "windows-baseline",
  "openscape-concierge-v5r0",
  "openscape-xpert",
] as const;

/** A pack this package ships, by id. */
export type BundledPackId = (typeof bundledPackIds)[number];

/**
 * The packs folder, found through the package's own manifest rather than next to this module, so
 * the path holds when this code runs inside a bundle (the `hardcheck` command ships as one).
 */
const packageDir = dirname(createRequire(import.meta.url).resolve("@hardcheck/checklists/package.json"));
const packsDir = join(packageDir, "packs");

/** The file of a bundled pack (absolute path). */
export function bundledPackFile(id: BundledPackId): string {
  return join(packsDir, `${id}.yaml`);
}

/** The bundled packs as sources a hardcheck instance can load by id. */
export const bundledPacks: readonly PackSource[] = bundledPackIds.map((id) => ({
  id,
  file: bundledPackFile(id),
  displayName: `@hardcheck/checklists/packs/${id}.yaml`,
  // Written by the build (tsup.config.ts); used only while it matches the YAML.
  compiled: join(packageDir, "dist", "packs", `${id}.json`),
}));

/** Registers the bundled packs so configs can name them by id (`packs: [tls-baseline]`). */
export function register(context: PluginContext): void {
  for (const pack of bundledPacks) context.registerPack(pack);
}
