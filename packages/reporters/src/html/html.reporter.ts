/**
 * hardcheck.html: one self-contained file (inline CSS and script, no network, works from file://)
 * with the result explorer and the filled-in checklist view, printable to PDF.
 */
import {
  blamedConditions,
  type CheckResult,
  DEFAULT_RESULT_MESSAGE,
  defineReporter,
  describeCondition,
  type JsonValue,
  printableDeep,
  type ReportDocument,
  type ReporterOptions,
  resultsWithRules,
} from "@hardcheck/core";
import { baselineStates } from "../diff/diff.js";
import { type FormatStream, renderThroughStream } from "../shared/format-stream.js";
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
  return renderThroughStream(document, resultsWithRules(document), htmlStream(options, document));
}

/** A value whose JSON is shorter than this stays in place: a reference would save nothing. */
const SHORTEST_SHARED = 24;

/**
 * How many shared values the page remembers across targets, the most recently used: enough to keep
 * a certificate that many endpoints serve (a load balancer's, a wildcard) given once, while memory
 * stays bounded however many distinct values the report holds.
 */
const REMEMBERED_VALUES = 256;

/**
 * What the page's parts have given so far: a rule's fields (one entry per rule), the conditions'
 * shapes, and the shared values most recently used (by their JSON, in order of use) with the
 * number of values given in all.
 */
interface PageMemory {
  readonly rules: Map<string, string>;
  readonly shapes: Map<string, number>;
  readonly values: Map<string, number>;
  valueCount: number;
}

/**
 * One target's results as the page's data holds them: every object or list a result reads (its
 * evidence, its conditions' actual values) once in the page's values, given as `[index, value]` in
 * `values` by the first part that reads it (again only after the page has forgotten it, see
 * {@link REMEMBERED_VALUES}), the results pointing at it (`evidenceRefs`, `actualRef`), and the
 * conditions that decided each failure worded as `blame`.
 * What a result shares with others is given once:
 * - the target, and the first result's endpoint and pack, once per part (a result differing from
 *   them names its own);
 * - a rule's fields (title, severity, checklist reference, section, source) once for the page, in
 *   the part where the rule first appears;
 * - a condition's shape (everything but its actual value and outcome) once for the page, as
 *   `shapes`, which results point at (`shape`);
 * - the default message ({@link DEFAULT_RESULT_MESSAGE}) is left out.
 * The results of one endpoint read the same facts over and over, and every target the same rules;
 * stored once, the page stays within a few times the size of hardcheck.json.
 */
function pagePart(results: readonly CheckResult[], memory: PageMemory): string {
  const values: string[] = [];
  const refer = (value: JsonValue | undefined): number | undefined => {
    if (value === null || typeof value !== "object") return undefined;
    const json = scriptJson(value);
    if (json.length < SHORTEST_SHARED) return undefined;
    let index = memory.values.get(json);
    if (index === undefined) {
      index = memory.valueCount++;
      values.push(`[${index},${json}]`);
    } else {
      memory.values.delete(json);
    }
    // Most recently used last; the least recently used is forgotten (given again if it comes back).
    memory.values.set(json, index);
    if (memory.values.size > REMEMBERED_VALUES) memory.values.delete(memory.values.keys().next().value as string);
    return index;
  };
  const first = results[0];
  const target = first?.target ?? "";
  const endpoint = first?.endpoint ?? null;
  const pack = first?.pack ?? "";
  const rules: string[] = [];
  const shapes: string[] = [];
  const shapeOf = (shape: Omit<CheckResult["conditions"][number], "actual" | "outcome">): number => {
    const json = scriptJson(shape);
    let index = memory.shapes.get(json);
    if (index === undefined) {
      index = memory.shapes.size;
      memory.shapes.set(json, index);
      shapes.push(`[${index},${json}]`);
    }
    return index;
  };
  const stored = results.map((result) => {
    // Built from entries, so that any fact name (even `__proto__`) stays a key of its own.
    const entries = Object.entries(result.evidence).map(([fact, value]) => [fact, value, refer(value)] as const);
    // A shared value's key keeps its place in the evidence; the page puts the value back there.
    const evidence = Object.fromEntries(entries.map(([fact, value, index]) => [fact, index === undefined ? value : 0]));
    const evidenceRefs = Object.fromEntries(entries.flatMap(([fact, , index]) => (index === undefined ? [] : [[fact, index]])));
    const conditions = result.conditions.map(({ actual, outcome, ...shape }) => {
      const index = refer(actual);
      return {
        shape: shapeOf(shape),
        outcome,
        ...(index !== undefined ? { actualRef: index } : actual !== undefined ? { actual } : {}),
      };
    });
    const blame = blamedConditions(result.conditions).map((condition) => describeCondition(condition, 120));
    const { checklistRef, section, title, severity, source, target: own, endpoint: ownEndpoint, pack: ownPack, message, ...rest } = result;
    const ruleFields = { checklistRef, section, title, severity, ...(source ? { source } : {}) };
    const json = scriptJson(ruleFields);
    const key = JSON.stringify([result.pack, result.ruleId]);
    if (!memory.rules.has(key)) {
      memory.rules.set(key, json);
      rules.push(`[${scriptJson(result.pack)},${scriptJson(result.ruleId)},${json}]`);
    }
    // Fields that differ from the rule's first ones (not from one scan) stay with the result.
    const shared = memory.rules.get(key) === json;
    return scriptJson({
      ...(own === target ? {} : { target: own }),
      ...(ownEndpoint === endpoint ? {} : { endpoint: ownEndpoint }),
      ...(ownPack === pack ? {} : { pack: ownPack }),
      ...(shared ? {} : ruleFields),
      ...(message === DEFAULT_RESULT_MESSAGE ? {} : { message }),
      ...rest,
      evidence,
      conditions,
      ...(Object.keys(evidenceRefs).length > 0 ? { evidenceRefs } : {}),
      blame,
    });
  });
  return `{"target":${scriptJson(target)},"endpoint":${scriptJson(endpoint)},"pack":${scriptJson(pack)},"values":[${values.join(",")}],"rules":[${rules.join(",")}],"shapes":[${shapes.join(",")}],"results":[${stored.join(",")}]}`;
}

