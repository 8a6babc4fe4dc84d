/**
 * The stylesheet and script inlined into hardcheck.html. The script builds every node with
 * textContent / append(string), never innerHTML, so text from scanned systems cannot become markup.
 */

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
.muted{color:#666}.more{margin:12px 0}.checklist h2{font-size:16px;margin:24px 0 6px}.checklist section{content-visibility:auto;contain-intrinsic-size:auto 900px}.checklist-table{table-layout:fixed}.checklist-table th:nth-child(1){width:7%}.checklist-table th:nth-child(2){width:10%}.checklist-table th:nth-child(3){width:25%}.checklist-table th:nth-child(4){width:8%}.checklist-table th:nth-child(5){width:22%}.checklist-table th:nth-child(6){width:14%}td{overflow-wrap:anywhere}.verdict-yes{color:var(--pass);font-weight:700}.verdict-no{color:var(--fail);font-weight:700}.verdict-manual{color:var(--manual);font-weight:700}
.sign{display:grid;grid-template-columns:repeat(3,1fr);gap:24px;margin:18px 0 36px}.sign div{border-top:1px solid #000;padding-top:4px}
[hidden]{display:none!important}
@media print{.checklist section{content-visibility:visible}header{background:none;color:#000}nav,.filters,.noprint{display:none!important}.checklist section{break-after:page}th{background:none}main{padding:0}tr{break-inside:avoid}}
`;

/** Inline script of the HTML report: summary, filters, lazily rendered results, checklist view. */
export const HTML_SCRIPT = `
(() => {
"use strict";
const data = JSON.parse(document.getElementById("hc-data").textContent);
const report = data.report;
const results = report.results;
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
const blameOf = new Map(results.map((r, i) => [r, data.blame[i] || []]));
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
document.getElementById("tab-results").addEventListener("click", () => show("results"));
document.getElementById("tab-checklist").addEventListener("click", () => show("checklist"));
document.getElementById("print-checklist").addEventListener("click", () => { show("checklist"); window.print(); });

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
const list = document.getElementById("results");
const countLine = document.getElementById("result-count");
const moreButton = document.getElementById("show-more");
function applyFilters() {
  const status = filterStatus.value, severity = filterSeverity.value, target = filterTarget.value, pack = filterPack.value;
  const text = filterText.value.trim().toLowerCase();
  const onlyNew = filterNew.checked;
  matches = [];
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (status && r.status !== status) continue;
    if (severity && r.severity !== severity) continue;
    if (target && r.target !== target) continue;
    if (pack && r.pack !== pack) continue;
    if (onlyNew && !isNew(r)) continue;
    if (text && !haystack(i).includes(text)) continue;
    matches.push(i);
  }
  list.replaceChildren();
  shown = 0;
  renderMore();
}
function renderMore() {
  const end = Math.min(matches.length, shown + PAGE);
  const fragment = document.createDocumentFragment();
  for (; shown < end; shown++) fragment.append(resultRow(results[matches[shown]]));
  list.append(fragment);
  countLine.textContent = matches.length + " of " + results.length + " checks match; " + shown + " shown";
  moreButton.hidden = shown >= matches.length;
}
function resultRow(r) {
  const summary = el("summary", null, badge(r.status), el("span", { text: r.severity }),
    el("span", null, isNew(r) ? el("span", { class: "new", text: "NEW" }) : null, r.ruleId),
    el("span", { text: r.title }), el("span", { class: "muted", text: r.target + (r.endpoint ? " " + r.endpoint : "") }));
  const details = el("details", { class: "result", "data-status": r.status }, summary);
  details.addEventListener("toggle", () => { if (details.open && details.childElementCount === 1) details.append(resultBody(r)); });
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
moreButton.addEventListener("click", renderMore);
for (const control of [filterStatus, filterSeverity, filterTarget, filterPack, filterNew]) control.addEventListener("change", applyFilters);
let typing = 0;
filterText.addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(applyFilters, 120); });
for (const card of document.querySelectorAll(".card[data-status]")) card.addEventListener("click", () => { filterStatus.value = card.getAttribute("data-status"); applyFilters(); });

// Checklist: one filled-in checklist per pack and target, items in the pack's (document) order.
const VERDICT = { pass: "Yes", fail: "No", "not-applicable": "Not applicable", manual: "Manual", error: "Not decided", waived: "Waived" };
function verdictOf(items) {
  const statuses = new Set(items.map((r) => r.status));
  for (const s of ["fail", "error", "manual", "waived", "pass", "not-applicable"]) if (statuses.has(s)) return s;
  return "not-applicable";
}
// Which "now" the verdicts of a target were judged at: the scan's, or its evidence's collection time.
function asOfLine(target) {
  const scan = report.evaluatedAt || report.startedAt;
  return "Verdicts as of " + scan + (target.observedAt ? "; host items judged as of the evidence's collection at " + target.observedAt : "");
}
function buildChecklist() {
  const root = document.getElementById("checklist");
  const byPackTarget = new Map();
  for (const r of results) {
    const key = r.pack + "\\u0000" + r.target;
    if (!byPackTarget.has(key)) byPackTarget.set(key, new Map());
    const items = byPackTarget.get(key);
    if (!items.has(r.ruleId)) items.set(r.ruleId, []);
    items.get(r.ruleId).push(r);
  }
  const fragment = document.createDocumentFragment();
  for (const pack of report.packs) {
    for (const target of report.targets) {
      const items = byPackTarget.get(pack.id + "\\u0000" + target.id);
      if (!items) continue;
      const section = el("section", { "data-pack": pack.id, "data-target": target.id },
        el("h2", { text: pack.title + " " + pack.version + " — " + target.id + (target.host ? " (" + target.host + ")" : "") }),
        el("p", { class: "muted as-of", text: asOfLine(target) }));
      const table = el("table", { class: "checklist-table" }, el("tr", null, ...["Item", "Section", "What is required", "Verdict", "Evidence", "Attestation", "Comment"].map((h) => el("th", { text: h }))));
      const order = rules.filter((rule) => rule.pack === pack.id).map((rule) => rule.id);
      for (const id of items.keys()) if (!order.includes(id)) order.push(id);
      for (const id of order) {
        const entries = items.get(id);
        if (!entries) continue;
        const first = entries[0];
        const rule = ruleIndex.get(pack.id + "|" + id);
        const verdict = verdictOf(entries);
        const evidence = el("td");
        for (const r of entries) {
          const failing = blameOf.get(r);
          evidence.append(el("div", { text: (r.endpoint || "host") + ": " + (failing.length > 0 ? failing.join("; ") : r.message) }));
        }
        const attested = entries.find((r) => r.attestation);
        const waived = entries.find((r) => r.waiver);
        const comment = waived ? "Waiver: " + waived.waiver.reason + " — " + waived.waiver.approvedBy + (waived.waiver.expires ? ", until " + waived.waiver.expires : "") + (waived.waiver.expired ? " (expired)" : "")
          : verdict === "manual" && rule && rule.prompt ? rule.prompt : "";
        table.append(el("tr", { "data-rule": id, "data-verdict": VERDICT[verdict] },
          el("td", { text: first.checklistRef || id }),
          el("td", { text: first.section || "" }),
          el("td", null, el("b", { text: first.title }), rule && rule.rationale && rule.rationale !== first.title ? el("div", { class: "muted", text: rule.rationale }) : null),
          el("td", { class: verdict === "pass" ? "verdict-yes" : verdict === "fail" ? "verdict-no" : "verdict-manual", text: VERDICT[verdict] }),
          evidence,
          el("td", { text: attested ? attested.attestation.verdict + " — " + attested.attestation.by + ", " + attested.attestation.at + (attested.attestation.note ? ": " + attested.attestation.note : "") : "" }),
          el("td", { text: comment })));
      }
      section.append(table, el("div", { class: "sign" }, el("div", { text: "Checked by" }), el("div", { text: "Date" }), el("div", { text: "Signature" })));
      fragment.append(section);
    }
  }
  root.append(fragment);
}

buildSummary();
applyFilters();
document.documentElement.setAttribute("data-ready", "true");
// Lets tools measure time to interactive from navigation start.
if (window.performance && performance.mark) performance.mark("hardcheck-ready");
})();
`;
