/** The probes core ships itself: generic ones that belong to no protocol or operating system. */
import type { PluginContext } from "../plugin/plugin.js";
import type { Probe } from "../plugin/probe.js";
import { settingProbe } from "./setting/setting.probe.js";

/** The probes built into core. */
export const builtinProbes: readonly Probe[] = [settingProbe];

/**
 * Registers core's built-in probes (the generic `setting` probe). The CLI registers it with the
 * bundled plugins; a library user adds it to `plugins` like any other plugin.
 *
 * @example
 * ```ts
 * const hardcheck = await Hardcheck.create({ plugins: [registerBuiltins, linuxProbes, checklists], config });
 * ```
 */
export function registerBuiltins(context: PluginContext): void {
  for (const probe of builtinProbes) context.registerProbe(probe);
}
