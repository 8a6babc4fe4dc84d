/**
 * The stylesheet and script inlined into hardcheck.html. The script builds every node with
 * textContent / append(string), never innerHTML, so text from scanned systems cannot become markup.
 */

import { DEFAULT_RESULT_MESSAGE } from "@hardcheck/core";

/** Inline CSS of the HTML report (screen and print). */
export const HTML_STYLE = `
:root{--fail:#c62828;--error:#8e24aa;--manual:#b26a00;--waived:#00838f;--pass:#2e7d32;--na:#616161;--line:#ddd;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;font-size:14px;color:#1b1b1b}
body{margin:0}header{padding:12px 20px;background:#263238;color:#fff}header h1{margin:0;font-size:18px}header p{margin:4px 0 0;opacity:.85}
nav,.tabs{display:flex;gap:4px}nav{padding:8px 20px;border-bottom:1px solid var(--line)}nav button{border:1px solid var(--line);background:#fafafa;padding:6px 12px;cursor:pointer;border-radius:4px}nav button[aria-selected=true]{background:#263238;color:#fff}
main{padding:12px 20px}.cards{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:12px}.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:90px}.card b{display:block;font-size:20px}
table{border-collapse:collapse;width:100%}th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}th{background:#f5f5f5}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:12px 0}.filters input[type=search]{min-width:240px;padding:4px}
.badge{display:inline-block;min-width:64px;text-align:center;border-radius:3px;color:#fff;font-size:12px;padding:1px 4px;font-weight:600}
.s-fail{background:var(--fail)}.s-error{background:var(--error)}.s-manual{background:var(--manual)}.s-waived{background:var(--waived)}.s-pass{background:var(--pass)}.s-not-applicable{background:var(--na)}
.new{background:#ffeb3b;color:#000;border-radius:3px;padding:0 4px;font-size:11px;font-weight:700;margin-right:4px}
details.result{border-bottom:1px solid var(--line)}details.result>summary{display:grid;grid-template-columns:90px 70px minmax(120px,1.2fr) 3fr 1.5fr;gap:8px;padding:5px 4px;cursor:pointer;list-style:none}
details.result>summary::-webkit-details-marker{display:none}details.result[open]>summary{background:#eef3f7}.body{padding:6px 12px 12px 100px}
pre{background:#f7f7f7;border:1px solid var(--line);padding:6px;overflow:auto;max-height:320px;white-space:pre-wrap;word-break:break-all}
.muted{color:#666}.more{margin:12px 0}.checklist h2{font-size:16px;margin:24px 0 6px}.checklist section{content-visibility:auto;contain-intrinsic-size:auto 900px}
.overview-table{max-width:900px}.overview-table th{width:28%}.overview-table td{height:1.6em}.pack-counts{margin:12px 0;padding-left:18px}
.checklist-table{table-layout:fixed;font-size:12px}.checklist-table .col-item{width:10%}.checklist-table .col-requirement{width:27%}.checklist-table .col-comment{width:23%}.checklist-table .col-role{font-size:10px;font-weight:600;overflow-wrap:break-word;hyphens:auto;padding:3px 2px}
.checklist-table td.role{text-align:center;font-weight:700;font-size:11px;overflow-wrap:normal;padding:4px 2px}.checklist-table .requirement div{margin-top:3px}td{overflow-wrap:anywhere}
.verdict-yes{color:var(--pass);font-weight:700}.verdict-no{color:var(--fail);font-weight:700}.verdict-open{color:var(--manual);font-weight:700}.verdict-na,.verdict-none{color:var(--na)}
.sign{display:grid;grid-template-columns:repeat(2,1fr);gap:36px;margin:18px 0 36px;break-inside:avoid}.sign-line{border-bottom:1px solid #000;height:2.2em;display:flex;align-items:flex-end;font-size:11px;color:#444}
[hidden]{display:none!important}
.page-failed{border:2px solid var(--fail);color:var(--fail);padding:8px 12px;font-weight:600}
@page{size:A4 landscape;margin:12mm}
@media print{.checklist section{content-visibility:visible}header{background:none;color:#000;padding:0 0 6px}nav,.filters,.noprint{display:none!important}
.checklist section.pack-checklist{break-before:page}th{background:none}main{padding:0}th,td{border-color:#000}thead{display:table-header-group}tr{break-inside:avoid}.checklist h2{margin-top:0}}
`;