/**
 * The HTML page target by target: each target's results go into the page's data as they come (see
 * {@link pagePart}), and the page around the data is written at the end. Marking NEW against
 * `options.baseline` needs the whole report, `whole`.
 */
export function htmlStream(options: HtmlReporterOptions = {}, whole?: ReportDocument): FormatStream {
  const states = whole ? baselineStates(printableDeep(whole), options) : undefined;
  let parts = 0;
  const memory: PageMemory = { rules: new Map(), shapes: new Map(), values: new Map(), valueCount: 0 };
  return {
    start() {},
    target(_target, given) {
      if (given.length === 0) return "";
      // Servers wrote much of this text: a direction override or a control character in a certificate
      // name must not reorder or hide what the reader sees, so the page shows every string escaped.
      const part = pagePart(printableDeep(given), memory);
      return `${parts++ === 0 ? "" : ","}${part}`;
    },
    end(frame) {
      const report = printableDeep(frame);
      // The page's script joins each target's part itself: the document's own tables stay out of the
      // page, and its rules stand once, beside the report.
      const fields = Object.entries(report).filter(
        ([key, value]) => value !== undefined && key !== "facts" && key !== "conditions" && key !== "results" && key !== "rules",
      );
      const field = ([key, value]: [string, unknown]) => `${JSON.stringify(key)}:${scriptJson(value)}`;
      const s = report.summary;
      const total = s.pass + s.fail + s.error + s.manual + s.waived + s.notApplicable;
      const title = options.title ?? "hardcheck report";
      const judged = report.evaluatedAt && report.evaluatedAt !== report.startedAt ? ` · verdicts as of ${report.evaluatedAt}` : "";
      const subtitle = `${report.targets.length} target(s), ${total} checks · ${report.packs.map((pack) => `${pack.id} ${pack.version}`).join(", ")} · ${report.startedAt}${judged} · ${report.tool.name} ${report.tool.version}${report.incomplete ? " · INCOMPLETE SCAN" : ""}`;
      const head = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${HTML_STYLE}</style>
<noscript><style>#page-status{display:none}</style></noscript>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><p>${escapeHtml(subtitle)}</p></header>
<nav class="noprint"><div role="tablist" class="tabs"><button id="tab-results" type="button" role="tab" aria-selected="true">Results</button><button id="tab-checklist" type="button" role="tab" aria-selected="false">Checklist</button></div><button id="print-checklist" type="button">Print checklist</button></nav>
<main>
<p id="page-status" class="muted" role="status">Loading the results…</p>
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
<script type="application/json" id="hc-data">`;
      const tail = `</script>
<script>${HTML_SCRIPT}</script>
</body>
</html>
`;
      const dataHead = `{"report":{${fields.map(field).join(",")}},"rules":${scriptJson(report.rules)},"baseline":${scriptJson(states ? Object.fromEntries(states) : null)},"parts":[`;
      return { head: head + dataHead, tail: `]}${tail}` };
    },
  };
}

/** The HTML reporter (`--format html`). */
export const htmlReporter = defineReporter({
  id: "html",
  description: "Self-contained HTML report with filters and the filled-in checklist view (hardcheck.html)",
  fileName: "hardcheck.html",
  render: (report: ReportDocument, options: ReporterOptions) => renderHtml(report, options as HtmlReporterOptions),
});
