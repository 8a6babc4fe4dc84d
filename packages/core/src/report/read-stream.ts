/**
 * Reads a version 4 `hardcheck.json` in the line layout `serializeReport` writes (one top-level
 * field per line, one list element per line, a group's records each on a line between the lines
 * that open and close it), or a version 3 one (the same lists ungrouped, a record per line), without
 * holding its facts and results: a first pass
 * validates every record and checks every reference, a second hands the results over target by
 * target, joined back to full results.
 */
import { createReadStream } from "node:fs";
import { z } from "zod";
import { HardcheckError } from "../errors.js";
import type {
  FactGroup,
  FactRecord,
  GroupedFact,
  GroupedResult,
  ReportCondition,
  ReportDocument,
  ReportResult,
  ResultGroup,
  StoredResult,
  Summary,
} from "../model/report.js";
import { factGroupHeadSchema, groupedFactSchema, groupedResultSchema, reportSchema, reportSchemaV3, resultGroupHeadSchema } from "../model/report.js";
import type { JsonValue } from "../model/values.js";
import { factOfGroup, resultOfGroup } from "./file.js";
import { compareResults, compareTargetIds, duplicateResultMessage, resultKey, summarize } from "./report.js";
import { evidenceIsBySource, joinStoredResults } from "./tables.js";

/** A report document without the lists that grow with the scan (facts, conditions, results). */
export type ReportHeader = Omit<ReportDocument, "facts" | "conditions" | "results">;

/** The stored records of one target, as {@link ReportStream.targets} hands them over. */
export interface ReportTargetPart {
  readonly target: string;
  /** The index in the document's `facts` of the first record in `facts`. */
  readonly firstFact: number;
  /** The target's fact records, in the document's order. */
  readonly facts: readonly FactRecord[];
  /** The target's stored results, in the document's order. */
  readonly results: readonly StoredResult[];
  /** The document's condition table (what results' conditions index). */
  readonly conditions: readonly ReportCondition[];
  /** The target's results joined back with their evidence and full condition traces. */
  join(): ReportResult[];
}

/** A validated report read in its line layout: see {@link openReportStream}. */
export interface ReportStream {
  /** The name errors give the file. */
  readonly name: string;
  /** Every field of the document but its facts, conditions and results. */
  readonly header: ReportHeader;
  /** The rules (`pack|id`) whose results hold their evidence by source label. */
  readonly evidenceBySource: ReadonlySet<string>;
  /** The targets that have results, in the document's order. */
  readonly resultTargets: readonly string[];
  /** The number of results. */
  readonly resultCount: number;
  /** The results target by target, in the document's (target) order; each call reads the file again. */
  targets(): AsyncIterable<ReportTargetPart>;
}

/**
 * What {@link openReportStream} found: a stream, or why the file has to be read whole — it is not in
 * the line layout (`layout`, e.g. reformatted by `jq .`), is of schema version 1 or 2 (`version`), or
 * keeps its facts and results in an order a stream cannot join (`order`).
 */
export type OpenedReport =
  | { readonly kind: "stream"; readonly stream: ReportStream }
  | { readonly kind: "whole"; readonly reason: "layout" | "version" | "order" };

interface Line {
  readonly text: string;
  /** Byte offset of the line's start. */
  readonly offset: number;
  /** 1-based line number. */
  readonly number: number;
}

/** The lines of a file from byte `start`, with their offsets (a trailing `\r` is dropped). */
async function* readLines(path: string, start = 0, firstNumber = 1, chunkSize = 256 * 1024): AsyncGenerator<Line> {
  let pending: Buffer | undefined;
  let offset = start;
  let number = firstNumber;
  for await (const chunk of createReadStream(path, { start, highWaterMark: chunkSize })) {
    let data = chunk as Buffer;
    if (pending) {
      data = Buffer.concat([pending, data]);
      pending = undefined;
    }
    let from = 0;
    for (let at = data.indexOf(10, from); at >= 0; at = data.indexOf(10, from)) {
      const end = at > from && data[at - 1] === 13 ? at - 1 : at;
      yield { text: data.toString("utf8", from, end), offset, number: number++ };
      offset += at + 1 - from;
      from = at + 1;
    }
    if (from < data.length) pending = data.subarray(from);
  }
  if (pending && pending.length > 0) yield { text: pending.toString("utf8"), offset, number };
}

