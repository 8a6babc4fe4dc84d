/** `hardcheck merge a.json b.json … --out DIR`: one report from shard reports. */
import { mkdir, readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import {
  compareResults,
  compareTargetIds,
  evidenceIsBySource,
  type Hardcheck,
  HardcheckError,
  joinResults,
  mergeReportHeaders,
  mergeReports,
  openReportStream,
  parseReport,
  type ReportDocument,
  type ReportHeader,
  type ReportResult,
  type ReportRule,
  ReportTableBuilder,
  type Severity,
  type StreamedReport,
  summarize,
  withRuleFields,
} from "@hardcheck/core";
import { HEADROOM_BYTES, heapBudget } from "../heap-budget.js";
import { createInstance } from "../instance.js";
import type { CliIo } from "../io.js";
import { ListedTargets, type StreamedFile, StreamedReportWriter } from "../report-stream.js";
import { exitCodeOf } from "./exit-code.js";
import { planFormats, splitFormats, warnOversizedPage } from "./render.js";

/** Reads and validates a saved report document. */
export async function readReport(path: string, cwd: string): Promise<ReportDocument> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), "utf8");
  } catch (error) {
    // Past V8's longest string: a RangeError from the decoder, or ERR_STRING_TOO_LONG from Node.
    if ((error instanceof RangeError && /string length/i.test(error.message)) || (error as { code?: unknown }).code === "ERR_STRING_TOO_LONG") {
      throw new HardcheckError("HC_USAGE", [
        {
          file: path,
          message:
            "the report is too large to read whole (more than 2^29 characters): the built-in formats are read and written target by target; " +
            "a plugin's format, --baseline and diff need the whole document — shard the scan and work on the shards",
        },
      ]);
    }
    throw new HardcheckError("HC_CONFIG_UNREADABLE", [{ file: path, message: "cannot read report file" }]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new HardcheckError("HC_REPORT_INVALID", [{ file: path, message: `not JSON: ${(error as Error).message}` }]);
  }
  return parseReport(data, path);
}

/** Merges reports and writes the merged document (and any other formats) to `out`. */
export async function mergeCommand(files: string[], options: { out: string; format: string; failOn?: string }, io: CliIo): Promise<number> {
  if (files.length === 0) throw new HardcheckError("HC_USAGE", "merge needs at least one report file");
  const { hardcheck }: { hardcheck: Hardcheck } = await createInstance(undefined, io.cwd);
  const { files: formats } = splitFormats(
    options.format,
    "none",
    hardcheck,
    " (merge writes the built-in formats; render a plugin's format from the merged hardcheck.json with report --from and --config)",
  );
  const outDir = resolve(io.cwd, options.out);
  // Every format merge can write (the built-in ones: it loads no plugin) is written a target at a time.
  const plan = await planFormats(formats, undefined, hardcheck, outDir, { color: false });
  if (!plan || plan.afterwards.length > 0) throw new HardcheckError("HC_USAGE", `--format ${options.format}: merge writes only the built-in formats`);
  return mergeStreamed(files, options, plan.streams, io);
}

/** One shard as the streamed merge reads it: its header fields and its results target by target. */
interface MergeSource {
  readonly header: ReportHeader;
  readonly evidenceBySource: ReadonlySet<string>;
  readonly resultTargets: readonly string[];
  parts(): AsyncIterator<{ readonly target: string; readonly results: ReportResult[] }>;
}

/** A shard read whole (not in the line layout, or of schema version 1 or 2) as a merge source. */
function wholeSource(report: ReportDocument): MergeSource {
  const { facts: _facts, conditions: _conditions, results: stored, ...header } = report;
  // In the order the merge hands targets over, whatever order the file kept (parseReport has refused a check held twice).
  const resultTargets = [...new Set(stored.map((result) => result.target))].sort(compareTargetIds);
  return {
    header,
    evidenceBySource: new Set(stored.filter(evidenceIsBySource).map((result) => `${result.pack}|${result.ruleId}`)),
    resultTargets,
    async *parts() {
      const byTarget = new Map<string, ReportResult[]>(resultTargets.map((target) => [target, []]));
      for (const result of joinResults(report)) byTarget.get(result.target)?.push(result);
      for (const [target, results] of byTarget) yield { target, results };
    },
  };
}

async function openSource(file: string, io: CliIo): Promise<MergeSource> {
  let opened: Awaited<ReturnType<typeof openReportStream>>;
  try {
    opened = await openReportStream(resolve(io.cwd, file), file);
  } catch (error) {
    if (error instanceof HardcheckError) throw error;
    throw new HardcheckError("HC_CONFIG_UNREADABLE", [{ file, message: "cannot read report file" }]);
  }
  if (opened.kind === "whole") {
    if (opened.reason === "layout")
      io.stderr.write(`${file}: read whole — it is not in the line layout hardcheck writes (one field and one record per line)\n`);
    if (opened.reason === "order") io.stderr.write(`${file}: read whole — its results point at facts of other targets or are not in target order\n`);
    return wholeSource(await readReport(file, io.cwd));
  }
  // parts() keeps only the second pass, not the stream: a shard's header (its targets) can go once merged.
  const { header, evidenceBySource, resultTargets, targets } = opened.stream;
  return {
    header,
    evidenceBySource,
    resultTargets,
    async *parts() {
      for await (const part of targets()) yield { target: part.target, results: part.join() };
    },
  };
}

