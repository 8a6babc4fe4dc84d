/** `hardcheck merge a.json b.json … --out DIR`: one report from shard reports. */
import { mkdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type Hardcheck, HardcheckError, mergeReports, parseReport, type ReportDocument, type Severity } from "@hardcheck/core";
import { writeFileAtomic } from "../atomic-write.js";
import { createInstance } from "../instance.js";
import type { CliIo } from "../io.js";
import { exitCodeFor } from "./exit-code.js";
import { renderFormats, splitFormats } from "./render.js";

/** Reads and validates a saved report document. */
export async function readReport(path: string, cwd: string): Promise<ReportDocument> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), "utf8");
  } catch {
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
  const reports = await Promise.all(files.map((file) => readReport(file, io.cwd)));
  const merged = mergeReports(reports);
  const { hardcheck }: { hardcheck: Hardcheck } = await createInstance(undefined, io.cwd);
  const { files: formats } = splitFormats(options.format, "none", hardcheck);
  const outDir = resolve(io.cwd, options.out);
  await mkdir(outDir, { recursive: true });
  const rendered = renderFormats(merged, formats, hardcheck, { color: false });
  for (const { fileName, content } of rendered) await writeFileAtomic(join(outDir, fileName), content);
  const s = merged.summary;
  io.stderr.write(`merged ${files.length} report(s): ${merged.results.length} results (${s.pass} pass, ${s.fail} fail, ${s.error} error) → ${options.out}\n`);
  return exitCodeFor(merged, (options.failOn ?? "none") as Severity | "none");
}