const LISTS = new Set(["facts", "conditions", "results"]);
const headerSchema = reportSchema.omit({ facts: true, conditions: true, results: true });
const conditionSchema = reportSchema.shape.conditions.element;
const v3FactSchema = reportSchemaV3.shape.facts.element;
const v3ResultSchema = reportSchemaV3.shape.results.element;
/** The line that opens a group, read with the group's list closed (`…"facts":[` + `]}`): nothing else on it. */
const factGroupOpening = factGroupHeadSchema.extend({ facts: z.tuple([]) }).strict();
const resultGroupOpening = resultGroupHeadSchema.extend({ results: z.tuple([]) }).strict();
const GROUP_CLOSE = /^\]\},?$/;
const FIELD = /^("(?:[^"\\]|\\.)*"): (.*)$/;

/** Thrown inside the first pass when the file must be read whole after all. */
class ReadWhole {
  constructor(readonly reason: "layout" | "order") {}
}

/**
 * Opens a report file for streaming: checks that it is a version 4 (or 3) document in the line layout, then
 * reads it once through, validating each record with the document schema's per-record schema,
 * checking that every fact and condition index resolves (`sameAs` to an earlier record holding a
 * value), counting the summary and comparing it with the stored one. What it keeps is small: the
 * header fields, the condition table and the indices `sameAs` records refer to. Errors name `name`
 * and the record, e.g. `results[3].results[12].facts[2]` (record 12 of result group 3).
 *
 * @example
 * ```ts
 * const opened = await openReportStream("shard-1/hardcheck.json", "shard-1/hardcheck.json");
 * if (opened.kind === "stream") for await (const part of opened.stream.targets()) console.log(part.target, part.join().length);
 * ```
 */
