/**
 * `hardcheck.json`'s grouped lists (schema version 4): fact records grouped by target and endpoint,
 * results by target, endpoint and pack, and the flat lists a {@link ReportDocument} holds in memory.
 */
import {
  DEFAULT_RESULT_MESSAGE,
  type FactGroup,
  type FactRecord,
  type GroupedFact,
  type GroupedResult,
  type ReportDocument,
  type ReportFile,
  type ResultGroup,
  type StoredResult,
} from "../model/report.js";

/** Fact records in groups of one target and endpoint, in order; a group ends where either changes. */
export function groupFacts(records: readonly FactRecord[]): FactGroup[] {
  const groups: { target: string; endpoint: string | null; facts: GroupedFact[] }[] = [];
  let group: (typeof groups)[number] | undefined;
  for (const record of records) {
    if (group === undefined || group.target !== record.target || group.endpoint !== record.endpoint) {
      group = { target: record.target, endpoint: record.endpoint, facts: [] };
      groups.push(group);
    }
    group.facts.push("sameAs" in record ? { fact: record.fact, sameAs: record.sameAs } : { fact: record.fact, value: record.value });
  }
  return groups;
}

/** Results in groups of one target, endpoint and pack, in order; the default message is left out. */
export function groupResults(results: readonly StoredResult[]): ResultGroup[] {
  const groups: { target: string; endpoint: string | null; pack: string; results: GroupedResult[] }[] = [];
  let group: (typeof groups)[number] | undefined;
  for (const result of results) {
    if (group === undefined || group.target !== result.target || group.endpoint !== result.endpoint || group.pack !== result.pack) {
      group = { target: result.target, endpoint: result.endpoint, pack: result.pack, results: [] };
      groups.push(group);
    }
    const { ruleId, pack: _pack, target: _target, endpoint: _endpoint, status, message, ...rest } = result;
    group.results.push(message === DEFAULT_RESULT_MESSAGE ? { ruleId, status, ...rest } : { ruleId, status, message, ...rest });
  }
  return groups;
}

/**
 * A fact group's record as the flat record of a {@link ReportDocument}. Only the record's own fields
 * are taken (a value before a `sameAs`, as the schema reads them), never a target or endpoint of its own.
 */
export function factOfGroup(group: Pick<FactGroup, "target" | "endpoint">, fact: GroupedFact): FactRecord {
  const { target, endpoint } = group;
  return "value" in fact ? { target, endpoint, fact: fact.fact, value: fact.value } : { target, endpoint, fact: fact.fact, sameAs: fact.sameAs };
}

/**
 * A grouped result as the flat result of a {@link ReportDocument} (the default message restored), in
 * the key order a scan writes. Only a result's own fields are taken: a `target`, `endpoint` or `pack`
 * in the record never overrides its group's.
 */
export function resultOfGroup(group: Pick<ResultGroup, "target" | "endpoint" | "pack">, result: GroupedResult): StoredResult {
  return {
    ruleId: result.ruleId,
    pack: group.pack,
    target: group.target,
    endpoint: group.endpoint,
    status: result.status,
    message: result.message ?? DEFAULT_RESULT_MESSAGE,
    ...(result.facts !== undefined ? { facts: result.facts } : {}),
    conditions: result.conditions,
    ...(result.waiver !== undefined ? { waiver: result.waiver } : {}),
    ...(result.attestation !== undefined ? { attestation: result.attestation } : {}),
  };
}

/** A report document as the file stores it. */
export function toReportFile(report: ReportDocument): ReportFile {
  return { ...report, facts: groupFacts(report.facts), results: groupResults(report.results) };
}

/** A stored file as the document it holds, in the file's key order. */
export function fromReportFile(file: ReportFile): ReportDocument {
  return {
    ...file,
    facts: file.facts.flatMap((group) => group.facts.map((fact) => factOfGroup(group, fact))),
    results: file.results.flatMap((group) => group.results.map((result) => resultOfGroup(group, result))),
  };
}

/**
 * Where a flat record of {@link fromReportFile}'s document is in the file, for error messages:
 * `results.3.results.12` for the 13th result of group 3.
 */
export function groupPaths(file: Pick<ReportFile, "facts" | "results">): (list: "facts" | "results", index: number) => string {
  const starts = (groups: readonly { readonly length: number }[]) => {
    const firsts: number[] = [];
    let next = 0;
    for (const group of groups) {
      firsts.push(next);
      next += group.length;
    }
    return firsts;
  };
  const firsts = {
    facts: starts(file.facts.map((group) => group.facts)),
    results: starts(file.results.map((group) => group.results)),
  };
  return (list, index) => {
    const firstOf = firsts[list];
    let group = firstOf.length - 1;
    while (group > 0 && (firstOf[group] as number) > index) group--;
    return `${list}.${group}.${list}.${index - (firstOf[group] ?? 0)}`;
  };
}

/**
 * A group as text: its own fields on the line that opens it, each record on a line of its own, and
 * `]}` on the last line — so two reports still diff record by record.
 */
function groupText(head: object, list: string, records: readonly unknown[]): string {
  const open = JSON.stringify({ ...head, [list]: [] });
  return `${open.slice(0, -2)}\n${records.map((record) => JSON.stringify(record)).join(",\n")}\n]}`;
}

/**
 * The elements of one of a document's lists as `hardcheck.json` holds them: `facts` and `results` in
 * groups, any other list as it is. Write each with {@link reportElementText}.
 */
export function reportListElements(name: string, items: readonly unknown[]): readonly unknown[] {
  if (name === "facts") return groupFacts(items as readonly FactRecord[]);
  if (name === "results") return groupResults(items as readonly StoredResult[]);
  return items;
}

/** One element of a list from {@link reportListElements} as text (a group spans several lines). */
export function reportElementText(name: string, element: unknown): string {
  if (name === "facts") {
    const { facts, ...head } = element as FactGroup;
    return groupText(head, "facts", facts);
  }
  if (name === "results") {
    const { results, ...head } = element as ResultGroup;
    return groupText(head, "results", results);
  }
  return JSON.stringify(element);
}

/** The elements of one of a document's lists as text, as `hardcheck.json` writes them. */
export function reportListItems(name: string, items: readonly unknown[]): string[] {
  return reportListElements(name, items).map((element) => reportElementText(name, element));
}
