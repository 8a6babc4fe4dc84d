/** Picks reporters for `--format` and renders a report with them. */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { type Hardcheck, HardcheckError, type ReportDocument, type ReporterOptions, suggest } from "@hardcheck/core";
import { writeFileAtomic } from "../atomic-write.js";
import type { CliIo } from "../io.js";
import type { StreamedFile } from "../report-stream.js";

/**
 * File formats to write and the one format for stdout. `unknownHint` ends the error for a format
 * nothing registered (where a plugin's format could come from instead).
 */
export function splitFormats(
  formatList: string,
  stdout: string | undefined,
  hardcheck: Hardcheck,
  unknownHint = "",
): { files: string[]; stdoutFormat: string | undefined } {
  const requested = formatList
    .split(",")
    .map((format) => format.trim())
    .filter(Boolean);
  const known = [...hardcheck.registry.reporters.keys()].sort();
  for (const format of [...requested, ...(stdout && stdout !== "none" ? [stdout] : [])]) {
    if (!hardcheck.registry.reporters.has(format)) {
      // A near miss is a typo, not a plugin's format: the plugin hint would only mislead.
      const near = suggest(format, known);
      throw new HardcheckError(
        "HC_USAGE",
        `--format ${format}: unknown format${near ? `${near} Known formats: ` : " — expected one of "}${known.join(", ")}${near ? "" : unknownHint}`,
      );
    }
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
    try {
      return { fileName: reporter.fileName, content: reporter.render(report, options) };
    } catch (error) {
      // A format rendered as one string cannot outgrow V8's longest string (2^29 characters).
      if (error instanceof RangeError && /string length/i.test(error.message)) {
        throw new HardcheckError(
          "HC_USAGE",
          `--format ${format}: the report is too large to render ${format} as one piece (${error.message}); ` +
            "the built-in file formats are written target by target instead, unless --baseline is given or the saved report is not in the line layout scan writes",
        );
      }
      throw error;
    }
  });
}

/** A report file written target by target: its format, its file name, and where and how it is written. */
export interface FormatFile extends StreamedFile {
  readonly format: string;
  readonly fileName: string;
}

/** How a run writes its formats: target by target where it can, the rest from the whole document at the end. */
export interface FormatPlan {
  /** The built-in formats other than `json`, written target by target next to the document. */
  readonly streams: FormatFile[];
  /** Formats with no stream (a plugin's), rendered one at a time from the whole document once it is written. */
  readonly afterwards: string[];
  /** The stdout format when it is rendered from the whole document (a plugin's), else undefined. */
  readonly stdoutAfterwards: string | undefined;
}

/**
 * Plans the files of `formats` in `outDir`: each built-in format with its stream, every other
 * (a plugin's) for afterwards. Undefined when the JSON document, or the console view printed on
 * stdout, is not the built-in one: then nothing can be streamed and the whole report is rendered.
 */
export async function planFormats(
  formats: readonly string[],
  stdoutFormat: string | undefined,
  hardcheck: Hardcheck,
  outDir: string,
  options: ReporterOptions,
): Promise<FormatPlan | undefined> {
  if (!builtinReporters(hardcheck, stdoutFormat === "console" ? "console" : undefined)) return undefined;
  const { formatStreamOf } = await import("@hardcheck/reporters");
  const streams: FormatFile[] = [];
  const afterwards: string[] = [];
  for (const format of formats.filter((name) => name !== "json")) {
    const reporter = hardcheck.registry.reporters.get(format);
    const stream = reporter ? formatStreamOf(reporter, options) : undefined;
    if (reporter && stream) streams.push({ format, fileName: reporter.fileName, path: join(outDir, reporter.fileName), stream });
    else afterwards.push(format);
  }
  return { streams, afterwards, stdoutAfterwards: stdoutFormat === "console" ? undefined : stdoutFormat };
}

