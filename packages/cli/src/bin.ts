#!/usr/bin/env node
/**
 * The `hardcheck` executable. SIGINT and SIGTERM cancel the scan and still write a partial report;
 * a second signal stops at once. Nothing a plugin does (process.exit, a late throw, an unhandled
 * rejection) may end the process with a code that claims the scan finished.
 */
import { chargeFaultToProbe, describeFault } from "./faults.js";
import { EXIT, processIo } from "./io.js";
import { main } from "./program.js";

const controller = new AbortController();
const exitProcess = process.exit.bind(process);
let signals = 0;
let finished = false;
let internalFault = false;

function onSignal(signal: NodeJS.Signals): void {
  const code = signal === "SIGTERM" ? 143 : 130;
  if (++signals > 1) {
    // Report files are renamed into place whole, so stopping now leaves each one old or new.
    process.stderr.write(`\n${signal}: stopped at once; reports not yet written were not written\n`);
    exitProcess(code);
  }
  process.stderr.write(
    `\n${signal === "SIGINT" ? "interrupted" : "terminated (SIGTERM)"}: finishing a partial report (send the signal again to stop at once)\n`,
  );
  controller.abort(new Error(signal === "SIGINT" ? "interrupted" : "terminated by SIGTERM"));
}
/**
 * Installed only once a scan starts: a handler cannot run while a plugin's import loops forever, and
 * without one the signal ends the process as usual (nothing has been scanned yet).
 */
function armSignals(): void {
  if (process.listenerCount("SIGINT") > 0 && process.listeners("SIGINT").includes(onSignal)) return;
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

// A plugin's exit would end the scan without a report and with a code CI reads as a verdict.
process.exit = ((code?: number | string | null) => {
  throw new Error(`process.exit(${code ?? ""}) called by a plugin; hardcheck does not let a plugin end the scan`);
}) as typeof process.exit;

function onFault(error: unknown): void {
  if (chargeFaultToProbe(error)) return;
  internalFault = true;
  process.stderr.write(`HC_INTERNAL: ${describeFault(error)} (uncaught, outside any probe) — finishing a partial report\n`);
  controller.abort(new Error(`internal error: ${describeFault(error)}`));
}
process.on("uncaughtException", onFault);
process.on("unhandledRejection", onFault);

process.on("exit", (code) => {
  if (!finished && signals < 2 && code !== 130 && code !== 143) {
    process.stderr.write(`HC_INTERNAL: the process is ending (code ${code}) before hardcheck finished — the reports may be missing or partial\n`);
    process.exitCode = EXIT.internal;
  }
});

const code = await main(process.argv.slice(2), { ...processIo(), onScanStart: armSignals }, controller.signal);
finished = true;
// Exit explicitly: a probe that ignored cancellation must not keep the process alive.
process.stdout.write("", () => exitProcess(internalFault ? EXIT.internal : code));
