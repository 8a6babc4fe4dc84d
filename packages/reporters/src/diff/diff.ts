/** Compares two report documents: what newly fails, what was fixed, what still fails, what changed. */
import { type CheckResult, type ReportDocument, type ReporterOptions, resultsWithRules, stableStringify } from "@hardcheck/core";
import { findingKey } from "../shared/report-view.js";

/** A result that exists in both reports. */
export interface ResultChange {
  readonly before: CheckResult;
  readonly after: CheckResult;
}

/** How the newer report differs from the older one. Lists follow the newer report's order. */
export interface ReportDiff {
  /** Failing now, and absent or not failing before. */
  readonly newFailures: readonly CheckResult[];
  /** Failing before, decided and no longer failing now (pass, not-applicable, waived). */
  readonly fixed: readonly ResultChange[];
  /**
   * Decided before (pass or fail), `error` or `manual` now: the check could not be verified, so a
   * former failure is not fixed and a former pass is no longer known to hold.
   */
  readonly notVerified: readonly ResultChange[];
  /** Failing in both. */
  readonly stillFailing: readonly ResultChange[];
  /** Same status in both, different evidence (e.g. a renewed certificate that still passes). */
  readonly changedEvidence: readonly ResultChange[];
  /** Failing before and absent now (target, endpoint or rule no longer scanned) — not counted as fixed. */
  readonly disappearedFailures: readonly CheckResult[];
}

/** How a finding of the newer report relates to the baseline (SARIF's `baselineState` words). */
export type BaselineState = "new" | "unchanged" | "updated";

/** Compares `before` (the baseline) with `after`. */
export function diffReports(before: ReportDocument, after: ReportDocument): ReportDiff {
  const beforeResults = resultsWithRules(before);
  const afterResults = resultsWithRules(after);
  const previous = new Map(beforeResults.map((result) => [findingKey(result), result]));
  const current = new Set(afterResults.map(findingKey));
  const newFailures: CheckResult[] = [];
  const fixed: ResultChange[] = [];
  const notVerified: ResultChange[] = [];
  const stillFailing: ResultChange[] = [];
  const changedEvidence: ResultChange[] = [];
  for (const result of afterResults) {
    const old = previous.get(findingKey(result));
    const failsNow = result.status === "fail";
    if (!old) {
      if (failsNow) newFailures.push(result);
      continue;
    }
    const failedBefore = old.status === "fail";
    const decidedBefore = failedBefore || old.status === "pass";
    const undecidedNow = result.status === "error" || result.status === "manual";
    if (failsNow && !failedBefore) newFailures.push(result);
    else if (failsNow && failedBefore) stillFailing.push({ before: old, after: result });
    else if (decidedBefore && undecidedNow) notVerified.push({ before: old, after: result });
    else if (failedBefore) fixed.push({ before: old, after: result });
    if (old.status === result.status && stableStringify(old.evidence) !== stableStringify(result.evidence))
      changedEvidence.push({ before: old, after: result });
  }
  const disappearedFailures = beforeResults.filter((result) => result.status === "fail" && !current.has(findingKey(result)));
  return { newFailures, fixed, notVerified, stillFailing, changedEvidence, disappearedFailures };
}

/**
 * The baseline state of every failing result of `report` when `options.baseline` holds a report;
 * undefined without a baseline. Reporters use it to mark new findings.
 */
export function baselineStates(report: ReportDocument, options: ReporterOptions): ReadonlyMap<string, BaselineState> | undefined {
  const baseline = options.baseline as ReportDocument | undefined;
  if (!baseline || !Array.isArray(baseline.results)) return undefined;
  const diff = diffReports(baseline, report);
  const states = new Map<string, BaselineState>();
  const changed = new Set(diff.changedEvidence.map((change) => findingKey(change.after)));
  for (const result of diff.newFailures) states.set(findingKey(result), "new");
  for (const { after } of diff.stillFailing) states.set(findingKey(after), changed.has(findingKey(after)) ? "updated" : "unchanged");
  return states;
}

const where = (result: CheckResult) => `${result.target}${result.endpoint ? ` ${result.endpoint}` : ""}`;

/** The diff as text for a terminal. */
export function renderDiffText(diff: ReportDiff): string {
  const lines = [
    `${diff.newFailures.length} new failure(s), ${diff.fixed.length} fixed, ${diff.notVerified.length} no longer verified, ${diff.stillFailing.length} still failing, ${diff.changedEvidence.length} with changed evidence, ${diff.disappearedFailures.length} failing before and no longer scanned`,
  ];
  const section = (title: string, rows: readonly string[]) => {
    if (rows.length === 0) return;
    lines.push("", `${title}:`, ...rows.map((row) => `  ${row}`));
  };
  section(
    "New failures",
    diff.newFailures.map((r) => `${r.severity.padEnd(8)} ${r.ruleId} ${where(r)}  ${r.title}`),
  );
  section(
    "Fixed",
    diff.fixed.map(({ after }) => `${after.ruleId} ${where(after)} → ${after.status}`),
  );
  section(
    "No longer verified (error or manual now)",
    diff.notVerified.map(({ before, after }) => `${after.ruleId} ${where(after)} ${before.status} → ${after.status}: ${after.message}`),
  );
  section(
    "Still failing",
    diff.stillFailing.map(({ after }) => `${after.severity.padEnd(8)} ${after.ruleId} ${where(after)}`),
  );
  section(
    "Changed evidence",
    diff.changedEvidence.map(({ before, after }) => `${after.ruleId} ${where(after)} (${after.status}): ${changedFacts(before, after).join(", ")}`),
  );
  section(
    "No longer scanned (were failing)",
    diff.disappearedFailures.map((r) => `${r.ruleId} ${where(r)}`),
  );
  return `${lines.join("\n")}\n`;
}

/** Names of the facts whose values differ between two results. */
export function changedFacts(before: CheckResult, after: CheckResult): string[] {
  const names = new Set([...Object.keys(before.evidence), ...Object.keys(after.evidence)]);
  return [...names].filter((name) => stableStringify(before.evidence[name]) !== stableStringify(after.evidence[name])).sort();
}
