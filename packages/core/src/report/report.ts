/** Builds, sorts, merges and shards report documents. */

import { compareText } from "../compare-text.js";
import { HardcheckError } from "../errors.js";
import {
  type CheckResult,
  type ReportDocument,
  type ReportDocumentV1,
  type ReportDocumentV2,
  type ReportDocumentV3,
  type ReportNotice,
  type ReportPack,
  type ReportResult,
  type ReportRule,
  type ReportTarget,
  type ResultRuleFields,
  reportSchema,
  reportSchemaV1,
  reportSchemaV2,
  reportSchemaV3,
  type Summary,
} from "../model/report.js";
import type { SiteInfo } from "../model/site.js";
import type { Target } from "../model/target.js";
import { fromReportFile, groupPaths } from "./file.js";
import { checkReferences, evidenceIsBySource, joinResults, storeResults } from "./tables.js";

/** The parts a report is built from. */
export interface ReportParts {
  readonly tool: { readonly name: string; readonly version: string };
  readonly startedAt: string;
  readonly finishedAt: string;
  /** "Now" for the verdicts; see {@link ReportDocument.evaluatedAt}. */
  readonly evaluatedAt?: string;
  readonly incomplete: boolean;
  readonly packs: readonly ReportPack[];
  readonly targets: readonly (Target | ReportTarget)[];
  /** The verdicts; rule fields they carry are dropped (the document keeps them once, in `rules`). */
  readonly results: readonly (ReportResult | CheckResult)[];
  readonly notices: readonly ReportNotice[];
  /**
   * The evaluated rules in their packs' order; kept in that order within each pack. Without it, the
   * rules are described from results that carry their rule's fields.
   */
  readonly rules?: readonly ReportRule[];
  /**
   * The rules (`pack|id`) whose results hold their evidence by source label: rules with several
   * evidence sources. Other results' evidence is by fact name.
   */
  readonly evidenceBySource?: ReadonlySet<string>;
  readonly shard?: string;
  readonly site?: SiteInfo;
}

const byText = (a: string | null, b: string | null) => compareText(a ?? "", b ?? "");

/**
 * Orders target ids by code unit, the same on every machine: the order in which a streamed scan
 * hands targets over and a document stores their facts and results.
 */
