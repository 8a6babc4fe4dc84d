/** `hardcheck.json` as text: compact where nothing is gained by spreading, one line per record. */
import type { ReportDocument, ReportFile } from "../model/report.js";
import { reportElementText, reportListElements } from "./file.js";

/**
 * Serialises a report document as `hardcheck.json` (a {@link ReportFile}): every top-level field on its
 * own line, and every element of the document's lists (targets, fact records, conditions, results,
 * rules, …) on a line of its own, as compact JSON; a group of fact records or results has its own
 * fields on the line that opens it and `]}` on a line that closes it. A change between two scans then
 * shows as the lines of the results and facts that changed — the same granularity a pretty-printed
 * file gives — without the indentation and repeated fields that made up most of its size.
 *
 * @example
 * ```ts
 * writeFileSync("hardcheck.json", serializeReport(report));
 * ```
 */
export function serializeReport(report: ReportDocument): string {
  const fields = Object.entries(report)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => serializeReportField(key, value));
  return `{\n${fields.join(",\n")}\n}\n`;
}

/**
 * One top-level field of `hardcheck.json` as {@link serializeReport} writes it (without the comma
 * that separates fields): a writer that streams the long lists writes the other fields with this.
 */
export function serializeReportField(key: string, value: unknown): string {
  return [...serializeReportFieldParts(key, value)].join("");
}

/**
 * {@link serializeReportField} in parts of at most `batch` list elements each, for a writer that
 * must not build a long list's text in one string (a merged header of 100,000 targets). The parts
 * joined are exactly the field's text.
 */
export function* serializeReportFieldParts(key: string, value: unknown, batch = 1000): Generator<string> {
  const name = JSON.stringify(key);
  if (!Array.isArray(value) || value.length === 0) {
    yield `${name}: ${JSON.stringify(value)}`;
    return;
  }
  const elements = reportListElements(key, value);
  for (let start = 0; start < elements.length; start += batch) {
    const text = elements
      .slice(start, start + batch)
      .map((element) => reportElementText(key, element))
      .join(",\n");
    yield start === 0 ? `${name}: [\n${text}` : `,\n${text}`;
  }
  yield "\n]";
}
