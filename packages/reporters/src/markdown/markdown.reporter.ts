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
  // Servers wrote much of this text: escape what a terminal showing the file would obey.
  const report = printableDeep(document);
  const results = resultsWithRules(report);
  const maxRows = Math.max(1, options.maxRows ?? 50);
  const states = baselineStates(report, options);
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
  const table = (title: string, header: string, rows: readonly string[]) => {
    if (rows.length === 0) return;
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
    if (rows.length > maxRows) lines.push("", `… and ${rows.length - maxRows} more (see the full report).`);
  };
  const failures = results
    .filter((result) => result.status === "fail")
    .map((result, order) => ({ result, order, isNew: states?.get(findingKey(result)) === "new" }))
    .sort((a, b) => Number(b.isNew) - Number(a.isNew) || SEVERITIES.indexOf(a.result.severity) - SEVERITIES.indexOf(b.result.severity) || a.order - b.order);
  table(
    "Failures",
    "| | severity | rule | where | what failed |",
    failures.map(({ result, isNew }) => {
      const conditions = blamedConditions(result.conditions).map((condition) => escapeMarkdown(describeCondition(condition, 80)));
      return `| ${isNew ? "🆕" : ""} | ${result.severity} | ${escapeMarkdown(result.ruleId)} | ${where(result)} | ${escapeMarkdown(result.title)}${conditions.length > 0 ? `<br>${conditions.join("<br>")}` : ""} |`;
    }),
  );
  table(
    "Errors (not decided)",
    "| rule | where | reason |",
    results
      .filter((result) => result.status === "error")
      .map((result) => `| ${escapeMarkdown(result.ruleId)} | ${where(result)} | ${escapeMarkdown(result.message)} |`),
  );
  table(
    "Waived",
    "| rule | where | approved by | until | reason |",
    results
      .filter((result) => result.status === "waived")
      .map(
        (result) =>
          `| ${escapeMarkdown(result.ruleId)} | ${where(result)} | ${escapeMarkdown(result.waiver?.approvedBy ?? "")} | ${escapeMarkdown(result.waiver?.expires ?? "")} | ${escapeMarkdown(result.waiver?.reason ?? result.message)} |`,
      ),
  );
  if (s.manual > 0) lines.push("", `${s.manual} check(s) need a person's attestation — see the checklist view of the HTML report.`);
  for (const notice of report.notices) lines.push("", `> **${notice.level}** ${escapeMarkdown(notice.message)}`);
  return `${lines.join("\n")}\n`;
}

/** The Markdown reporter (`--format markdown`). */
export const markdownReporter = defineReporter({
  id: "markdown",
  description: "Markdown summary for pull-request comments and $GITHUB_STEP_SUMMARY (hardcheck.md)",
  fileName: "hardcheck.md",
  render: (report: ReportDocument, options: ReporterOptions) => renderMarkdown(report, options as MarkdownReporterOptions),
});