export function compareTargetIds(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * Orders results by target, then endpoint (host-level first), pack and rule: the report's stable
 * order since version 4, in which a scan can write each target's results as soon as it is done and
 * the file groups them by target, endpoint and pack.
 */
export function compareResults(
  a: Pick<ReportResult, "target" | "endpoint" | "pack" | "ruleId">,
  b: Pick<ReportResult, "target" | "endpoint" | "pack" | "ruleId">,
): number {
  // Distinct texts the locale order calls equal (another Unicode normal form) are told apart by code
  // unit, so each endpoint's and pack's results stay together and the file keeps them in one group.
  return (
    compareTargetIds(a.target, b.target) ||
    byText(a.endpoint, b.endpoint) ||
    compareTargetIds(a.endpoint ?? "", b.endpoint ?? "") ||
    byText(a.pack, b.pack) ||
    compareTargetIds(a.pack, b.pack) ||
    byText(a.ruleId, b.ruleId)
  );
}

/** Counts results by status. */
export function summarize(results: readonly Pick<ReportResult, "status">[]): Summary {
  const summary: Summary = { pass: 0, fail: 0, error: 0, manual: 0, waived: 0, notApplicable: 0 };
  for (const result of results) {
    if (result.status === "not-applicable") summary.notApplicable++;
    else summary[result.status]++;
  }
  return summary;
}

/** A target as the report records it (a report-shaped target is returned as it is). */
export function toReportTarget(target: Target | ReportTarget): ReportTarget {
  // A host-only target has no endpoints to tell the shapes apart by: its host decides (string or null
  // in a report, a HostSpec or absent on a Target).
  const reportShaped = target.host === null || typeof target.host === "string";
  if (reportShaped && target.endpoints.every((endpoint) => typeof endpoint === "string")) return target as ReportTarget;
  const full = target as Target;
  return {
    id: full.id,
    host: full.host?.spec ?? null,
    os: full.os ?? null,
    tags: [...full.tags],
    endpoints: full.endpoints.map((endpoint) => endpoint.url),
    ...(full.source ? { source: full.source } : {}),
    ...(full.endpointLines && Object.keys(full.endpointLines).length > 0 ? { endpointLines: full.endpointLines } : {}),
  };
}

function sortNotices(notices: readonly ReportNotice[]): ReportNotice[] {
  const seen = new Set<string>();
  return [...notices]
    .filter((notice) => {
      const key = `${notice.code}|${notice.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => byText(a.code, b.code) || byText(a.message, b.message));
}

/** Assembles a deterministic report document: everything sorted, summary computed. */
export function buildReport(parts: ReportParts): ReportDocument {
  const results = parts.results.map(withoutRuleFields).sort(compareResults);
  const bySource = parts.evidenceBySource ?? new Set<string>();
  const tables = storeResults(results, (result) => bySource.has(`${result.pack}|${result.ruleId}`));
  return {
    schemaVersion: 4,
    tool: { name: parts.tool.name, version: parts.tool.version },
    startedAt: parts.startedAt,
    finishedAt: parts.finishedAt,
    ...(parts.evaluatedAt ? { evaluatedAt: parts.evaluatedAt } : {}),
    incomplete: parts.incomplete,
    packs: [...parts.packs].sort((a, b) => byText(a.id, b.id)),
    targets: parts.targets.map(toReportTarget).sort((a, b) => byText(a.id, b.id)),
    facts: tables.facts,
    conditions: tables.conditions,
    results: tables.results,
    summary: summarize(results),
    notices: sortNotices(parts.notices),
    // A stable sort keeps each pack's own (document) order.
    rules: [...(parts.rules ?? rulesFromResults(parts.results))].sort((a, b) => byText(a.pack, b.pack)),
    ...(parts.shard ? { shard: parts.shard } : {}),
    ...(parts.site ? { site: parts.site } : {}),
  };
}

/**
 * Validates unknown data as a report document (for `merge` and `report --from`); `name` is used in
 * error messages.
 */
export function parseReport(data: unknown, name: string): ReportDocument {
  const version = typeof data === "object" && data !== null ? (data as { schemaVersion?: unknown }).schemaVersion : undefined;
  const parsed =
    version === 1
      ? reportSchemaV1.safeParse(data)
      : version === 2
        ? reportSchemaV2.safeParse(data)
        : version === 3
          ? reportSchemaV3.safeParse(data)
          : reportSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HardcheckError("HC_REPORT_INVALID", [
      {
        file: name,
        path: issue?.path.join(".") || "(document)",
        message: `not a hardcheck report (schemaVersion 4, 3, 2 or 1): ${issue?.message ?? "invalid"}`,
      },
    ]);
  }
  const stored = parsed.data;
  // References are checked where the file holds them, so errors name its own positions.
  const flat = stored.schemaVersion === 4 ? fromReportFile(stored) : stored.schemaVersion === 3 ? stored : undefined;
  if (flat) checkReferences(flat, name, stored.schemaVersion === 4 ? groupPaths(stored) : undefined);
  // Gates read the summary: one that disagrees with the results (an edited or corrupt file) is refused.
  const counted = summarize(flat?.results ?? (stored as ReportDocumentV1 | ReportDocumentV2).results);
  const differing = (Object.keys(counted) as Array<keyof Summary>).filter((key) => counted[key] !== stored.summary[key]);
  if (differing.length > 0) {
    throw new HardcheckError("HC_REPORT_INVALID", [
      {
        file: name,
        path: "summary",
        message: `the summary disagrees with the results (${differing.map((key) => `${key}: stored ${stored.summary[key]}, results have ${counted[key]}`).join("; ")}) — the file was edited or is corrupt; scan again`,
      },
    ]);
  }
  checkNoResultTwice(flat?.results ?? (stored as ReportDocumentV1 | ReportDocumentV2).results, name);
  if (stored.schemaVersion === 4) return flat as ReportDocument;
  return stored.schemaVersion === 3 ? upgradeFromV3(stored) : upgradeReport(stored);
}

/** A report holds each check (pack, rule, target, endpoint) once: a second verdict is an edited or corrupt file. */
function checkNoResultTwice(results: readonly Pick<ReportResult, "pack" | "ruleId" | "target" | "endpoint">[], name: string): void {
  const keys = new Set<string>();
  results.forEach((result, index) => {
    const key = resultKey(result);
    if (keys.has(key)) throw new HardcheckError("HC_REPORT_INVALID", [{ file: name, path: `results[${index}]`, message: duplicateResultMessage(key) }]);
    keys.add(key);
  });
}

/** The identity of a check in a report: pack, rule, target and endpoint. */
export function resultKey(result: Pick<ReportResult, "pack" | "ruleId" | "target" | "endpoint">): string {
  return `${result.pack}|${result.ruleId}|${result.target}|${result.endpoint ?? ""}`;
}

/** Why a report, or a set of shards, that holds a check twice is refused. */
export function duplicateResultMessage(key: string): string {
  return `result ${key} appears twice — a report holds each check once, and shards of one scan must not overlap`;
}

/**
 * A version 3 document as the current version: the same lists, stored again in the current order
 * (results by target, endpoint, pack and rule; conditions in the order those results first use them),
 * so it reads and writes exactly as a new scan of the same results would.
 */
function upgradeFromV3(report: ReportDocumentV3): ReportDocument {
  const bySource = new Set(report.results.filter(evidenceIsBySource).map((result) => `${result.pack}|${result.ruleId}`));
  const tables = storeResults(joinResults(report).sort(compareResults), (result) => bySource.has(`${result.pack}|${result.ruleId}`));
  return { ...report, schemaVersion: 4, facts: tables.facts, conditions: tables.conditions, results: tables.results };
}

/**
 * Combines reports of disjoint target sets (shards) into one document, identical apart from
 * timestamps to a single run over all targets. Overlapping results are refused.
 */
export function mergeReports(reports: readonly ReportDocument[]): ReportDocument {
  if (reports.length === 0) throw new HardcheckError("HC_USAGE", "merge needs at least one report");
  const packs = new Map<string, ReportPack>();
  const targets = new Map<string, ReportTarget>();
  const keys = new Set<string>();
  const results: ReportResult[] = [];
  const rules = new Map<string, ReportRule>();
  const evidenceBySource = new Set<string>();
  for (const report of reports) {
    for (const rule of report.rules) if (!rules.has(`${rule.pack}|${rule.id}`)) rules.set(`${rule.pack}|${rule.id}`, rule);
    for (const pack of report.packs) {
      const known = packs.get(pack.id);
      if (known && known.version !== pack.version) {
        throw new HardcheckError(
          "HC_REPORT_INVALID",
          `pack ${pack.id} appears in versions ${known.version} and ${pack.version} — merge reports made with the same packs`,
        );
      }
      packs.set(pack.id, pack);
    }
    for (const target of report.targets) {
      if (targets.has(target.id))
        throw new HardcheckError("HC_REPORT_INVALID", `target ${target.id} appears in more than one report — shards must not overlap`);
      targets.set(target.id, target);
    }
    for (const result of report.results) {
      const key = `${result.pack}|${result.ruleId}|${result.target}|${result.endpoint ?? ""}`;
      if (keys.has(key)) throw new HardcheckError("HC_REPORT_INVALID", `result ${key} appears twice — shards must not overlap`);
      keys.add(key);
      if (evidenceIsBySource(result)) evidenceBySource.add(`${result.pack}|${result.ruleId}`);
    }
    results.push(...joinResults(report));
  }
  checkShardsComplete(reports);
  const first = reports[0] as ReportDocument;
  return buildReport({
    tool: first.tool,
    startedAt: reports.map((report) => report.startedAt).sort()[0] as string,
    finishedAt: reports
      .map((report) => report.finishedAt)
      .sort()
      .at(-1) as string,
    // Shards scanned apart were judged at slightly different instants: the earliest stands for all.
    ...(reports.some((report) => report.evaluatedAt)
      ? {
          evaluatedAt: reports.flatMap((report) => (report.evaluatedAt ? [report.evaluatedAt] : [])).sort()[0] as string,
        }
      : {}),
    incomplete: reports.some((report) => report.incomplete),
    packs: [...packs.values()],
    targets: [...targets.values()],
    results,
    notices: reports.flatMap((report) => report.notices),
    rules: [...rules.values()],
    evidenceBySource,
    // Shards of one scan share one config, so one site overview.
    ...(reports.find((report) => report.site)?.site ? { site: reports.find((report) => report.site)?.site as SiteInfo } : {}),
  });
}

/**
 * The fields of a merged document other than its facts, conditions, results and summary, from the
 * same fields of the reports merged, with the checks {@link mergeReports} makes on them: packs in one
 * version, no target in two reports, every shard of a sharded scan exactly once. For a merge that
 * streams the results; {@link mergeReports} merges whole documents.
 */
export function mergeReportHeaders(
  headers: readonly Omit<ReportDocument, "facts" | "conditions" | "results">[],
): Omit<ReportDocument, "facts" | "conditions" | "results" | "summary"> {
  if (headers.length === 0) throw new HardcheckError("HC_USAGE", "merge needs at least one report");
  const packs = new Map<string, ReportPack>();
  const targets = new Map<string, ReportTarget>();
  const rules = new Map<string, ReportRule>();
  for (const report of headers) {
    for (const rule of report.rules) if (!rules.has(`${rule.pack}|${rule.id}`)) rules.set(`${rule.pack}|${rule.id}`, rule);
    for (const pack of report.packs) {
      const known = packs.get(pack.id);
      if (known && known.version !== pack.version) {
        throw new HardcheckError(
          "HC_REPORT_INVALID",
          `pack ${pack.id} appears in versions ${known.version} and ${pack.version} — merge reports made with the same packs`,
        );
      }
      packs.set(pack.id, pack);
    }
    for (const target of report.targets) {
      if (targets.has(target.id))
        throw new HardcheckError("HC_REPORT_INVALID", `target ${target.id} appears in more than one report — shards must not overlap`);
      targets.set(target.id, target);
    }
  }
  checkShardsComplete(headers);
  const first = headers[0] as (typeof headers)[number];
  const evaluatedAt = headers.flatMap((report) => (report.evaluatedAt ? [report.evaluatedAt] : [])).sort()[0];
  const site = headers.find((report) => report.site)?.site;
  // The fields in the order buildReport writes them.
  return {
    schemaVersion: 4,
    tool: { name: first.tool.name, version: first.tool.version },
    startedAt: headers.map((report) => report.startedAt).sort()[0] as string,
    finishedAt: headers
      .map((report) => report.finishedAt)
      .sort()
      .at(-1) as string,
    ...(evaluatedAt ? { evaluatedAt } : {}),
    incomplete: headers.some((report) => report.incomplete),
    packs: [...packs.values()].sort((a, b) => byText(a.id, b.id)),
    targets: [...targets.values()].map(toReportTarget).sort((a, b) => byText(a.id, b.id)),
    notices: sortNotices(headers.flatMap((report) => report.notices)),
    rules: [...rules.values()].sort((a, b) => byText(a.pack, b.pack)),
    ...(site ? { site } : {}),
  };
}

/**
 * Shard reports (`shard: "I/N"`) merge only as a whole set: every shard of the N exactly once. A
 * missing shard would drop its targets from the merged report without a trace.
 */
function checkShardsComplete(reports: readonly Pick<ReportDocument, "shard">[]): void {
  const labelled = reports.filter((report) => report.shard !== undefined);
  if (labelled.length === 0) return;
  if (labelled.length !== reports.length) {
    throw new HardcheckError("HC_REPORT_INVALID", "some reports are shards (shard I/N) and some are not — merge the shards of one sharded scan");
  }
  const parsed = labelled.map((report) => parseShard(report.shard as string));
  const counts = new Set(parsed.map((shard) => shard.count));
  if (counts.size > 1)
    throw new HardcheckError("HC_REPORT_INVALID", `the shards come from scans split ${[...counts].join(" and ")} ways — merge one sharded scan`);
  const count = parsed[0]?.count ?? 0;
  const seen = new Set<number>();
  for (const { index } of parsed) {
    if (seen.has(index)) throw new HardcheckError("HC_REPORT_INVALID", `shard ${index}/${count} appears twice — shards must not overlap`);
    seen.add(index);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !seen.has(index));
  if (missing.length > 0) {
    throw new HardcheckError(
      "HC_REPORT_INVALID",
      `shard${missing.length > 1 ? "s" : ""} ${missing.map((index) => `${index}/${count}`).join(", ")} missing — the merged report would leave out ${missing.length > 1 ? "their" : "its"} targets; rerun ${missing.length > 1 ? "them" : "it"} or merge all ${count}`,
    );
  }
}

/** A result without its rule's fields (the document keeps them once, in `rules`). */
function withoutRuleFields(result: ReportResult | CheckResult): ReportResult {
  return {
    ruleId: result.ruleId,
    pack: result.pack,
    target: result.target,
    endpoint: result.endpoint,
    status: result.status,
    message: result.message,
    conditions: result.conditions,
    evidence: result.evidence,
    ...(result.attestation ? { attestation: result.attestation } : {}),
    ...(result.waiver ? { waiver: result.waiver } : {}),
  };
}

function hasRuleFields(result: ReportResult | CheckResult): result is CheckResult {
  return "title" in result && "severity" in result;
}

/**
 * The rules of results that carry their rule's fields (version 1 results), one per rule in the
 * order first seen, with the title standing in for rationale and remediation they did not record.
 */
function rulesFromResults(results: readonly (ReportResult | CheckResult)[]): ReportRule[] {
  const seen = new Map<string, ReportRule>();
  for (const result of results) {
    const key = `${result.pack}|${result.ruleId}`;
    if (seen.has(key) || !hasRuleFields(result)) continue;
    seen.set(key, {
      id: result.ruleId,
      pack: result.pack,
      checklistRef: result.checklistRef,
      section: result.section,
      title: result.title,
      severity: result.severity,
      rationale: result.title,
      remediation: "",
      manual: false,
      ...(result.source ? { source: result.source } : {}),
    });
  }
  return [...seen.values()];
}

/**
 * A version 1 or 2 document as the current version. Version 1 rule fields move from the results to `rules`
 * (a document written before `rules` existed gets them from its results); evidence and condition
 * traces move to the `facts` and `conditions` tables. Results are put in the current order and read
 * back the same through {@link resultsWithRules}.
 */
export function upgradeReport(report: ReportDocumentV1 | ReportDocumentV2): ReportDocument {
  const v2 = report.schemaVersion === 1 ? upgradeToV2(report) : report;
  // Old documents do not say which rules had several evidence sources: their evidence is stored by
  // label as if each label were a fact, which reads back exactly as it was written.
  const tables = storeResults([...v2.results].sort(compareResults), () => false);
  // The keys in the order reports are written, so an upgraded document reads like a new one.
  return {
    schemaVersion: 4,
    tool: v2.tool,
    startedAt: v2.startedAt,
    finishedAt: v2.finishedAt,
    ...(v2.evaluatedAt !== undefined ? { evaluatedAt: v2.evaluatedAt } : {}),
    incomplete: v2.incomplete,
    packs: v2.packs,
    targets: v2.targets,
    facts: tables.facts,
    conditions: tables.conditions,
    results: tables.results,
    summary: v2.summary,
    notices: v2.notices,
    rules: v2.rules,
    ...(v2.shard !== undefined ? { shard: v2.shard } : {}),
    ...(v2.site !== undefined ? { site: v2.site } : {}),
  };
}

function upgradeToV2(report: ReportDocumentV1): ReportDocumentV2 {
  const listed = new Set((report.rules ?? []).map((rule) => `${rule.pack}|${rule.id}`));
  const missing = rulesFromResults(report.results).filter((rule) => !listed.has(`${rule.pack}|${rule.id}`));
  return {
    schemaVersion: 2,
    tool: report.tool,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    ...(report.evaluatedAt !== undefined ? { evaluatedAt: report.evaluatedAt } : {}),
    incomplete: report.incomplete,
    packs: report.packs,
    targets: report.targets,
    results: report.results.map(withoutRuleFields),
    summary: report.summary,
    notices: report.notices,
    rules: [...(report.rules ?? []), ...missing],
    ...(report.shard !== undefined ? { shard: report.shard } : {}),
    ...(report.site !== undefined ? { site: report.site } : {}),
  };
}

/**
 * The results of a report, fully joined, in the report's order: each with its rule's fields, its
 * evidence and its full condition traces, as reporters read them. A result whose rule the document
 * does not list is described by its rule id.
 *
 * @example
 * ```ts
 * const report = parseReport(JSON.parse(text), "hardcheck.json");
 * for (const result of resultsWithRules(report)) console.log(result.ruleId, result.evidence);
 * ```
 */
export function resultsWithRules(report: Pick<ReportDocument, "facts" | "conditions" | "results" | "rules">): CheckResult[] {
  const rules = new Map(report.rules.map((rule) => [`${rule.pack}|${rule.id}`, rule]));
  return joinResults(report).map((result) => withRuleFields(result, rules.get(`${result.pack}|${result.ruleId}`)));
}

/**
 * One joined result with its rule's fields (title, severity, checklist reference, section, source), as
 * reporters take results; a rule the report does not list leaves the rule id as title and `info`.
 */
export function withRuleFields(result: ReportResult, rule: Partial<ResultRuleFields> | undefined): CheckResult {
  const fields = rule ?? {};
  return {
    ruleId: result.ruleId,
    pack: result.pack,
    checklistRef: fields.checklistRef ?? null,
    section: fields.section ?? null,
    title: fields.title ?? result.ruleId,
    severity: fields.severity ?? "info",
    target: result.target,
    endpoint: result.endpoint,
    status: result.status,
    message: result.message,
    conditions: result.conditions,
    evidence: result.evidence,
    ...(fields.source ? { source: fields.source } : {}),
    ...(result.attestation ? { attestation: result.attestation } : {}),
    ...(result.waiver ? { waiver: result.waiver } : {}),
  };
}

/** 32-bit FNV-1a: a stable hash that does not change between Node versions or machines. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Parses `I/N` (1-based) as given to `--shard`. */
export function parseShard(spec: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new HardcheckError("HC_USAGE", `--shard "${spec}": expected I/N with 1 ≤ I ≤ N, e.g. --shard 2/4`);
  }
  return { index, count };
}

/** The targets that belong to shard `index` of `count` (1-based), by a stable hash of the target id. */
export function selectShard<T extends { readonly id: string }>(targets: readonly T[], index: number, count: number): T[] {
  return targets.filter((target) => fnv1a(target.id) % count === index - 1);
}
