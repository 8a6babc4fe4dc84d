/** `hardcheck report --from hardcheck.json` and `hardcheck diff old.json new.json`: work on saved reports. */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { HardcheckError, type OpenedReport, openReportStream, ReportTableBuilder } from "@hardcheck/core";
import { diffReports, renderDiffText } from "@hardcheck/reporters";
import { HEADROOM_BYTES, heapBudget } from "../heap-budget.js";
import { createInstance } from "../instance.js";
import { type CliIo, EXIT, useColor } from "../io.js";
import { addSavedTargets, StreamedReportWriter } from "../report-stream.js";
import { readReport } from "./merge.js";
import { type FormatPlan, planFormats, splitFormats, warnOversizedPage, writeFormatsAfterwards, writeWholeFormats } from "./render.js";

/** The document `scan` writes, which `report --from` rewrites only when asked for `json`. */
const JSON_FILE = "hardcheck.json";

/** Options of `hardcheck report`. */
export interface ReportCommandOptions {
  readonly from: string;
  readonly format: string;
  readonly out: string;
  readonly stdout?: string;
  /** A config whose plugins add report formats; its targets are not scanned. */
  readonly config?: string;
  readonly baseline?: string;
  readonly verbose?: boolean;
}

/**
 * Renders a saved report in any format, as `scan` would have. A report in the line layout `scan`
 * writes is read target by target for the built-in formats when no baseline is given, so memory
 * holds one target however large the report; a plugin's format, a baseline, or a report in any
 * other layout needs the document read whole.
 */
export async function reportCommand(options: ReportCommandOptions, io: CliIo): Promise<number> {
  const { hardcheck } = await createInstance(options.config, io.cwd);
  const { files, stdoutFormat } = splitFormats(
    options.format,
    options.stdout,
    hardcheck,
    options.config ? "" : " (a plugin's format needs --config with the config that loads the plugin)",
  );
  // The JSON document already exists (it is the input): only rewrite it when asked for explicitly.
  const wanted = files.filter((format) => format !== "json" || options.format.split(",").some((entry) => entry.trim() === "json"));
  const outDir = resolve(io.cwd, options.out);
  const stdoutOptions = { color: useColor(io.stdout, io.env), verbose: options.verbose === true };
  let written: string[] | undefined;
  const plan = options.baseline ? undefined : await planFormats(wanted, stdoutFormat, hardcheck, outDir, { color: false });
  // Read target by target only when something is written that way: a run of plugin formats alone reads the report once, whole.
  if (plan && (plan.streams.length > 0 || wanted.includes("json") || stdoutFormat === "console")) {
    const streamed = await reportStreamed(options, plan, wanted.includes("json"), stdoutFormat === "console", outDir, io);
    if (streamed) {
      // A plugin's formats read the document whole, once the built-in files are written.
      await writeFormatsAfterwards(plan, () => readReport(options.from, io.cwd), hardcheck, { outDir, io, fileOptions: { color: false }, stdoutOptions });
      // Every format asked for is written by now; named in the order asked for, as scan names them.
      written = wanted.map((format) => hardcheck.registry.reporters.get(format)?.fileName ?? format);
    }
  }
  if (written === undefined) {
    const report = await readReport(options.from, io.cwd);
    const baseline = options.baseline ? await readReport(options.baseline, io.cwd) : undefined;
    await mkdir(outDir, { recursive: true });
    written = await writeWholeFormats(report, wanted, stdoutFormat, hardcheck, {
      outDir,
      io,
      fileOptions: { color: false, ...(baseline ? { baseline } : {}) },
      stdoutOptions: { ...stdoutOptions, ...(baseline ? { baseline } : {}) },
    });
  }
  if (written.length > 0) io.stderr.write(`reports written to ${options.out}: ${written.join(", ")}\n`);
  await warnOversizedPage(outDir, written, io);
  return EXIT.ok;
}

/**
 * `report --from` target by target for the built-in formats of `plan`: false, having written
 * nothing, when the report is not in the line layout and must be read whole.
 */
async function reportStreamed(
  options: ReportCommandOptions,
  plan: FormatPlan,
  json: boolean,
  printConsole: boolean,
  outDir: string,
  io: CliIo,
): Promise<boolean> {
  const { consoleStream } = await import("@hardcheck/reporters");
  let opened: OpenedReport;
  try {
    opened = await openReportStream(resolve(io.cwd, options.from), options.from);
  } catch (error) {
    if (error instanceof HardcheckError) throw error;
    throw new HardcheckError("HC_CONFIG_UNREADABLE", [{ file: options.from, message: "cannot read report file" }]);
  }
  if (opened.kind === "whole") return false;
  const { header, evidenceBySource } = opened.stream;
  await mkdir(outDir, { recursive: true });
  const view = printConsole ? consoleStream({ color: useColor(io.stdout, io.env), verbose: options.verbose === true }) : undefined;
  const writer = new StreamedReportWriter(
    join(outDir, JSON_FILE),
    new ReportTableBuilder((result) => evidenceBySource.has(`${result.pack}|${result.ruleId}`)),
    new Map(header.targets.map((target) => [target.id, target])),
    "none",
    { ...(view ? { consoleView: view } : {}), files: plan.streams, afterTarget: heapBudget(HEADROOM_BYTES), json },
  );
  writer.start({ tool: header.tool, startedAt: header.startedAt });
  await addSavedTargets(writer, opened.stream);
  await writer.finish(header, (text) => io.stdout.write(text));
  return true;
}

/** Options of `hardcheck diff`. */
export interface DiffCommandOptions {
  readonly json?: boolean;
}

/** Compares two saved reports; exit 1 when the newer one has new failures or checks no longer verified. */
export async function diffCommand(oldFile: string, newFile: string, options: DiffCommandOptions, io: CliIo): Promise<number> {
  if (!oldFile || !newFile) throw new HardcheckError("HC_USAGE", "diff needs two report files: hardcheck diff old.json new.json");
  const [before, after] = await Promise.all([readReport(oldFile, io.cwd), readReport(newFile, io.cwd)]);
  const diff = diffReports(before, after);
  if (options.json) io.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
  else io.stdout.write(renderDiffText(diff));
  // A check that can no longer be verified must not pass a diff gate as if it had been fixed.
  return diff.newFailures.length > 0 || diff.notVerified.length > 0 ? EXIT.findings : EXIT.ok;
}
