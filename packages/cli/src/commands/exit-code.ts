/** The exit code of commands that judge a report (scan, merge). */
import { type ReportDocument, resultsWithRules, SEVERITIES, type Severity } from "@hardcheck/core";
import { EXIT } from "../io.js";

/**
 * The exit code a report deserves under `--fail-on`. A scan that did not finish is never "no
 * findings", whatever the threshold: `--fail-on none` silences findings, not missing checks.
 */
export function exitCodeFor(report: ReportDocument, failOn: Severity | "none"): number {
  if (failOn === "none") return exitCodeOf(report.incomplete, false);
  const threshold = SEVERITIES.indexOf(failOn);
  const failing = resultsWithRules(report).some(
    (result) => (result.status === "fail" || result.status === "error") && SEVERITIES.indexOf(result.severity) <= threshold,
  );
  return exitCodeOf(report.incomplete, failing);
}

/** The exit code of a scan that finished (or not) with findings at the `--fail-on` threshold (or not). */
export function exitCodeOf(incomplete: boolean, failing: boolean): number {
  if (incomplete) return EXIT.findings;
  return failing ? EXIT.findings : EXIT.ok;
}
