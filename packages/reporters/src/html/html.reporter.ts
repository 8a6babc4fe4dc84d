/**
 * hardcheck.html: one self-contained file (inline CSS and script, no network, works from file://)
 * with the result explorer and the filled-in checklist view, printable to PDF.
 */
import {
  blamedConditions,
  defineReporter,
  describeCondition,
  printableDeep,
  type ReportDocument,
  type ReporterOptions,
  resultsWithRules,
} from "@hardcheck/core";
import { baselineStates } from "../diff/diff.js";
import { ruleCatalog } from "../shared/report-view.js";
import { HTML_SCRIPT, HTML_STYLE } from "./html.assets.js";

/** Options of the HTML reporter. */
export interface HtmlReporterOptions extends ReporterOptions {
  /** An older report: new failures get a NEW badge and a filter. */
  readonly baseline?: ReportDocument;
  /** Page title (default: "hardcheck report"). */
  readonly title?: string;
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * JSON that is safe inside a `<script type="application/json">` element: no `<` can close the
 * element, and the line separators that old parsers choke on are escaped.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Renders the self-contained HTML report. */
export function renderHtml(document: ReportDocument, options: HtmlReporterOptions = {}): string {
  // Servers wrote much of this text: a direction override or a control character in a certificate
  // name must not reorder or hide what the reader sees, so the page shows every string escaped.
  const report = printableDeep(document);
  const states = baselineStates(report, options);
  // The conditions that decided each failure, worded by core like every other reporter (by result index).
  const results = resultsWithRules(report);
  const blame = results.map((result) => blamedConditions(result.conditions).map((condition) => describeCondition(condition, 120)));
  // The page's script reads each result joined (rule fields, evidence, conditions): the tables the
  // document stores them in stay out of the page.
  const { facts: _facts, conditions: _conditions, ...rest } = report;
  const data = { report: { ...rest, results }, rules: ruleCatalog(report), baseline: states ? Object.fromEntries(states) : null, blame };
  const s = report.summary;
  const total = s.pass + s.fail + s.error + s.manual + s.waived + s.notApplicable;
  const title = options.title ?? "hardcheck report";
  const judged = report.evaluatedAt && report.evaluatedAt !== report.startedAt ? ` · verdicts as of ${report.evaluatedAt}` : "";
  const subtitle = `${report.targets.length} target(s), ${total} checks · ${report.packs.map((pack) => `${pack.id} ${pack.version}`).join(", ")} · ${report.startedAt}${judged} · ${report.tool.name} ${report.tool.version}${report.incomplete ? " · INCOMPLETE SCAN" : ""}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><p>${escapeHtml(subtitle)}</p></header>
<nav class="noprint"><div role="tablist" class="tabs"><button id="tab-results" type="button" role="tab" aria-selected="true">Results</button><button id="tab-checklist" type="button" role="tab" aria-selected="false">Checklist</button></div><button id="print-checklist" type="button">Print checklist</button></nav>
<main>
<div id="view-results">
<div class="cards" id="summary-cards"></div>
<table id="summary-severity-table"><caption class="muted">failures by severity</caption><tbody id="summary-severity"></tbody></table>
<table><caption class="muted">results by pack</caption><thead><tr><th>pack</th><th>fail</th><th>error</th><th>manual</th><th>waived</th><th>pass</th><th>n/a</th></tr></thead><tbody id="summary-packs"></tbody></table>
<div class="filters">
<label>status <select id="filter-status"><option value="">all</option></select></label>
<label>severity <select id="filter-severity"><option value="">all</option></select></label>
<label>target <select id="filter-target"><option value="">all</option></select></label>
<label>pack <select id="filter-pack"><option value="">all</option></select></label>
<input id="filter-text" type="search" placeholder="search rule, title, target, message" aria-label="search">
<label><input id="filter-new" type="checkbox"> only new</label>
</div>
<p id="result-count" class="muted"></p>
<div id="results"></div>
<button id="show-na" class="more" type="button" hidden></button>
<button id="show-more" class="more" type="button" hidden>Show more</button>
</div>
<div id="view-checklist" class="checklist" hidden><div id="checklist"></div></div>
</main>
<noscript>This report needs JavaScript; hardcheck.json holds the same data.</noscript>
<script type="application/json" id="hc-data">${scriptJson(data)}</script>
<script>${HTML_SCRIPT}</script>
</body>
</html>
`;
}

/** The HTML reporter (`--format html`). */
export const htmlReporter = defineReporter({
  id: "html",
  description: "Self-contained HTML report with filters and the filled-in checklist view (hardcheck.html)",
  fileName: "hardcheck.html",
  render: (report: ReportDocument, options: ReporterOptions) => renderHtml(report, options as HtmlReporterOptions),
});
