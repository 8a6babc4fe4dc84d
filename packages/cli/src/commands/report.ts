/** `hardcheck report --from hardcheck.json` and `hardcheck diff old.json new.json`: work on saved reports. */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type Hardcheck, HardcheckError, type OpenedReport, openReportStream, ReportTableBuilder } from "@hardcheck/core";
import { diffReports, renderDiffText } from "@hardcheck/reporters";
import { writeFileAtomic } from "../atomic-write.js";
import { HEADROOM_BYTES, heapBudget } from "../heap-budget.js";
import { createInstance } from "../instance.js";
import { type CliIo, EXIT, useColor } from "../io.js";
import { addSavedTargets, StreamedReportWriter } from "../report-stream.js";
import { readReport } from "./merge.js";
import { builtinReporters, formatFiles, renderFormats, splitFormats, warnOversizedPage } from "./render.js";

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
 * writes is read target by target when every format asked for is built in and no baseline is given,
 * so memory holds one target however large the report; any other is read whole.
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
  if (!options.baseline) {
    const streamed = await reportStreamed(options, wanted, stdoutFormat, hardcheck, outDir, io);
    if (streamed !== undefined) return streamed;
  }
  const report = await readReport(options.from, io.cwd);
  const baseline = options.baseline ? await readReport(options.baseline, io.cwd) : undefined;
  await mkdir(outDir, { recursive: true });
  // One format at a time: each rendering is let go once written.
  const rendered: { readonly fileName: string }[] = [];
  for (const format of wanted) {
    for (const { fileName, content } of renderFormats(report, [format], hardcheck, { color: false, ...(baseline ? { baseline } : {}) })) {
      await writeFileAtomic(join(outDir, fileName), content);
      rendered.push({ fileName });
    }
  }
  if (stdoutFormat) {
    const reporter = hardcheck.registry.reporters.get(stdoutFormat);
    const content = reporter?.render(report, { color: useColor(io.stdout, io.env), verbose: options.verbose === true, ...(baseline ? { baseline } : {}) });
    if (content !== undefined) io.stdout.write(typeof content === "string" ? content : new TextDecoder().decode(content));
  }
  if (rendered.length > 0) io.stderr.write(`reports written to ${options.out}: ${rendered.map((file) => file.fileName).join(", ")}\n`);
  await warnOversizedPage(
    outDir,
    rendered.map((file) => file.fileName),
    io,
  );
  return EXIT.ok;
}

/**
 * `report --from` target by target: undefined when the report or the formats asked for need the
 * whole document (a plugin's format, a file not in the line layout), which the caller then reads.
 */
async function reportStreamed(
  options: ReportCommandOptions,
  formats: readonly string[],
  stdoutFormat: string | undefined,
  hardcheck: Hardcheck,
  outDir: string,
  io: CliIo,
): Promise<number | undefined> {
  const streams = await formatFiles(formats, hardcheck, outDir, { color: false });
  if (!streams || (stdoutFormat !== undefined && stdoutFormat !== "console") || !builtinReporters(hardcheck, stdoutFormat)) return undefined;
  const { consoleStream } = await import("@hardcheck/reporters");
  const json = formats.includes("json");
  let opened: OpenedReport;
  try {
    opened = await openReportStream(resolve(io.cwd, options.from), options.from);
  } catch (error) {
    if (error instanceof HardcheckError) throw error;
    throw new HardcheckError("HC_CONFIG_UNREADABLE", [{ file: options.from, message: "cannot read report file" }]);
  }
  if (opened.kind === "whole") return undefined;
  const { header, evidenceBySource } = opened.stream;
  await mkdir(outDir, { recursive: true });
  const view = stdoutFormat === "console" ? consoleStream({ color: useColor(io.stdout, io.env), verbose: options.verbose === true }) : undefined;
  const writer = new StreamedReportWriter(
    join(outDir, JSON_FILE),
    new ReportTableBuilder((result) => evidenceBySource.has(`${result.pack}|${result.ruleId}`)),
    new Map(header.targets.map((target) => [target.id, target])),
    "none",
    { ...(view ? { consoleView: view } : {}), files: streams, afterTarget: heapBudget(HEADROOM_BYTES), json },
  );
  writer.start({ tool: header.tool, startedAt: header.startedAt });
  await addSavedTargets(writer, opened.stream);
  await writer.finish(header, (text) => io.stdout.write(text));
  const written = [...(json ? [JSON_FILE] : []), ...streams.map((stream) => stream.fileName)];
  if (written.length > 0) io.stderr.write(`reports written to ${options.out}: ${written.join(", ")}\n`);
  await warnOversizedPage(outDir, written, io);
  return EXIT.ok;
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
