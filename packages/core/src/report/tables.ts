/**
 * The fact and condition tables of a report document: results' evidence and condition
 * traces stored once per document, and joined back for reading.
 */
import { createHash } from "node:crypto";
import { readPath } from "../engine/evaluate.js";
import { HardcheckError } from "../errors.js";
import type { ConditionTrace, FactRecord, ReportCondition, ReportDocument, ReportResult, StoredCondition, StoredResult } from "../model/report.js";
import type { JsonValue } from "../model/values.js";

/** The parts of a report document that hold results: what {@link storeResults} produces. */
export interface StoredTables {
  readonly facts: FactRecord[];
  readonly conditions: ReportCondition[];
  readonly results: StoredResult[];
}

/**
 * A value shorter than this (as JSON) is written out again rather than referred to: a reference
 * (`"sameAs":12`, `"actualIn":12`) would save nothing and cost the reader a look-up.
 */
const SHORTEST_SHARED = 24;

interface FactEntry {
  readonly target: string;
  readonly endpoint: string | null;
  readonly fact: string;
  readonly value: JsonValue;
  /** The value as JSON (key order kept), its identity in the table. */
  readonly json: string;
}

/** One result's evidence as table entries: flat, or by source label for rules with several sources. */
type EvidenceEntries = { readonly kind: "flat"; readonly entries: FactEntry[] } | { readonly kind: "bySource"; readonly labels: [string, FactEntry[]][] };

const entryKey = (entry: Pick<FactEntry, "target" | "endpoint" | "fact" | "json">) =>
  `${JSON.stringify([entry.target, entry.endpoint, entry.fact])}\n${entry.json}`;

const isRecord = (value: JsonValue | undefined): value is { [key: string]: JsonValue } => value !== null && typeof value === "object" && !Array.isArray(value);

/** The endpoint a source label names (`network tls://h:443` → `tls://h:443`; `windows` → null). */
function labelEndpoint(label: string): string | null {
  const space = label.indexOf(" ");
  return space < 0 ? null : label.slice(space + 1);
}

/**
 * JSON of fact values by identity: the rules of one endpoint share the very objects its probes
 * returned, so each is serialised once, not once per rule.
 */
type JsonCache = WeakMap<object, string>;

function jsonOf(value: JsonValue, cache: JsonCache): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  let json = cache.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    cache.set(value, json);
  }
  return json;
}

function evidenceEntries(result: ReportResult, bySource: boolean, cache: JsonCache): EvidenceEntries {
  const entry = (endpoint: string | null, fact: string, value: JsonValue): FactEntry => ({
    target: result.target,
    endpoint,
    fact,
    value,
    json: jsonOf(value, cache),
  });
  const evidence = Object.entries(result.evidence);
  // Evidence by source holds one object of facts per label; anything else is kept as flat facts,
  // which reads back the same.
  if (bySource && evidence.every(([, value]) => isRecord(value))) {
    return {
      kind: "bySource",
      labels: evidence.map(([label, facts]) => [
        label,
        Object.entries(facts as { [key: string]: JsonValue }).map(([fact, value]) => entry(labelEndpoint(label), fact, value)),
      ]),
    };
  }
  return { kind: "flat", entries: evidence.map(([fact, value]) => entry(result.endpoint, fact, value)) };
}

const byText = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

/**
 * Stores results for a report document: every fact value once per (target, endpoint, fact) in
 * `facts`, a value already stored under another record referred to by `sameAs`; every distinct
 * condition once in `conditions`; results pointing into both. Results must come grouped by target
 * (the document's order); {@link ReportTableBuilder} does the same one target at a time.
 * `bySource(result)` says whether a result's evidence is by source label (a rule with several
 * evidence sources). Equal inputs give equal documents.
 */
export function storeResults(results: readonly ReportResult[], bySource: (result: ReportResult) => boolean): StoredTables {
  const builder = new ReportTableBuilder(bySource);
  const tables: StoredTables = { facts: [], conditions: [], results: [] };
  let start = 0;
  for (let i = 1; i <= results.length; i++) {
    if (i < results.length && (results[i] as ReportResult).target === (results[start] as ReportResult).target) continue;
    const part = builder.add(results.slice(start, i));
    tables.facts.push(...part.facts);
    tables.conditions.push(...part.conditions);
    tables.results.push(...part.results);
    start = i;
  }
  return tables;
}

/**
 * Builds the tables of a report document target by target, as a streamed scan hands results
 * over: each call returns the fact records, the conditions not seen before and the stored results of
 * one target, numbered after everything returned earlier. What it remembers across targets is small
 * and bounded by distinct values, not by results: a digest per shared fact value and the conditions.
 */
