/**
 * Views of the report document that several reporters share: rule catalog, finding keys. Conditions
 * are worded by core's `describeCondition`, the same text as the result messages.
 */
import type { CheckResult, ReportDocument, ReportRule } from "@hardcheck/core";

/**
 * Identifies one finding across runs: the same rule on the same target and endpoint. Used for
 * SARIF fingerprints and baselines, so it must never include anything that changes between scans.
 */
export function findingKey(result: Pick<CheckResult, "pack" | "ruleId" | "target" | "endpoint">): string {
  return `${result.pack}|${result.ruleId}|${result.target}|${result.endpoint ?? ""}`;
}

/**
 * The rules of a report in document order (a report of schema version 1 is upgraded by
 * `parseReport`, which describes the rules of reports written before `rules` existed).
 */
export function ruleCatalog(report: ReportDocument): readonly ReportRule[] {
  return report.rules;
}

/** Seconds between two ISO timestamps (0 when either does not parse). */
export function durationSeconds(startedAt: string, finishedAt: string): number {
  const seconds = (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) / 1000 : 0;
}
