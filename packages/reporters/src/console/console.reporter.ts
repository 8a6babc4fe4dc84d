/** A terminal view for people: grouped by target, failures first, failing conditions spelled out. */
import {
  blamedConditions,
  type CheckResult,
  defineReporter,
  describeCondition,
  printableDeep,
  type ReportDocument,
  type ReporterOptions,
  resultsWithRules,
  SEVERITIES,
  type Status,
} from "@hardcheck/core";
import { baselineStates } from "../diff/diff.js";
import { findingKey } from "../shared/report-view.js";

const STATUS_ORDER: readonly Status[] = ["fail", "error", "manual", "waived", "pass", "not-applicable"];
const LABEL: Record<Status, string> = {
  fail: "FAIL",
  error: "ERROR",
  manual: "MANUAL",
  waived: "WAIVED",
  pass: "PASS",
  "not-applicable": "N/A",
};
const COLOR: Record<Status, number> = { fail: 31, error: 35, manual: 33, waived: 36, pass: 32, "not-applicable": 90 };

/** Options of the console reporter. */
export interface ConsoleReporterOptions extends ReporterOptions {
  /** Also list passing and not-applicable checks (default: counts only). */
  readonly verbose?: boolean;
  /** An older report: failures that are new since it are marked NEW. */
  readonly baseline?: ReportDocument;
}

/** Renders the report for a terminal. Colour only when `options.color` is true. */
export function renderConsole(document: ReportDocument, options: ConsoleReporterOptions = {}): string {
  // Servers wrote much of this text: escape what a terminal would obey.
  const report = printableDeep(document);
  const paint = (code: number, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const bold = (text: string) => (options.color ? `\u001b[1m${text}\u001b[22m` : text);
  const lines: string[] = [];
  const states = baselineStates(report, options);
  const byTarget = new Map<string, CheckResult[]>();
  const joined = resultsWithRules(report);
  for (const result of joined) byTarget.set(result.target, [...(byTarget.get(result.target) ?? []), result]);
  const severityRank = (result: CheckResult) => SEVERITIES.indexOf(result.severity);
  for (const target of report.targets) {
    const results = [...(byTarget.get(target.id) ?? [])].sort(
      (a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || severityRank(a) - severityRank(b) || a.ruleId.localeCompare(b.ruleId),
    );
    const counts = countStatuses(results);
    lines.push(`${bold(`${target.id}${target.host ? ` (${target.host})` : ""}`)}  ${formatCounts(counts, paint)}`);
    // One unreachable endpoint fails every rule on it for the same reason: say it once.
    const errorGroups = new Map<string, CheckResult[]>();
    for (const result of results.filter((r) => r.status === "error")) {
      const key = `${result.endpoint}|${result.message}`;
      errorGroups.set(key, [...(errorGroups.get(key) ?? []), result]);
    }
    for (const result of results) {
      const quiet = result.status === "pass" || result.status === "not-applicable";
      if (quiet && !options.verbose) continue;
      const where = result.endpoint ? ` ${result.endpoint}` : "";
      const group = result.status === "error" ? (errorGroups.get(`${result.endpoint}|${result.message}`) ?? []) : [];
      if (group.length > 1) {
        if (group[0] !== result) continue;
        lines.push(`  ${paint(COLOR.error, LABEL.error.padEnd(6))} ${group.length} checks${where}: ${group.map((r) => r.ruleId).join(", ")}`);
        lines.push(`         ${result.message}`);
        continue;
      }
      const fresh = states?.get(findingKey(result)) === "new" ? `${paint(33, "NEW")} ` : "";
      lines.push(
        `  ${paint(COLOR[result.status], LABEL[result.status].padEnd(6))} ${result.severity.padEnd(8)} ${fresh}${result.ruleId}${where}  ${result.title}`,
      );
      if (result.status === "fail") {
        const blamed = blamedConditions(result.conditions);
        for (const condition of blamed) lines.push(`         ${describeCondition(condition, 70)}`);
        if (blamed.length === 0) lines.push(`         ${result.message}`);
      } else if (!quiet) {
        lines.push(`         ${result.message}`);
      }
    }
    const hidden = counts.pass + counts["not-applicable"];
    if (hidden > 0 && !options.verbose) lines.push(paint(90, `  (${hidden} passing or not applicable not shown; --verbose lists them)`));
    lines.push("");
  }
  for (const notice of report.notices) lines.push(`${paint(notice.level === "warning" ? 33 : 90, notice.level.toUpperCase())} ${notice.message}`);
  lines.push(...notApplicableReasons(joined).map((line) => paint(90, line)));
  const s = report.summary;
  const total = s.pass + s.fail + s.error + s.manual + s.waived + s.notApplicable;
  lines.push(
    bold(`${total} checks: `) +
      [
        paint(COLOR.pass, `${s.pass} passed`),
        paint(COLOR.fail, `${s.fail} failed`),
        paint(COLOR.error, `${s.error} errors`),
        paint(COLOR.manual, `${s.manual} manual`),
        paint(COLOR.waived, `${s.waived} waived`),
        paint(COLOR["not-applicable"], `${s.notApplicable} not applicable`),
      ].join(", ") +
      (states ? ` — ${[...states.values()].filter((state) => state === "new").length} new since the baseline` : "") +
      (report.incomplete ? paint(33, " — INCOMPLETE") : ""),
  );
  return `${lines.join("\n")}\n`;
}

/** How many checks were not applicable, and why, commonest reason first: a skip is never silent. */
function notApplicableReasons(results: readonly CheckResult[], shown = 6): string[] {
  const reasons = new Map<string, number>();
  for (const result of results) if (result.status === "not-applicable") reasons.set(result.message, (reasons.get(result.message) ?? 0) + 1);
  if (reasons.size === 0) return [];
  const sorted = [...reasons].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const total = sorted.reduce((sum, [, count]) => sum + count, 0);
  const lines = [`${total} not applicable, by reason:`, ...sorted.slice(0, shown).map(([reason, count]) => `  ${String(count).padStart(4)} × ${reason}`)];
  const rest = sorted.slice(shown);
  if (rest.length > 0)
    lines.push(`  ${String(rest.reduce((sum, [, count]) => sum + count, 0)).padStart(4)} × ${rest.length} other reason(s) (--verbose lists each check)`);
  return lines;
}

function countStatuses(results: readonly CheckResult[]): Record<Status, number> {
  const counts: Record<Status, number> = { pass: 0, fail: 0, error: 0, manual: 0, waived: 0, "not-applicable": 0 };
  for (const result of results) counts[result.status]++;
  return counts;
}

function formatCounts(counts: Record<Status, number>, paint: (code: number, text: string) => string): string {
  return STATUS_ORDER.filter((status) => counts[status] > 0)
    .map((status) => paint(COLOR[status], `${counts[status]} ${LABEL[status].toLowerCase()}`))
    .join(" · ");
}

/** The console reporter (`--format console`). */
export const consoleReporter = defineReporter({
  id: "console",
  description: "Human-readable summary grouped by target, failures first",
  fileName: "hardcheck.txt",
  render: (report: ReportDocument, options: ReporterOptions) => renderConsole(report, options),
});