export async function openReportStream(path: string, name: string): Promise<OpenedReport> {
  // The line being read, for error messages (none once the whole file is read).
  let at: number | undefined;
  const fail = (where: string, message: string): never => {
    throw new HardcheckError("HC_REPORT_INVALID", [{ file: name, ...(at !== undefined ? { line: at } : {}), path: where, message }]);
  };
  const corrupt = (where: string, message: string): never => fail(where, `${message} — the file was edited or is corrupt; scan again`);
  const lines = readLines(path);
  const first = await lines.next();
  if (first.done || first.value.text !== "{") return { kind: "whole", reason: "layout" };
  const second = await lines.next();
  const version = second.done ? undefined : /^"schemaVersion": (\S+?),?$/.exec(second.value.text)?.[1];
  if (version === undefined) return { kind: "whole", reason: "layout" };
  if (version !== "4" && version !== "3") return { kind: "whole", reason: "version" };
  // Version 3 wrote the same records ungrouped, one per line; it is read as the current version.
  const grouped = version === "4";

  const header: Record<string, unknown> = { schemaVersion: 4 };
  const conditions: ReportCondition[] = [];
  const referred = new Set<number>();
  let holdsValue = new Uint8Array(1024);
  const factRanges = new Map<string, { start: number; end: number }>();
  const evidenceBySource = new Set<string>();
  const resultTargets: string[] = [];
  const counted: Summary = summarize([]);
  let factCount = 0;
  let resultCount = 0;
  let factsAt: Line | undefined;
  let resultsAt: Line | undefined;
  let lastFactTarget: string | undefined;
  let lastResultTarget: string | undefined;
  let lastResult: StoredResult | undefined;
  let keysOfTarget = new Set<string>();
  let closed = false;
  let lastLine = second.value as Line;
  let lastRecord = "schemaVersion";

  const parseLine = (line: Line, where: string, text = line.text): unknown => {
    try {
      return JSON.parse(text.endsWith(",") ? text.slice(0, -1) : text);
    } catch (error) {
      return fail(where, `not JSON (${(error as Error).message}) — the file is cut short or corrupt`);
    }
  };
  const validate = <T>(
    schema: {
      safeParse(
        data: unknown,
      ): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
    },
    data: unknown,
    where: string,
  ): T => {
    const parsed = schema.safeParse(data);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const inner = issue?.path.map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`)).join("") ?? "";
    return fail(`${where}${inner}`, `not a hardcheck report record: ${issue?.message ?? "invalid"}`);
  };

  const onFact = (record: FactRecord, index: number, where: string) => {
    if (lastFactTarget !== undefined && compareTargetIds(record.target, lastFactTarget) < 0) throw new ReadWhole("order");
    if (record.target !== lastFactTarget) {
      if (factRanges.has(record.target)) throw new ReadWhole("order");
      factRanges.set(record.target, { start: index, end: index + 1 });
      lastFactTarget = record.target;
    } else (factRanges.get(record.target) as { end: number }).end = index + 1;
    if (index >= holdsValue.length) {
      const grown = new Uint8Array(holdsValue.length * 2);
      grown.set(holdsValue);
      holdsValue = grown;
    }
    if ("sameAs" in record) {
      if (record.sameAs >= index || holdsValue[record.sameAs] !== 1)
        corrupt(`${where}.sameAs`, `refers to fact record ${record.sameAs}, which is not an earlier record holding a value`);
      referred.add(record.sameAs);
    } else holdsValue[index] = 1;
  };

  const onResult = (result: StoredResult, where: string) => {
    if (result.target !== lastResultTarget) {
      if (lastResultTarget !== undefined && compareTargetIds(result.target, lastResultTarget) < 0) throw new ReadWhole("order");
      resultTargets.push(result.target);
      lastResultTarget = result.target;
      keysOfTarget = new Set();
    }
    // Within a target the results stand in the order a writer sorts them: a file in another order
    // (edited, or sorted where text collates differently) is read whole, in its own order.
    if (lastResult !== undefined && lastResult.target === result.target && compareResults(result, lastResult) < 0) throw new ReadWhole("order");
    lastResult = result;
    const key = resultKey(result);
    if (keysOfTarget.has(key)) fail(where, duplicateResultMessage(key));
    keysOfTarget.add(key);
    const range = factRanges.get(result.target);
    const checkFact = (path: string, index: number) => {
      if (index >= factCount) corrupt(path, `refers to fact record ${index}; the document has ${factCount}`);
      // A stream keeps one target's facts at a time: a result pointing at another target's is read whole.
      if (range === undefined || index < range.start || index >= range.end) throw new ReadWhole("order");
    };
    const lists: [string, readonly number[]][] = Array.isArray(result.facts)
      ? [["", result.facts]]
      : Object.entries(result.facts ?? {}).map(([label, list]) => [`[${JSON.stringify(label)}]`, list]);
    for (const [label, list] of lists) for (let i = 0; i < list.length; i++) checkFact(`${where}.facts${label}[${i}]`, list[i] as number);
    result.conditions.forEach(([condition, , , actualIn], c) => {
      if (condition >= conditions.length) corrupt(`${where}.conditions[${c}][0]`, `refers to condition ${condition}; the document has ${conditions.length}`);
      if (actualIn !== undefined) checkFact(`${where}.conditions[${c}][3]`, actualIn);
    });
    if (evidenceIsBySource(result)) evidenceBySource.add(`${result.pack}|${result.ruleId}`);
    if (result.status === "not-applicable") counted.notApplicable++;
    else counted[result.status]++;
  };

  try {
    let list: string | undefined;
    let count = 0;
    let items: unknown[] = [];
    // The open group of the facts or results list, its position in the list and its records so far.
    let group: Pick<ResultGroup, "target" | "endpoint"> & Partial<Pick<ResultGroup, "pack">> = { target: "", endpoint: null };
    let inGroup = false;
    let groups = 0;
    let members = 0;
    // Whether the last group closed with a comma, so another must follow (and not the list's end).
    let moreGroups = false;
    for await (const line of lines) {
      lastLine = line;
      at = line.number;
      if (closed) {
        if (line.text.trim() !== "") fail(`line ${line.number}`, "text after the end of the document");
        continue;
      }
      if (list !== undefined) {
        if (!grouped && (list === "facts" || list === "results") && line.text !== "]" && line.text !== "],") {
          const where = `${list}[${count}]`;
          lastRecord = where;
          const data = parseLine(line, where);
          if (list === "facts") onFact(validate(v3FactSchema, data, where), count, where);
          else onResult(validate(v3ResultSchema, data, where), where);
          count++;
          continue;
        }
        if (list === "facts" || list === "results") {
          if (inGroup) {
            if (GROUP_CLOSE.test(line.text)) {
              if (members === 0) corrupt(`${list}[${groups}]`, "a group without records");
              inGroup = false;
              moreGroups = line.text.endsWith(",");
              groups++;
              continue;
            }
            const where = `${list}[${groups}].${list}[${members}]`;
            lastRecord = where;
            const data = parseLine(line, where);
            if (list === "facts") onFact(factOfGroup(group, validate(groupedFactSchema, data, where)), count, where);
            else onResult(resultOfGroup(group as ResultGroup, validate(groupedResultSchema, data, where)), where);
            members++;
            count++;
            continue;
          }
          if (line.text !== "]" && line.text !== "],") {
            // A group's records each on a line of their own; a group written on one line is read whole.
            if (!line.text.endsWith("[")) throw new ReadWhole("layout");
            const where = `${list}[${groups}]`;
            if (groups > 0 && !moreGroups) fail(where, "not JSON (no comma after the group before) — the file is cut short or corrupt");
            lastRecord = where;
            const data = parseLine(line, where, `${line.text}]}`);
            group = list === "facts" ? validate(factGroupOpening, data, where) : validate(resultGroupOpening, data, where);
            inGroup = true;
            members = 0;
            continue;
          }
        }
        if (line.text === "]" || line.text === "],") {
          if ((list === "facts" || list === "results") && moreGroups)
            fail(`${list}[${groups}]`, "not JSON (a comma before the end of the list) — the file is cut short or corrupt");
          if (list === "facts") factCount = count;
          else if (list === "results") resultCount = count;
          else if (!LISTS.has(list)) header[list] = items;
          list = undefined;
          continue;
        }
        const where = `${list}[${count}]`;
        lastRecord = where;
        const data = parseLine(line, where);
        if (list === "conditions") conditions.push(validate(conditionSchema, data, where));
        else items.push(data);
        count++;
        continue;
      }
      if (line.text === "}") {
        closed = true;
        continue;
      }
      const field = FIELD.exec(line.text);
      if (!field)
        fail(`line ${line.number}`, "not in the line layout hardcheck writes (one field per line) after its first lines — the file was edited or is corrupt");
      const key = parseLine(line, `line ${line.number}`, (field as RegExpExecArray)[1] as string) as string;
      lastRecord = key;
      const rest = (field as RegExpExecArray)[2] as string;
      if (rest === "[") {
        list = key;
        count = 0;
        items = [];
        groups = 0;
        moreGroups = false;
        if (key === "facts") factsAt = { ...line, text: "" };
        if (key === "results") resultsAt = { ...line, text: "" };
        continue;
      }
      const value = parseLine(line, key, rest);
      if (LISTS.has(key)) {
        if (!Array.isArray(value) || value.length > 0) fail(key, "expected a list");
        continue;
      }
      header[key] = value;
    }
  } catch (error) {
    if (error instanceof ReadWhole) return { kind: "whole", reason: error.reason };
    throw error;
  }
  at = undefined;
  if (!closed) fail(lastRecord, `the file ends after line ${lastLine.number}, before the document does — it is cut short (truncated)`);
  const parsedHeader = validate(headerSchema, header, "(document)");
  const differing = (Object.keys(counted) as Array<keyof Summary>).filter((key) => counted[key] !== parsedHeader.summary[key]);
  if (differing.length > 0) {
    fail(
      "summary",
      `the summary disagrees with the results (${differing.map((key) => `${key}: stored ${parsedHeader.summary[key]}, results have ${counted[key]}`).join("; ")}) — the file was edited or is corrupt; scan again`,
    );
  }
  // The header in the order a document's fields are written.
  const ordered = Object.fromEntries(
    Object.keys(reportSchema.shape).flatMap((key) => (key in parsedHeader ? [[key, (parsedHeader as Record<string, unknown>)[key]]] : [])),
  ) as ReportHeader;
  const pass = { path, factsAt, factCount, resultsAt, resultCount, conditions, referred, name, grouped };
  return { kind: "stream", stream: streamOf(ordered, evidenceBySource, resultTargets, pass) };
}

/** What the second pass needs of the first. */
interface SecondPass {
  readonly path: string;
  readonly factsAt: Line | undefined;
  readonly factCount: number;
  readonly resultsAt: Line | undefined;
  readonly resultCount: number;
  readonly conditions: readonly ReportCondition[];
  readonly referred: ReadonlySet<number>;
  readonly name: string;
  /** False for a version 3 file: one record per line, no groups. */
  readonly grouped: boolean;
}

// Built outside openReportStream so that the stream does not keep the first pass's working state alive.
function streamOf(header: ReportHeader, evidenceBySource: ReadonlySet<string>, resultTargets: readonly string[], pass: SecondPass): ReportStream {
  return {
    name: pass.name,
    header,
    evidenceBySource,
    resultTargets,
    resultCount: pass.resultCount,
    targets: () => readTargets(pass),
  };
}

/**
 * The read size of the second pass, which keeps two readers open per file (a merge, two per shard):
 * small, so that a hundred shards' buffers stay a few MiB.
 */
const PASS_CHUNK = 32 * 1024;

/** The second pass: facts and results read side by side from their lines, one target at a time. */
async function* readTargets(pass: SecondPass): AsyncGenerator<ReportTargetPart> {
  const { path, factsAt, factCount, resultsAt, resultCount, conditions, referred, name, grouped } = pass;
  if (resultsAt === undefined || resultCount === 0) return;
  const changed = () => new HardcheckError("HC_REPORT_INVALID", [{ file: name, message: "the file changed while it was being read" }]);
  const parse = (text: string) => JSON.parse(text.endsWith(",") ? text.slice(0, -1) : text) as unknown;
  const kept = new Map<number, JsonValue>();
  const factLines = factsAt && factCount > 0 ? readLines(path, factsAt.offset, factsAt.number, PASS_CHUNK) : undefined;
  const resultLines = readLines(path, resultsAt.offset, resultsAt.number, PASS_CHUNK);
  // Skip the lines that open the lists.
  await factLines?.next();
  await resultLines.next();
  // The next record of a list of groups (the first pass has validated the layout).
  const nextRecord = async <G, R>(lines: AsyncGenerator<Line>, open: { group: G | undefined }): Promise<[G, R]> => {
    for (;;) {
      const line = await lines.next();
      if (line.done) throw changed();
      if (open.group === undefined) open.group = parse(`${line.value.text}]}`) as G;
      else if (GROUP_CLOSE.test(line.value.text)) open.group = undefined;
      else return [open.group, parse(line.value.text) as R];
    }
  };
  // The next record of a version 3 list, one per line, read by its own fields as a grouped one is.
  const nextFlat = async <R>(lines: AsyncGenerator<Line>): Promise<R> => {
    const line = await lines.next();
    if (line.done) throw changed();
    return parse(line.value.text) as R;
  };
  const ownFact = (record: FactRecord) => factOfGroup(record, record);
  const ownResult = (result: StoredResult) => resultOfGroup(result, result);
  const factGroup: { group: FactGroup | undefined } = { group: undefined };
  let factIndex = 0;
  let pendingFact: FactRecord | undefined;
  const nextFact = async (): Promise<FactRecord | undefined> => {
    if (!factLines || factIndex >= factCount) return undefined;
    const record = grouped ? factOfGroup(...(await nextRecord<FactGroup, GroupedFact>(factLines, factGroup))) : ownFact(await nextFlat<FactRecord>(factLines));
    if (referred.has(factIndex) && "value" in record) kept.set(factIndex, record.value);
    factIndex++;
    return record;
  };
  const resultGroup: { group: ResultGroup | undefined } = { group: undefined };
  let resultIndex = 0;
  let pendingResult: StoredResult | undefined;
  const nextResult = async (): Promise<StoredResult | undefined> => {
    if (resultIndex >= resultCount) return undefined;
    resultIndex++;
    return grouped
      ? resultOfGroup(...(await nextRecord<ResultGroup, GroupedResult>(resultLines, resultGroup)))
      : ownResult(await nextFlat<StoredResult>(resultLines));
  };
  pendingFact = await nextFact();
  pendingResult = await nextResult();
  try {
    while (pendingResult !== undefined) {
      const target = pendingResult.target;
      const results: StoredResult[] = [];
      while (pendingResult !== undefined && pendingResult.target === target) {
        results.push(pendingResult);
        pendingResult = await nextResult();
      }
      // Facts of targets without results are passed over (only values `sameAs` refers to are kept).
      while (pendingFact !== undefined && compareTargetIds(pendingFact.target, target) < 0) pendingFact = await nextFact();
      const firstFact = pendingFact === undefined ? factIndex : factIndex - 1;
      const facts: FactRecord[] = [];
      while (pendingFact !== undefined && pendingFact.target === target) {
        facts.push(pendingFact);
        pendingFact = await nextFact();
      }
      const factAt = (index: number) => {
        const record = facts[index - firstFact];
        if (record === undefined) throw changed();
        const value = "value" in record ? record.value : kept.get(record.sameAs);
        if (value === undefined) throw changed();
        return { fact: record.fact, value };
      };
      yield { target, firstFact, facts, results, conditions, join: () => joinStoredResults(results, conditions, factAt) };
    }
  } finally {
    await factLines?.return(undefined);
    await resultLines.return(undefined);
  }
}
