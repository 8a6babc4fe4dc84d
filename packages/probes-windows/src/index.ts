/**
 * `@hardcheck/probes-windows` — probes that inspect Windows hosts (PowerShell, SSH, evidence bundles).
 *
 * This release registers no probes yet; the package exists so that configurations and the CLI can
 * already depend on it.
 *
 * @packageDocumentation
 */
import type { PluginContext, Probe } from "@hardcheck/core";

/** The probes this package provides (none yet). */
export const probes: readonly Probe[] = [];

/** Registers this package's probes with a hardcheck instance. */
export function register(context: PluginContext): void {
  for (const probe of probes) context.registerProbe(probe);
}
