/** A terminal view for people: grouped by target, failures first, failing conditions spelled out. */
import {
  blamedConditions,
  type CheckResult,
  compareTargetIds,
  compareText,
  defineReporter,
  describeCondition,
  printableDeep,
  type ReportDocument,
  type ReporterOptions,
  type ReportTarget,
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
  // Findings are matched with the baseline as the view shows them: made printable.
  const view = consoleStream(options, printableDeep(document));
  // Every target the document lists or a result names, in the order a streamed scan hands them over
  // (by the raw id: the view makes each printable itself), so the view equals what the scan printed.
  const byTarget = new Map<string, CheckResult[]>(document.targets.map((target) => [target.id, []]));
  for (const result of resultsWithRules(document)) {
    const list = byTarget.get(result.target);
    if (list) list.push(result);
    else byTarget.set(result.target, [result]);
  }
  const listed = new Map(document.targets.map((target) => [target.id, target]));
  const sections = [...byTarget].sort(([a], [b]) => compareTargetIds(a, b)).map(([id, results]) => view.target(listed.get(id) ?? { id, host: null }, results));
  return sections.join("") + view.end(document);
}

/** The parts of a report the console view ends with. */
export type ConsoleEnding = Pick<ReportDocument, "notices" | "summary" | "incomplete">;

/**
 * The console view of a report taken target by target, as a streamed scan hands results over: one
 * section per target, then the notices and counts. {@link renderConsole} is this over a whole document.
 */
export interface ConsoleStream {
  /** The section of one target (its results in any order). */
  target(target: Pick<ReportTarget, "id" | "host">, results: readonly CheckResult[]): string;
  /** The notices, the not-applicable reasons seen in every section, and the counts. */
  end(report: ConsoleEnding): string;
}

/**
 * Starts a console view to be fed target by target. Marking findings NEW against
 * `options.baseline` needs the whole report, `whole`; without it nothing is marked.
 */
export function consoleStream(options: ConsoleReporterOptions = {}, whole?: ReportDocument): ConsoleStream {
  const paint = (code: number, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const bold = (text: string) => (options.color ? `\u001b[1m${text}\u001b[22m` : text);
  const states = whole ? baselineStates(whole, options) : undefined;
  const notApplicable = new Map<string, number>();
  const severityRank = (result: CheckResult) => SEVERITIES.indexOf(result.severity);
  return {
    target(target, targetResults) {
      const lines: string[] = [];
      const results = [...printableDeep(targetResults)].sort(
        (a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || severityRank(a) - severityRank(b) || compareText(a.ruleId, b.ruleId),
      );
      for (const result of results) if (result.status === "not-applicable") notApplicable.set(result.message, (notApplicable.get(result.message) ?? 0) + 1);
      const counts = countStatuses(results);
      const id = printableDeep(target.id);
      const host = target.host === null ? null : printableDeep(target.host);
      lines.push(`${bold(`${id}${host ? ` (${host})` : ""}`)}  ${formatCounts(counts, paint)}`);
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
      return `${lines.join("\n")}\n`;
    },
    end(report) {
      const lines: string[] = [];
      for (const notice of printableDeep(report.notices))
        lines.push(`${paint(notice.level === "warning" ? 33 : 90, notice.level.toUpperCase())} ${notice.message}`);
      lines.push(...notApplicableReasons(notApplicable).map((line) => paint(90, line)));
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
    },
  };
}

/** How many checks were not applicable, and why, commonest reason first: a skip is never silent. */
function notApplicableReasons(reasons: ReadonlyMap<string, number>, shown = 6): string[] {
  if (reasons.size === 0) return [];
  const sorted = [...reasons].sort(([a, x], [b, y]) => y - x || compareText(a, b));
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
