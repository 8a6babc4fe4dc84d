/**
 * The linux-baseline pack as a plugin, read straight from the checklists package's pack file: the
 * checklists package tests against these probes, so this package must not depend on it in turn.
 */
import { fileURLToPath } from "node:url";
import type { PluginContext } from "@hardcheck/core";

/** Registers `linux-baseline` from its YAML file. */
export function linuxBaselinePack(context: PluginContext): void {
  context.registerPack({
    id: "linux-baseline",
    file: fileURLToPath(new URL("../../checklists/packs/linux-baseline.yaml", import.meta.url)),
    displayName: "@hardcheck/checklists/packs/linux-baseline.yaml",
  });
}
