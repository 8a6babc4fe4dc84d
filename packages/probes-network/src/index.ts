/**
 * `@hardcheck/probes-network` — probes that need only a socket.
 *
 * @packageDocumentation
 */
import type { PluginContext, Probe } from "@hardcheck/core";

/** The probes this package provides. */
export const probes: readonly Probe[] = [];

/** Registers this package's probes with a hardcheck instance. */
export function register(context: PluginContext): void {
  for (const probe of probes) context.registerProbe(probe);
}
