/** Builds a hardcheck instance with the bundled plugins plus the config's own. */

import { register as checklists } from "@hardcheck/checklists";
import { Hardcheck, type LoadedConfig, loadConfigFile, type PluginSpec, registerBuiltins } from "@hardcheck/core";
import { register as linuxProbes } from "@hardcheck/probes-linux";
import { register as networkProbes } from "@hardcheck/probes-network";
import { register as windowsProbes } from "@hardcheck/probes-windows";
import { register as reporters } from "@hardcheck/reporters";
import { beforePluginImports } from "./plugin-imports.js";

/** The plugins every CLI run starts with. */
export const BUNDLED_PLUGINS: readonly PluginSpec[] = [registerBuiltins, networkProbes, linuxProbes, windowsProbes, reporters, checklists];

/** A config (when given) and the instance that serves it. */
export interface CliInstance {
  readonly config?: LoadedConfig;
  readonly hardcheck: Hardcheck;
}

/** Loads `configPath` (if any) and creates the instance with bundled + configured plugins. */
export async function createInstance(configPath: string | undefined, cwd: string): Promise<CliInstance> {
  const config = configPath ? await loadConfigFile(configPath, { cwd }) : undefined;
  if (config?.data.plugins?.length) beforePluginImports();
  const hardcheck = await Hardcheck.create({ plugins: BUNDLED_PLUGINS, baseDir: cwd, ...(config ? { config } : {}) });
  return { hardcheck, ...(config ? { config } : {}) };
}
