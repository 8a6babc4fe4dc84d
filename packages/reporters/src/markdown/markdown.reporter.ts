/** A Markdown summary for pull-request comments and `$GITHUB_STEP_SUMMARY` (which takes at most 1 MiB). */
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
} from "@hardcheck/core";
import { baselineStates } from "../diff/diff.js";
import { type FormatStream, renderThroughStream } from "../shared/format-stream.js";
import { findingKey } from "../shared/report-view.js";

/** Options of the Markdown reporter. */
export interface MarkdownReporterOptions extends ReporterOptions {
  /** Rows listed per table before "… and N more" (default 50). */
  readonly maxRows?: number;
  /** An older report: new failures are marked 🆕 and counted. */
  readonly baseline?: ReportDocument;
}

/**
 * Makes scanned text inert in Markdown table cells: HTML is escaped (GitHub renders inline HTML),
 * Markdown punctuation is backslash-escaped, and line breaks become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_{}[\]()#+!|~]/g, (character) => `\\${character}`);
}

const where = (result: CheckResult) => escapeMarkdown(`${result.target}${result.endpoint ? ` ${result.endpoint}` : ""}`);

/** Renders the Markdown summary. */
export function renderMarkdown(document: ReportDocument, options: MarkdownReporterOptions = {}): string {
  return renderThroughStream(document, resultsWithRules(document), markdownStream(options, document));
}

/** One table of the summary: its first rows as text, and how many rows it has in all. */
class Rows {
  readonly rows: string[] = [];
  count = 0;
  constructor(private readonly keep: number) {}
  add(row: () => string): void {
    if (this.count++ < this.keep) this.rows.push(row());
  }
}

/**
 * The Markdown summary target by target. Its tables list at most `maxRows` rows each, so it keeps
 * only the rows it can still print (the first `maxRows` failures of each severity, which are all the
 * failures it could list first) and counts the rest. Marking NEW against `options.baseline` needs
 * the whole report, `whole`.
 */
export function markdownStream(options: MarkdownReporterOptions = {}, whole?: ReportDocument): FormatStream {
  const maxRows = Math.max(1, options.maxRows ?? 50);
  const states = whole ? baselineStates(whole, options) : undefined;
  // Failures print new first, then by severity, then in document order: one bucket per (new, severity).
  const failures = new Map<string, Rows>();
  let failureCount = 0;
  const errors = new Rows(maxRows);
  const waived = new Rows(maxRows);
  return {
    start() {},
    target(_target, given) {
      // Servers wrote much of this text: escape what a terminal showing the file would obey.
      for (const result of printableDeep(given)) {
        if (result.status === "fail") {
          failureCount++;
          const isNew = states?.get(findingKey(result)) === "new";
          const key = `${isNew ? 0 : 1}|${SEVERITIES.indexOf(result.severity)}`;
          const bucket = failures.get(key) ?? new Rows(maxRows);
          failures.set(key, bucket);
          bucket.add(() => {
            const conditions = blamedConditions(result.conditions).map((condition) => escapeMarkdown(describeCondition(condition, 80)));
            return `| ${isNew ? "🆕" : ""} | ${result.severity} | ${escapeMarkdown(result.ruleId)} | ${where(result)} | ${escapeMarkdown(result.title)}${conditions.length > 0 ? `<br>${conditions.join("<br>")}` : ""} |`;
          });
        } else if (result.status === "error") {
          errors.add(() => `| ${escapeMarkdown(result.ruleId)} | ${where(result)} | ${escapeMarkdown(result.message)} |`);
        } else if (result.status === "waived") {
          waived.add(
            () =>
              `| ${escapeMarkdown(result.ruleId)} | ${where(result)} | ${escapeMarkdown(result.waiver?.approvedBy ?? "")} | ${escapeMarkdown(result.waiver?.expires ?? "")} | ${escapeMarkdown(result.waiver?.reason ?? result.message)} |`,
          );
        }
      }
      return "";
    },
    end(frame) {
      const report = printableDeep(frame);
      const s = report.summary;
      const total = s.pass + s.fail + s.error + s.manual + s.waived + s.notApplicable;
      const verdict = s.fail > 0 ? "❌" : s.error > 0 || report.incomplete ? "⚠️" : "✅";
      const lines = [
        `## ${verdict} hardcheck: ${s.fail} failed, ${s.error} errors of ${total} checks`,
        "",
        `${report.targets.length} target(s) · packs ${report.packs.map((pack) => `${escapeMarkdown(pack.id)} ${escapeMarkdown(pack.version)}`).join(", ") || "none"} · ${escapeMarkdown(report.tool.name)} ${escapeMarkdown(report.tool.version)}${report.incomplete ? " · **incomplete scan**" : ""}`,
        "",
        "| pass | fail | error | manual | waived | not applicable |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        `| ${s.pass} | ${s.fail} | ${s.error} | ${s.manual} | ${s.waived} | ${s.notApplicable} |`,
      ];
      if (states) {
        const fresh = [...states.values()].filter((state) => state === "new").length;
        lines.push("", `Compared with the baseline: **${fresh} new failure(s)**, ${states.size - fresh} failing before too.`);
      }
      const table = (title: string, header: string, rows: readonly string[], count: number) => {
        if (count === 0) return;
        lines.push(
          "",
          `### ${title}`,
          "",
          header,
          `|${header
            .split("|")
            .slice(1, -1)
            .map(() => " --- |")
            .join("")}`,
        );
        lines.push(...rows.slice(0, maxRows));
        if (count > maxRows) lines.push("", `… and ${count - maxRows} more (see the full report).`);
      };
      const ordered = [...failures].sort(([a], [b]) => compareBuckets(a, b)).flatMap(([, bucket]) => bucket.rows);
      table("Failures", "| | severity | rule | where | what failed |", ordered, failureCount);
      table("Errors (not decided)", "| rule | where | reason |", errors.rows, errors.count);
      table("Waived", "| rule | where | approved by | until | reason |", waived.rows, waived.count);
      if (s.manual > 0) lines.push("", `${s.manual} check(s) need a person's attestation — see the checklist view of the HTML report.`);
      for (const notice of report.notices) lines.push("", `> **${notice.level}** ${escapeMarkdown(notice.message)}`);
      return { head: `${lines.join("\n")}\n`, tail: "" };
    },
  };
}

/** Bucket keys `new|severity-rank`, compared as numbers. */
function compareBuckets(a: string, b: string): number {
  const [newA, rankA] = a.split("|").map(Number) as [number, number];
  const [newB, rankB] = b.split("|").map(Number) as [number, number];
  return newA - newB || rankA - rankB;
}

/** The Markdown reporter (`--format markdown`). */
export const markdownReporter = defineReporter({
  id: "markdown",
  description: "Markdown summary for pull-request comments and $GITHUB_STEP_SUMMARY (hardcheck.md)",
  fileName: "hardcheck.md",
  render: (report: ReportDocument, options: ReporterOptions) => renderMarkdown(report, options as MarkdownReporterOptions),
});
