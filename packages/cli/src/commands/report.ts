/** `hardcheck report --from hardcheck.json` and `hardcheck diff old.json new.json`: work on saved reports. */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { HardcheckError } from "@hardcheck/core";
import { diffReports, renderDiffText } from "@hardcheck/reporters";
import { writeFileAtomic } from "../atomic-write.js";
import { createInstance } from "../instance.js";
import { type CliIo, EXIT, useColor } from "../io.js";
import { readReport } from "./merge.js";
import { renderFormats, splitFormats } from "./render.js";

/** Options of `hardcheck report`. */
export interface ReportCommandOptions {
  readonly from: string;
  readonly format: string;
  readonly out: string;
  readonly stdout?: string;
  readonly baseline?: string;
  readonly verbose?: boolean;
}

/** Renders a saved report in any format, as `scan` would have. */
export async function reportCommand(options: ReportCommandOptions, io: CliIo): Promise<number> {
  const report = await readReport(options.from, io.cwd);
  const baseline = options.baseline ? await readReport(options.baseline, io.cwd) : undefined;
  const { hardcheck } = await createInstance(undefined, io.cwd);
  const { files, stdoutFormat } = splitFormats(options.format, options.stdout, hardcheck);
  // The JSON document already exists (it is the input): only rewrite it when asked for explicitly.
  const wanted = files.filter((format) => format !== "json" || options.format.split(",").some((entry) => entry.trim() === "json"));
  const outDir = resolve(io.cwd, options.out);
  await mkdir(outDir, { recursive: true });
  const rendered = renderFormats(report, wanted, hardcheck, { color: false, ...(baseline ? { baseline } : {}) });
  for (const { fileName, content } of rendered) await writeFileAtomic(join(outDir, fileName), content);
  if (stdoutFormat) {
    const reporter = hardcheck.registry.reporters.get(stdoutFormat);
    const content = reporter?.render(report, { color: useColor(io.stdout, io.env), verbose: options.verbose === true, ...(baseline ? { baseline } : {}) });
    if (content !== undefined) io.stdout.write(typeof content === "string" ? content : new TextDecoder().decode(content));
  }
  if (rendered.length > 0) io.stderr.write(`reports written to ${options.out}: ${rendered.map((file) => file.fileName).join(", ")}\n`);
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