/** True when the JSON document and the console view (when printed) are the built-in ones, which can be streamed. */
export function builtinReporters(hardcheck: Hardcheck, stdoutFormat: string | undefined): boolean {
  const json = hardcheck.registry.reporters.get("json");
  const console = hardcheck.registry.reporters.get("console");
  return json?.id === "json" && json.fileName === "hardcheck.json" && (stdoutFormat === undefined || console?.id === "console");
}

/** Where {@link writeWholeFormats} writes and prints. */
export interface WholeFormatsTarget {
  readonly outDir: string;
  readonly io: CliIo;
  /** Options for the files (no colour). */
  readonly fileOptions: ReporterOptions;
  /** Options for the format printed on stdout. */
  readonly stdoutOptions: ReporterOptions;
}

/**
 * Renders `report` in each of `formats`, one at a time so each rendering is let go once written,
 * writes each file whole, then prints `stdoutFormat`. Returns the file names written.
 */
export async function writeWholeFormats(
  report: ReportDocument,
  formats: readonly string[],
  stdoutFormat: string | undefined,
  hardcheck: Hardcheck,
  target: WholeFormatsTarget,
): Promise<string[]> {
  const written: string[] = [];
  for (const format of formats) {
    for (const { fileName, content } of renderFormats(report, [format], hardcheck, target.fileOptions)) {
      await writeFileAtomic(join(target.outDir, fileName), content);
      written.push(fileName);
    }
  }
  if (stdoutFormat) {
    const [printed] = renderFormats(report, [stdoutFormat], hardcheck, target.stdoutOptions);
    if (printed) target.io.stdout.write(typeof printed.content === "string" ? printed.content : new TextDecoder().decode(printed.content));
  }
  return written;
}

/**
 * Renders the formats `plan` leaves for afterwards (a plugin's, or a stdout format other than the
 * console view) from the saved report that `read` returns, once the streamed files are written.
 * Reads nothing when there are none.
 */
export async function writeFormatsAfterwards(
  plan: FormatPlan,
  read: () => Promise<ReportDocument>,
  hardcheck: Hardcheck,
  target: WholeFormatsTarget,
): Promise<void> {
  if (plan.afterwards.length === 0 && plan.stdoutAfterwards === undefined) return;
  await writeWholeFormats(await read(), plan.afterwards, plan.stdoutAfterwards, hardcheck, target);
}

/**
 * The most page data a browser reads, in UTF-16 code units: Chromium holds the page's data (one
 * script element) in one string, and V8's strings end at 2^29 - 24 of them. A larger page loads,
 * but cannot show its results (it says so).
 */
export const HTML_PAGE_LIMIT_CHARS = 2 ** 29;

/** The UTF-16 code units the UTF-8 file at `path` decodes to, counted only as far as `limit` + 1. */
async function codeUnitsUpTo(path: string, limit: number): Promise<number> {
  const decoder = new TextDecoder();
  let units = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 2 ** 20 }) as AsyncIterable<Buffer>) {
    units += decoder.decode(chunk, { stream: true }).length;
    if (units > limit) return units;
  }
  return units + decoder.decode().length;
}

/** Warns when `hardcheck.html` in `outDir` came out with more page data than a browser can show. */
export async function warnOversizedPage(outDir: string, written: readonly string[], io: CliIo, limit = HTML_PAGE_LIMIT_CHARS): Promise<void> {
  if (!written.includes("hardcheck.html")) return;
  const path = join(outDir, "hardcheck.html");
  const size = (await stat(path).catch(() => undefined))?.size ?? 0;
  // A UTF-8 file never holds more code units than bytes: only a file over the limit in bytes is counted.
  if (size <= limit || (await codeUnitsUpTo(path, limit).catch(() => 0)) <= limit) return;
  io.stderr.write(
    `warning: hardcheck.html is ${Math.round(size / 2 ** 20)} MiB, more than a browser can load (about ${Math.round(limit / 2 ** 20)} Mi characters of page data): the page will say it cannot show its results. Every result is in hardcheck.json; write HTML per shard, or use markdown or sarif for the whole estate.\n`,
  );
}
