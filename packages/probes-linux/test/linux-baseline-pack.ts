/**
 * The linux-baseline pack as a plugin, read straight from the checklists package's pack file: the
 * checklists package tests against these probes, so this package must not depend on it in turn.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { PluginContext } from "@hardcheck/core";

const packFile = fileURLToPath(new URL("../../checklists/packs/linux-baseline.yaml", import.meta.url));

/** How many rules the pack holds (one result per rule for a single host target). */
export const linuxBaselineRuleCount: number = (readFileSync(packFile, "utf8").match(/^ {2}- id: /gm) ?? []).length;

/** Registers `linux-baseline` from its YAML file. */
export function linuxBaselinePack(context: PluginContext): void {
  context.registerPack({
    id: "linux-baseline",
    file: packFile,
    displayName: "@hardcheck/checklists/packs/linux-baseline.yaml",
  });
}
