/** The exit code of commands that judge a report (scan, merge). */
import { type ReportDocument, resultsWithRules, SEVERITIES, type Severity } from "@hardcheck/core";
import { EXIT } from "../io.js";

/**
 * The exit code a report deserves under `--fail-on`. A scan that did not finish is never "no
 * findings", whatever the threshold: `--fail-on none` silences findings, not missing checks.
 */
export function exitCodeFor(report: ReportDocument, failOn: Severity | "none"): number {
  if (report.incomplete) return EXIT.findings;
  if (failOn === "none") return EXIT.ok;
  const threshold = SEVERITIES.indexOf(failOn);
  const failing = resultsWithRules(report).some(
    (result) => (result.status === "fail" || result.status === "error") && SEVERITIES.indexOf(result.severity) <= threshold,
  );
  return failing ? EXIT.findings : EXIT.ok;
}
