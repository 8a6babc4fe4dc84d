/** Picks reporters for `--format` and renders a report with them. */
import { type Hardcheck, HardcheckError, type ReportDocument, type ReporterOptions } from "@hardcheck/core";

/** File formats to write and the one format for stdout. */
export function splitFormats(formatList: string, stdout: string | undefined, hardcheck: Hardcheck): { files: string[]; stdoutFormat: string | undefined } {
  const requested = formatList
    .split(",")
    .map((format) => format.trim())
    .filter(Boolean);
  const known = [...hardcheck.registry.reporters.keys()].sort();
  for (const format of [...requested, ...(stdout && stdout !== "none" ? [stdout] : [])]) {
    if (!hardcheck.registry.reporters.has(format))
      throw new HardcheckError("HC_USAGE", `--format ${format}: unknown format — expected one of ${known.join(", ")}`);
  }
  const stdoutFormat = stdout === "none" ? undefined : (stdout ?? (requested.includes("console") ? "console" : undefined));
  // The JSON document is always written: it is what merge, report and other tools read.
  const files = [...new Set(["json", ...requested.filter((format) => format !== "console")])];
  return { files, stdoutFormat };
}

/** Renders `report` in each format. */
export function renderFormats(
  report: ReportDocument,
  formats: readonly string[],
  hardcheck: Hardcheck,
  options: ReporterOptions,
): Array<{ fileName: string; content: string | Uint8Array }> {
  return formats.map((format) => {
    const reporter = hardcheck.registry.reporters.get(format);
    if (!reporter) throw new HardcheckError("HC_USAGE", `unknown format ${format}`);
    return { fileName: reporter.fileName, content: reporter.render(report, options) };
  });
}