/**
 * The merge in memory bounded by one target per shard: every shard is validated in a first pass
 * before anything is written, then the shards' targets are merged in target order and written as
 * they come, to `hardcheck.json` (byte for byte the document {@link mergeReports} builds) and to the
 * built-in formats in `streams` (byte for byte what their renderers make of that document).
 */
async function mergeStreamed(files: string[], options: { out: string; failOn?: string }, streams: readonly StreamedFile[], io: CliIo): Promise<number> {
  // Half a scan's headroom: a merge's live set grows with its targets (100,000 of them held for the
  // header), and its work per target is small, so collecting twice as often costs little
  // (100 shards of 1,000 endpoints: 295 MiB peak at 113 s with a scan's headroom, 255 MiB at 128 s).
  const checkHeap = heapBudget(HEADROOM_BYTES / 2);
  const sources: MergeSource[] = [];
  for (const file of files) {
    sources.push(await openSource(file, io));
    checkHeap();
  }
  const merged = mergeReportHeaders(sources.map((source) => source.header));
  const owner = new Map<string, number>();
  sources.forEach((source, i) => {
    for (const target of source.resultTargets) {
      if (owner.has(target) && owner.get(target) !== i)
        throw new HardcheckError("HC_REPORT_INVALID", `results of target ${target} appear in more than one report — shards must not overlap`);
      owner.set(target, i);
    }
  });
  owner.clear();
  const bySource = new Set(sources.flatMap((source) => [...source.evidenceBySource]));
  const iterators = sources.map((source) => source.parts());
  // The merged header holds every target now: let the shards' headers and target lists go (a
  // hundred shards of 1,000 targets held each target twice).
  sources.length = 0;
  const rules = new Map<string, ReportRule>(merged.rules.map((rule) => [`${rule.pack}|${rule.id}`, rule]));
  const outDir = resolve(io.cwd, options.out);
  await mkdir(outDir, { recursive: true });
  const failOn = (options.failOn ?? "none") as Severity | "none";
  const writer = new StreamedReportWriter(
    join(outDir, "hardcheck.json"),
    new ReportTableBuilder((result) => bySource.has(`${result.pack}|${result.ruleId}`)),
    new Map(merged.targets.map((target) => [target.id, target])),
    failOn,
    { files: streams, afterTarget: checkHeap },
  );
  writer.start({ tool: merged.tool, startedAt: merged.startedAt });
  // Every listed target reaches the other formats, those without results too, in the order the results come.
  const listed = new ListedTargets(merged.targets.map((target) => target.id));
  const addEmpty = (id: string) => writer.add(id, []);
  const summary = summarize([]);
  let count = 0;
  try {
    const heads = await Promise.all(iterators.map((iterator) => iterator.next()));
    for (;;) {
      let next = -1;
      heads.forEach((head, i) => {
        if (head.done) return;
        const best = heads[next];
        if (next < 0 || (best && !best.done && compareTargetIds(head.value.target, best.value.target) < 0)) next = i;
      });
      if (next < 0) break;
      const head = heads[next] as IteratorYieldResult<{ readonly target: string; readonly results: ReportResult[] }>;
      await listed.before(head.value.target, addEmpty);
      const results = [...head.value.results].sort(compareResults);
      for (const result of results) {
        if (result.status === "not-applicable") summary.notApplicable++;
        else summary[result.status]++;
      }
      count += results.length;
      await writer.add(
        head.value.target,
        results.map((result) => withRuleFields(result, rules.get(`${result.pack}|${result.ruleId}`))),
      );
      heads[next] = await (iterators[next] as AsyncIterator<{ readonly target: string; readonly results: ReportResult[] }>).next();
    }
    await listed.rest(addEmpty);
  } catch (error) {
    await writer.discard();
    throw error;
  }
  const { notices, rules: mergedRules, site, ...head } = merged;
  const document: StreamedReport = { ...head, summary, notices, rules: mergedRules, ...(site ? { site } : {}) };
  const { failing } = await writer.finish(document);
  io.stderr.write(`merged ${files.length} report(s): ${count} results (${summary.pass} pass, ${summary.fail} fail, ${summary.error} error) → ${options.out}\n`);
  await warnOversizedPage(
    outDir,
    streams.map((stream) => basename(stream.path)),
    io,
  );
  return exitCodeOf(merged.incomplete, failing);
}