/** Inline script of the HTML report: summary, filters, lazily rendered results, checklist view. */
export const HTML_SCRIPT = `
(() => {
"use strict";
const status = document.getElementById("page-status");
let failed = false;
// Never a page that reads as "nothing found" when it could not show its results: it empties what it drew, hides every
// control that would draw again (the checklist view included), and says why and where the results are.
function fail(error) {
  if (failed) return;
  failed = true;
  for (const id of ["summary-cards", "summary-severity", "summary-packs", "results", "checklist"]) document.getElementById(id).replaceChildren();
  for (const node of document.querySelectorAll("nav, .filters, #result-count, #show-na, #show-more, #view-checklist")) node.hidden = true;
  document.getElementById("view-results").hidden = false;
  // The notice goes once the page is drawn; a handler that fails later puts it back.
  if (!status.isConnected) document.querySelector("main").prepend(status);
  status.className = "page-failed";
  status.textContent = "This page could not show its results (" + String((error && error.message) || error) + "). " +
    "A page this large may be more than the browser can load. hardcheck.json holds every result: render smaller pages from it " +
    "(one per shard, or hardcheck report --from with --format markdown or sarif).";
  document.documentElement.setAttribute("data-ready", "error");
}
// An event handler that does nothing once the page has failed, and fails the page when it throws.
function guarded(handler) {
  return function () {
    if (failed) return;
    try {
      handler.apply(this, arguments);
    } catch (error) {
      fail(error);
    }
  };
}
try {
  const data = JSON.parse(document.getElementById("hc-data").textContent);
  const report = data.report;
  // Each target's part names the target, the first endpoint and pack once; the objects results read, a rule's fields
  // and a condition's shape come once, with the first part that has them: put them back into every result.
  const results = [];
  const ruleFields = new Map();
  const shapes = [];
  const values = [];
  for (const part of data.parts) {
    for (const [pack, ruleId, fields] of part.rules) ruleFields.set(JSON.stringify([pack, ruleId]), fields);
    for (const [index, shape] of part.shapes) shapes[index] = shape;
    for (const [index, value] of part.values) values[index] = value;
    for (const r of part.results) {
      if (r.target === undefined) r.target = part.target;
      if (r.endpoint === undefined) r.endpoint = part.endpoint;
      if (r.pack === undefined) r.pack = part.pack;
      if (r.message === undefined) r.message = ${JSON.stringify(DEFAULT_RESULT_MESSAGE)};
      if (r.title === undefined) Object.assign(r, ruleFields.get(JSON.stringify([r.pack, r.ruleId])));
      if (r.evidenceRefs) for (const fact of Object.keys(r.evidenceRefs)) Object.defineProperty(r.evidence, fact, { value: values[r.evidenceRefs[fact]], enumerable: true, writable: true, configurable: true });
      r.conditions = r.conditions.map((c) => {
        const condition = Object.assign({}, shapes[c.shape], { outcome: c.outcome });
        if (c.actualRef !== undefined) condition.actual = values[c.actualRef];
        else if ("actual" in c) condition.actual = c.actual;
        return condition;
      });
      results.push(r);
    }
  }
  report.results = results;
  const baseline = data.baseline || null;
  const rules = data.rules;
  const PAGE = 200;
  const STATUSES = ["fail", "error", "manual", "waived", "pass", "not-applicable"];
  const SEVERITIES = ["critical", "high", "medium", "low", "info"];
  const LABEL = { fail: "FAIL", error: "ERROR", manual: "MANUAL", waived: "WAIVED", pass: "PASS", "not-applicable": "N/A" };
  function el(tag, props) {
    const node = document.createElement(tag);
    if (props) for (const key of Object.keys(props)) {
      const value = props[key];
      if (value === undefined || value === null) continue;
      if (key === "text") node.textContent = String(value);
      else if (key === "class") node.className = value;
      else node.setAttribute(key, String(value));
    }
    for (let i = 2; i < arguments.length; i++) {
      const child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? child : child);
    }
    return node;
  }
  const keyOf = (r) => r.pack + "|" + r.ruleId + "|" + r.target + "|" + (r.endpoint || "");
  const isNew = (r) => baseline !== null && baseline[keyOf(r)] === "new";
  const brief = (value, max) => { const text = JSON.stringify(value === undefined ? null : value); return text.length > max ? text.slice(0, max - 1) + "…" : text; };
  const blameOf = new Map(results.map((r) => [r, r.blame || []]));
  const ruleIndex = new Map(rules.map((rule) => [rule.pack + "|" + rule.id, rule]));
  const badge = (status) => el("span", { class: "badge s-" + status, text: LABEL[status] });

  // Tabs
  const views = { results: document.getElementById("view-results"), checklist: document.getElementById("view-checklist") };
  let checklistBuilt = false;
  function show(name) {
    for (const key of Object.keys(views)) {
      views[key].hidden = key !== name;
      document.getElementById("tab-" + key).setAttribute("aria-selected", String(key === name));
    }
    if (name === "checklist" && !checklistBuilt) { buildChecklist(); checklistBuilt = true; }
  }
  document.getElementById("tab-results").addEventListener("click", guarded(() => show("results")));
  document.getElementById("tab-checklist").addEventListener("click", guarded(() => show("checklist")));
  document.getElementById("print-checklist").addEventListener("click", guarded(() => { show("checklist"); window.print(); }));

  // Summary
  function buildSummary() {
    const cards = document.getElementById("summary-cards");
    const counts = {};
    for (const s of STATUSES) counts[s] = 0;
    const bySeverity = {};
    for (const s of SEVERITIES) bySeverity[s] = 0;
    const byPack = new Map();
    for (const r of results) {
      counts[r.status]++;
      if (r.status === "fail") bySeverity[r.severity]++;
      if (!byPack.has(r.pack)) { const row = {}; for (const s of STATUSES) row[s] = 0; byPack.set(r.pack, row); }
      byPack.get(r.pack)[r.status]++;
    }
    for (const s of STATUSES) cards.append(el("div", { class: "card", "data-status": s }, el("b", { text: counts[s] }), badge(s)));
    const severityRow = el("tr");
    for (const s of SEVERITIES) severityRow.append(el("td", { text: s + ": " + bySeverity[s] }));
    document.getElementById("summary-severity").append(severityRow);
    const packTable = document.getElementById("summary-packs");
    for (const [pack, row] of byPack) {
      const tr = el("tr", null, el("td", { text: pack }));
      for (const s of STATUSES) tr.append(el("td", { text: row[s] }));
      packTable.append(tr);
    }
  }

  // Filters
  const filterStatus = document.getElementById("filter-status");
  const filterSeverity = document.getElementById("filter-severity");
  const filterTarget = document.getElementById("filter-target");
  const filterPack = document.getElementById("filter-pack");
  const filterText = document.getElementById("filter-text");
  const filterNew = document.getElementById("filter-new");
  function fill(select, values) { for (const v of values) select.append(el("option", { value: v, text: v })); }
  fill(filterStatus, STATUSES);
  fill(filterSeverity, SEVERITIES);
  fill(filterTarget, [...new Set(results.map((r) => r.target))].sort());
  fill(filterPack, [...new Set(results.map((r) => r.pack))].sort());
  if (baseline === null) filterNew.parentElement.hidden = true;
  const searchText = new Array(results.length);
  function haystack(i) {
    if (searchText[i] === undefined) {
      const r = results[i];
      searchText[i] = [r.ruleId, r.title, r.target, r.endpoint || "", r.message, r.checklistRef || "", r.section || ""].join(" ").toLowerCase();
    }
    return searchText[i];
  }
  let matches = [];
  let shown = 0;
  let showNotApplicable = false;
  let hiddenNotApplicable = 0;
  const naButton = document.getElementById("show-na");
  naButton.addEventListener("click", guarded(() => { showNotApplicable = true; applyFilters(); }));
  const list = document.getElementById("results");
  const countLine = document.getElementById("result-count");
  const moreButton = document.getElementById("show-more");
  function applyFilters() {
    const status = filterStatus.value, severity = filterSeverity.value, target = filterTarget.value, pack = filterPack.value;
    const text = filterText.value.trim().toLowerCase();
    const onlyNew = filterNew.checked;
    matches = [];
    hiddenNotApplicable = 0;
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      if (status && r.status !== status) continue;
      if (severity && r.severity !== severity) continue;
      if (target && r.target !== target) continue;
      if (pack && r.pack !== pack) continue;
      if (onlyNew && !isNew(r)) continue;
      if (text && !haystack(i).includes(text)) continue;
      // Checks that did not apply are counted, and listed only on request: they would bury the findings.
      if (!status && !showNotApplicable && r.status === "not-applicable") { hiddenNotApplicable++; continue; }
      matches.push(i);
    }
    naButton.hidden = hiddenNotApplicable === 0;
    naButton.textContent = hiddenNotApplicable + " not-applicable check" + (hiddenNotApplicable === 1 ? "" : "s") + " hidden — show";
    list.replaceChildren();
    shown = 0;
    renderMore();
  }
  function renderMore() {
    const end = Math.min(matches.length, shown + PAGE);
    const fragment = document.createDocumentFragment();
    for (; shown < end; shown++) fragment.append(resultRow(results[matches[shown]]));
    list.append(fragment);
    countLine.textContent = matches.length + " of " + results.length + " checks match; " + shown + " shown" + (hiddenNotApplicable > 0 ? "; " + hiddenNotApplicable + " not applicable hidden" : "");
    moreButton.hidden = shown >= matches.length;
  }
  function resultRow(r) {
    const summary = el("summary", null, badge(r.status), el("span", { text: r.severity }),
      el("span", null, isNew(r) ? el("span", { class: "new", text: "NEW" }) : null, r.ruleId),
      el("span", { text: r.title }), el("span", { class: "muted", text: r.target + (r.endpoint ? " " + r.endpoint : "") }));
    const details = el("details", { class: "result", "data-status": r.status }, summary);
    details.addEventListener("toggle", guarded(() => { if (details.open && details.childElementCount === 1) details.append(resultBody(r)); }));
    return details;
  }
  function resultBody(r) {
    const body = el("div", { class: "body" }, el("p", { text: r.message }));
    if (r.conditions.length > 0) {
      const table = el("table", null, el("tr", null, el("th", { text: "condition" }), el("th", { text: "fact" }), el("th", { text: "operator" }), el("th", { text: "expected" }), el("th", { text: "actual" }), el("th", { text: "outcome" })));
      for (const c of r.conditions) table.append(el("tr", { class: "cond-" + c.outcome }, el("td", { text: c.name || c.where }), el("td", { text: c.fact + (c.path ? "." + c.path : "") }), el("td", { text: c.operator }), el("td", { text: brief(c.expected, 400) }), el("td", { text: c.outcome === "not-evaluated" ? "—" : brief(c.actual, 400) }), el("td", { text: c.outcome })));
      body.append(table);
    }
    if (r.waiver) body.append(el("p", null, el("b", { text: r.waiver.expired ? "Expired waiver: " : "Waived: " }), r.waiver.reason + " — approved by " + r.waiver.approvedBy + (r.waiver.expires ? ", until " + r.waiver.expires : "") + " (was " + r.waiver.originalStatus + ")"));
    if (r.attestation) body.append(el("p", null, el("b", { text: "Attested " + r.attestation.verdict + ": " }), "by " + r.attestation.by + " at " + r.attestation.at + (r.attestation.note ? " — " + r.attestation.note : "")));
    const rule = ruleIndex.get(r.pack + "|" + r.ruleId);
    if (rule && rule.remediation) body.append(el("p", null, el("b", { text: "How to fix it: " }), rule.remediation));
    const evidence = JSON.stringify(r.evidence, null, 2);
    if (evidence !== "{}") body.append(el("b", { text: "Evidence" }), el("pre", { class: "evidence", text: evidence.length > 20000 ? evidence.slice(0, 20000) + "\\n…" : evidence }));
    body.append(el("p", { class: "muted", text: r.pack + (r.checklistRef ? " · " + r.checklistRef : "") + (r.source ? " · " + r.source.file + ":" + r.source.line : "") }));
    return body;
  }
  moreButton.addEventListener("click", guarded(renderMore));
  for (const control of [filterStatus, filterSeverity, filterTarget, filterPack, filterNew]) control.addEventListener("change", guarded(applyFilters));
  let typing = 0;
  filterText.addEventListener("input", guarded(() => { clearTimeout(typing); typing = setTimeout(guarded(applyFilters), 120); }));
  for (const card of document.querySelectorAll(".card[data-status]")) card.addEventListener("click", guarded(() => { filterStatus.value = card.getAttribute("data-status"); applyFilters(); }));

  // Checklist: the vendor's form filled in. A deployment overview first, then per pack one row per
  // item in the document's order, one "Executed" cell per server role (the targets tagged with it),
  // and the evidence and attestation notes as the comment; a signature block closes each pack.
  const VERDICT = { pass: "Yes", fail: "No", "not-applicable": "n/a", manual: "Open", error: "Not checked", waived: "Waived" };
  const VERDICT_CLASS = { pass: "verdict-yes", fail: "verdict-no", "not-applicable": "verdict-na", manual: "verdict-open", error: "verdict-open", waived: "verdict-open" };
  const WORST_FIRST = ["fail", "error", "manual", "waived", "pass", "not-applicable"];
  function verdictOf(items) {
    const statuses = new Set(items.map((r) => r.status));
    for (const s of WORST_FIRST) if (statuses.has(s)) return s;
    return "not-applicable";
  }
  const site = report.site || {};
  function partyRows(table) {
    const customer = site.customer || {}, supplier = site.supplier || {};
    for (const [key, label] of [["company", "Company"], ["name", "Name"], ["address", "Address"], ["telephone", "Telephone"], ["email", "E-mail"]]) {
      table.append(el("tr", null, el("th", { text: label }), el("td", { "data-field": "customer." + key, text: customer[key] || "" }), el("td", { "data-field": "supplier." + key, text: supplier[key] || "" })));
    }
  }
  function overviewRow(table, label, field, value) {
    table.append(el("tr", null, el("th", { text: label }), el("td", { colspan: 2, "data-field": field, text: value || "" })));
  }
  function buildOverview() {
    const section = el("section", { class: "overview", "data-overview": "true" }, el("h2", { text: "Customer deployment – overview" }));
    const table = el("table", { class: "overview-table" });
    table.append(el("thead", null, el("tr", null, el("th"), el("th", { text: "Customer" }), el("th", { text: "Supplier" }))));
    const body = el("tbody");
    partyRows(body);
    // Without a site entry the scanned targets are the covered systems.
    const scanned = report.targets.map((t) => t.id + (t.host ? " (" + t.host + ")" : "") + (t.endpoints.length > 0 ? ": " + t.endpoints.join(", ") : "")).join("; ");
    overviewRow(body, "Covered systems", "coveredSystems", site.coveredSystems || scanned);
    const checklists = report.packs.map((pack) => pack.title + " (hardcheck pack " + pack.id + " " + pack.version + ")").join("; ");
    overviewRow(body, "Referenced checklist", "checklistVersion", (site.checklistVersion ? "Version: " + site.checklistVersion : "Version:") + (site.checklistDate ? " · Date: " + site.checklistDate : "") + " — " + checklists);
    overviewRow(body, "General remarks", "remarks", site.remarks);
    overviewRow(body, "Open issues to be resolved until", "openIssuesUntil", site.openIssuesUntil);
    overviewRow(body, "Checked", "checkedAt", "Verdicts as of " + (report.evaluatedAt || report.startedAt) + " by " + report.tool.name + " " + report.tool.version + (report.incomplete ? " — INCOMPLETE SCAN: unfinished checks are not decided" : ""));
    table.append(body);
    section.append(table);
    const counts = el("ul", { class: "pack-counts" });
    for (const pack of report.packs) {
      const row = {};
      for (const r of results) if (r.pack === pack.id) row[r.status] = (row[r.status] || 0) + 1;
      counts.append(el("li", { text: pack.title + ": " + WORST_FIRST.filter((s) => row[s]).map((s) => row[s] + " " + LABEL[s].toLowerCase()).join(", ") }));
    }
    section.append(counts);
    return section;
  }
  // The columns of a pack's "Executed" block: its roles, plus any scanned target that carries none of them.
  function columnsOf(pack, packResults) {
    const roles = pack.roles || [];
    const columns = roles.map((role) => ({ name: role.name, key: role.tag, targets: report.targets.filter((t) => t.tags.includes(role.tag)).map((t) => t.id) }));
    const covered = new Set(columns.flatMap((c) => c.targets));
    for (const target of report.targets) {
      if (covered.has(target.id)) continue;
      if (!packResults.some((r) => r.target === target.id && r.status !== "not-applicable")) continue;
      columns.push({ name: target.id, key: "target:" + target.id, targets: [target.id] });
    }
    return columns;
  }
  function commentOf(entries, rule) {
    const lines = [];
    for (const r of entries) {
      if (r.status === "not-applicable") continue;
      const where = r.target + (r.endpoint ? " " + r.endpoint : "");
      if (r.attestation) {
        const a = r.attestation;
        lines.push(where + ": attested " + a.verdict + " by " + a.by + ", " + a.at + (a.note ? ": " + a.note : ""));
        continue;
      }
      if (r.waiver) {
        const w = r.waiver;
        lines.push(where + ": " + (w.expired ? "expired waiver" : "waived") + " — " + w.reason + " — " + w.approvedBy + (w.expires ? ", until " + w.expires : ""));
        continue;
      }
      if (r.status === "pass" && r.message === ${JSON.stringify(DEFAULT_RESULT_MESSAGE)}) continue;
      const blamed = blameOf.get(r);
      // A printed row must fit a page: the first conditions that fail, and how many more the results view lists.
      const shown = blamed.slice(0, 4);
      const more = blamed.length - shown.length;
      lines.push(where + ": " + (blamed.length > 0 ? shown.join("; ") + (more > 0 ? "; and " + more + " more (all in the results view)" : "") : r.message));
    }
    if (lines.length === 0 && rule && rule.prompt && entries.some((r) => r.status === "manual")) lines.push(rule.prompt);
    return lines;
  }
  function buildPackChecklist(pack) {
    const packResults = results.filter((r) => r.pack === pack.id);
    const columns = columnsOf(pack, packResults);
    const byRule = new Map();
    for (const r of packResults) {
      if (!byRule.has(r.ruleId)) byRule.set(r.ruleId, []);
      byRule.get(r.ruleId).push(r);
    }
    const observed = report.targets.filter((t) => t.observedAt).map((t) => t.id + ": host items judged as of the evidence's collection at " + t.observedAt);
    const section = el("section", { class: "pack-checklist", "data-pack": pack.id },
      el("h2", { text: pack.title + " " + pack.version }),
      el("p", { class: "muted as-of", text: "Verdicts as of " + (report.evaluatedAt || report.startedAt) + (observed.length > 0 ? "; " + observed.join("; ") : "") }));
    const table = el("table", { class: "checklist-table", "data-columns": columns.length });
    const head = el("thead", null,
      el("tr", null, el("th", { class: "col-item", rowspan: 2, text: "Item" }), el("th", { class: "col-requirement", rowspan: 2, text: "Requirement and measures" }),
        columns.length > 0 ? el("th", { class: "col-executed", colspan: columns.length, text: "Executed" }) : null,
        el("th", { class: "col-comment", rowspan: 2, text: "Customer comments / reasons" })),
      el("tr", null, ...columns.map((c) => el("th", { class: "col-role", "data-role": c.key, text: c.name }))));
    const body = el("tbody");
    const order = [...new Set(rules.filter((rule) => rule.pack === pack.id).map((rule) => rule.id))];
    for (const id of byRule.keys()) if (!order.includes(id)) order.push(id);
    for (const id of order) {
      const entries = byRule.get(id);
      if (!entries) continue;
      const first = entries[0];
      const rule = ruleIndex.get(pack.id + "|" + id);
      const requirement = el("td", { class: "requirement" }, el("b", { text: first.title }));
      if (rule && rule.remediation) requirement.append(el("div", null, el("i", { text: "Measures: " }), rule.remediation));
      const references = [first.section ? "§" + first.section : null, ...((rule && rule.references) || [])].filter(Boolean);
      if (references.length > 0) requirement.append(el("div", null, el("i", { text: "References: " }), references.join("; ")));
      if (rule && rule.accessRights) requirement.append(el("div", null, el("i", { text: "Needed access rights: " }), rule.accessRights));
      const row = el("tr", { "data-rule": id, "data-verdict": VERDICT[verdictOf(entries)] },
        el("td", { class: "item" }, el("b", { text: first.checklistRef || id }), first.checklistRef && first.checklistRef !== id ? el("div", { class: "muted", text: id }) : null),
        requirement);
      for (const column of columns) {
        const mine = entries.filter((r) => column.targets.includes(r.target));
        if (column.targets.length === 0 || mine.length === 0) {
          row.append(el("td", { class: "role verdict-none", "data-role": column.key, "data-verdict": "", title: column.targets.length === 0 ? "no target of this role was scanned" : "not planned on this role's targets", text: "—" }));
          continue;
        }
        const verdict = verdictOf(mine);
        row.append(el("td", { class: "role " + VERDICT_CLASS[verdict], "data-role": column.key, "data-verdict": VERDICT[verdict], title: column.targets.join(", "), text: VERDICT[verdict] }));
      }
      const comment = el("td", { class: "comment" });
      for (const line of commentOf(entries, rule)) comment.append(el("div", { text: line }));
      row.append(comment);
      body.append(row);
    }
    table.append(head, body);
    section.append(table);
    section.append(el("div", { class: "sign" },
      ...["Technician", "Customer"].map((who) => el("div", { class: "sign-party" }, el("b", { text: who }),
        el("div", { class: "sign-line", text: "Name" }), el("div", { class: "sign-line", text: "Date" }), el("div", { class: "sign-line", text: "Signature" })))));
    return section;
  }
  function buildChecklist() {
    const root = document.getElementById("checklist");
    const fragment = document.createDocumentFragment();
    fragment.append(buildOverview());
    for (const pack of report.packs) fragment.append(buildPackChecklist(pack));
    root.append(fragment);
  }

  buildSummary();
  applyFilters();
  status.remove();
  document.documentElement.setAttribute("data-ready", "true");
} catch (error) {
  fail(error);
}
// Lets tools measure time to interactive from navigation start.
if (window.performance && performance.mark) performance.mark("hardcheck-ready");
})();
`;
