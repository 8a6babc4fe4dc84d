/**
 * The process-wide fault handlers' view of core. Core is loaded by every command, but not by
 * `--version` and `--help`, which must start in the time Node itself takes: the handlers use core
 * once a command has loaded it, and before that no probe can have run to be charged with a fault.
 */
import type * as Core from "@hardcheck/core";
import { load } from "./lazy.js";

let core: Pick<typeof Core, "describeError" | "reportProbeFault"> | undefined;

/** Loads core's fault hooks; called before any command runs. */
export async function loadFaultHooks(): Promise<void> {
  core ??= await load.core();
}

/** Charges a fault to the probe run that raised it (see core's `reportProbeFault`); false when none did. */
export function chargeFaultToProbe(error: unknown): boolean {
  return core?.reportProbeFault(error) ?? false;
}

/** The fault in one line, without its stack. */
export function describeFault(error: unknown): string {
  if (core) return core.describeError(error);
  return error instanceof Error ? error.message : String(error);
}