export class ReportTableBuilder {
  #facts = 0;
  readonly #firstWithValue = new Map<string, number>();
  readonly #conditions: ReportCondition[] = [];
  readonly #conditionIndex = new Map<string, number>();

  constructor(private readonly bySource: (result: ReportResult) => boolean) {}

  /** Stores the results of one target (all with the same `target`). */
  add(results: readonly ReportResult[]): StoredTables {
    const cache: JsonCache = new WeakMap();
    const evidence = results.map((result) => evidenceEntries(result, this.bySource(result), cache));
    const distinct = new Map<string, FactEntry>();
    for (const item of evidence) {
      const entries = item.kind === "flat" ? item.entries : item.labels.flatMap(([, list]) => list);
      for (const entry of entries) if (!distinct.has(entryKey(entry))) distinct.set(entryKey(entry), entry);
    }
    // Code-unit order, not locale order: the table must sort the same on every machine.
    const sorted = [...distinct.values()].sort((a, b) => byText(a.endpoint, b.endpoint) || byText(a.fact, b.fact) || byText(a.json, b.json));
    const indexOf = new Map<string, number>();
    const facts: FactRecord[] = sorted.map((entry) => {
      const index = this.#facts++;
      indexOf.set(entryKey(entry), index);
      const { target, endpoint, fact } = entry;
      if (entry.json.length < SHORTEST_SHARED) return { target, endpoint, fact, value: entry.value };
      const digest = createHash("sha256").update(entry.json).digest("base64");
      const earlier = this.#firstWithValue.get(digest);
      if (earlier !== undefined) return { target, endpoint, fact, sameAs: earlier };
      this.#firstWithValue.set(digest, index);
      return { target, endpoint, fact, value: entry.value };
    });
    const firstNewCondition = this.#conditions.length;
    const stored = results.map((result, i): StoredResult => {
      const item = evidence[i] as EvidenceEntries;
      const indices = (entries: readonly FactEntry[]) => entries.map((entry) => indexOf.get(entryKey(entry)) as number);
      const own = item.kind === "flat" ? item.entries : item.labels.flatMap(([, list]) => list);
      const storedFacts =
        item.kind === "flat"
          ? item.entries.length > 0
            ? indices(item.entries)
            : undefined
          : item.labels.length > 0
            ? Object.fromEntries(item.labels.map(([label, list]) => [label, indices(list)]))
            : undefined;
      return {
        ruleId: result.ruleId,
        pack: result.pack,
        target: result.target,
        endpoint: result.endpoint,
        status: result.status,
        message: result.message,
        ...(storedFacts !== undefined ? { facts: storedFacts } : {}),
        conditions: result.conditions.map((trace) => storeCondition(trace, own, indexOf, this.#conditions, this.#conditionIndex)),
        ...(result.waiver ? { waiver: result.waiver } : {}),
        ...(result.attestation ? { attestation: result.attestation } : {}),
      };
    });
    return { facts, conditions: this.#conditions.slice(firstNewCondition), results: stored };
  }
}

function storeCondition(
  trace: ConditionTrace,
  evidence: readonly FactEntry[],
  indexOf: ReadonlyMap<string, number>,
  conditions: ReportCondition[],
  conditionIndex: Map<string, number>,
): StoredCondition {
  const shape: ReportCondition = {
    where: trace.where,
    fact: trace.fact,
    ...(trace.path !== undefined ? { path: trace.path } : {}),
    operator: trace.operator,
    expected: trace.expected,
    ...(trace.name !== undefined ? { name: trace.name } : {}),
  };
  const key = JSON.stringify(shape);
  let index = conditionIndex.get(key);
  if (index === undefined) {
    index = conditions.length;
    conditions.push(shape);
    conditionIndex.set(key, index);
  }
  if (trace.actual === undefined) return [index, trace.outcome];
  const json = JSON.stringify(trace.actual);
  if (json.length >= SHORTEST_SHARED) {
    // The value found is usually a fact value (or part of one) already in the table.
    const source = evidence.find((entry) => entry.fact === trace.fact && JSON.stringify(valueAt(entry.value, trace.path)) === json);
    if (source) return [index, trace.outcome, null, indexOf.get(entryKey(source)) as number];
  }
  return [index, trace.outcome, trace.actual];
}

/** The part of a fact value a condition looks at: the value itself without a path. */
function valueAt(value: JsonValue, path: string | undefined): JsonValue | undefined {
  return path === undefined ? value : (readPath(value, path) as JsonValue | undefined);
}

/**
 * Checks that every reference of a report document points into its tables (`sameAs` to an
 * earlier record that holds a value); `name` is used in error messages.
 */
export function checkReferences(
  report: Pick<ReportDocument, "facts" | "conditions" | "results">,
  name: string,
  at: (list: "facts" | "results", index: number) => string = (list, index) => `${list}.${index}`,
): void {
  const fail = (path: string, message: string): never => {
    throw new HardcheckError("HC_REPORT_INVALID", [{ file: name, path, message: `${message} — the file was edited or is corrupt; scan again` }]);
  };
  report.facts.forEach((record, index) => {
    if ("sameAs" in record) {
      const target = report.facts[record.sameAs];
      if (record.sameAs >= index || target === undefined || !("value" in target))
        fail(`${at("facts", index)}.sameAs`, `refers to fact record ${record.sameAs}, which is not an earlier record holding a value`);
    }
  });
  const checkFact = (path: string, index: number) => {
    if (index >= report.facts.length) fail(path, `refers to fact record ${index}; the document has ${report.facts.length}`);
  };
  report.results.forEach((result, r) => {
    const lists: [string, readonly number[]][] = Array.isArray(result.facts)
      ? [["", result.facts as readonly number[]]]
      : Object.entries((result.facts ?? {}) as Readonly<Record<string, readonly number[]>>).map(([label, list]) => [`.${label}`, list]);
    for (const [label, list] of lists) {
      list.forEach((index, i) => {
        checkFact(`${at("results", r)}.facts${label}.${i}`, index);
      });
    }
    result.conditions.forEach(([condition, , , actualIn], c) => {
      if (condition >= report.conditions.length)
        fail(`${at("results", r)}.conditions.${c}.0`, `refers to condition ${condition}; the document has ${report.conditions.length}`);
      if (actualIn !== undefined) checkFact(`${at("results", r)}.conditions.${c}.3`, actualIn);
    });
  });
}

/**
 * The results of a report document with their evidence and full condition traces joined back, in
 * the document's order. Expects a document whose references hold (as `parseReport` checks).
 */
export function joinResults(report: Pick<ReportDocument, "facts" | "conditions" | "results">): ReportResult[] {
  const values = report.facts.map((record) => ("value" in record ? record.value : null));
  report.facts.forEach((record, index) => {
    if ("sameAs" in record) values[index] = values[record.sameAs] ?? null;
  });
  return joinStoredResults(report.results, report.conditions, (index) => ({ fact: report.facts[index]?.fact ?? "", value: values[index] ?? null }));
}

/**
 * Joins stored results back to full results (evidence and condition traces), as {@link joinResults}
 * does for a whole document, for a reader that holds only part of the fact table: `factAt(index)`
 * gives fact record `index`'s name and value (a `sameAs` record's value is the one it refers to).
 */
export function joinStoredResults(
  results: readonly StoredResult[],
  conditions: readonly ReportCondition[],
  factAt: (index: number) => { readonly fact: string; readonly value: JsonValue },
): ReportResult[] {
  const factsOf = (indices: readonly number[]) =>
    Object.fromEntries(
      indices.map((index) => {
        const { fact, value } = factAt(index);
        return [fact, value];
      }),
    ) as { [key: string]: JsonValue };
  const valueAtIndex = (index: number) => factAt(index).value;
  return results.map((result): ReportResult => {
    const evidence: Record<string, JsonValue> =
      result.facts === undefined
        ? {}
        : Array.isArray(result.facts)
          ? factsOf(result.facts as readonly number[])
          : Object.fromEntries(Object.entries(result.facts as Record<string, readonly number[]>).map(([label, list]) => [label, factsOf(list)]));
    return {
      ruleId: result.ruleId,
      pack: result.pack,
      target: result.target,
      endpoint: result.endpoint,
      status: result.status,
      message: result.message,
      conditions: result.conditions.map((stored) => traceOf(stored, conditions, valueAtIndex)),
      evidence,
      ...(result.waiver ? { waiver: result.waiver } : {}),
      ...(result.attestation ? { attestation: result.attestation } : {}),
    };
  });
}

function traceOf(stored: StoredCondition, conditions: readonly ReportCondition[], valueAtIndex: (index: number) => JsonValue): ConditionTrace {
  const [condition, outcome, inline, actualIn] = stored;
  const shape = conditions[condition] as ReportCondition;
  const actual = actualIn !== undefined ? valueAt(valueAtIndex(actualIn), shape.path) : stored.length > 2 ? inline : undefined;
  // The key order of a trace as the engine writes it, so joined traces read like fresh ones.
  return {
    where: shape.where,
    fact: shape.fact,
    ...(shape.path !== undefined ? { path: shape.path } : {}),
    operator: shape.operator,
    expected: shape.expected,
    ...(actual !== undefined ? { actual } : {}),
    outcome,
    ...(shape.name !== undefined ? { name: shape.name } : {}),
  };
}

/** Whether a stored result holds its evidence by source label (a rule with several evidence sources). */
export function evidenceIsBySource(result: StoredResult): boolean {
  return result.facts !== undefined && !Array.isArray(result.facts);
}
