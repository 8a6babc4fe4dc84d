/** Resolve step 2: the packs a config names, bundled by plugins or read from files. */
import { isAbsolute, resolve } from "node:path";
import type { LoadedConfig } from "../config/config.js";
import { type LoadedPack, loadPackFile } from "../config/pack.js";
import { isHardcheckError } from "../errors.js";
import type { PluginRegistry } from "../plugin/registry.js";
import type { ResolveIssues } from "./resolve-issues.js";

/** The loaded packs, in the config's order. */
export interface ResolvedPacks {
  readonly loaded: readonly LoadedPack[];
  /**
   * Ids of packs shipped by plugins. They may read facts of plugins that are not installed: those
   * rules still run (their checks say which fact is missing) instead of failing the load.
   */
  readonly bundledPackIds: ReadonlySet<string>;
}

/** Loads every pack of `config`; an unknown id, an unreadable file or a repeated pack goes to `issues`. */
export async function resolvePacks(config: LoadedConfig, registry: PluginRegistry, issues: ResolveIssues): Promise<ResolvedPacks> {
  const { data, document, baseDir } = config;
  const loaded: LoadedPack[] = [];
  const bundledPackIds = new Set<string>();
  for (const [pi, ref] of data.packs.entries()) {
    const bundled = registry.packs.get(ref);
    const looksLikePath = /[\\/]/.test(ref) || /\.(ya?ml|json)$/i.test(ref);
    if (!bundled && !looksLikePath) {
      const known = [...registry.packs.keys()].sort();
      issues.at(
        "HC_CONFIG_INVALID",
        document,
        ["packs", pi],
        `unknown pack "${ref}" — expected a bundled pack (${known.join(", ") || "none registered"}) or a path to a pack file`,
      );
      continue;
    }
    try {
      const file = bundled ? bundled.file : isAbsolute(ref) ? ref : resolve(baseDir, ref);
      const pack = await loadPackFile(file, bundled ? (bundled.displayName ?? `${bundled.id}.yaml`) : ref, bundled?.compiled);
      if (loaded.some((other) => other.pack.id === pack.pack.id))
        issues.at("HC_CONFIG_INVALID", document, ["packs", pi], `pack "${pack.pack.id}" is listed twice`);
      else {
        loaded.push(pack);
        if (bundled) bundledPackIds.add(pack.pack.id);
      }
    } catch (error) {
      if (isHardcheckError(error, "HC_CONFIG_UNREADABLE"))
        issues.at("HC_CONFIG_INVALID", document, ["packs", pi], `pack file ${ref}: ${error.issues[0]?.message ?? "cannot read"}`);
      else throw error;
    }
  }
  return { loaded, bundledPackIds };
}
