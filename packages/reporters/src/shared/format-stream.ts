/**
 * Report files written target by target, as a streamed scan hands results over: each format's text
 * for one target as soon as it is decided, and what comes before and after the targets once the
 * whole scan is known. A writer spools the targets' text and puts the file together at the end, so
 * memory holds the targets in flight, not the scan.
 */
import { type CheckResult, compareTargetIds, type ReportDocument, type ReportTarget } from "@hardcheck/core";

/** Everything of a report but its results and their tables: what a streamed scan returns at its end. */
export type ReportFrame = Omit<ReportDocument, "results" | "facts" | "conditions">;

/** What is known of a scan before its first target is decided. */
export type ReportStart = Pick<ReportDocument, "tool" | "startedAt">;

/** A target as a format stream is given it: a report target, or only the id of one the report does not list. */
export type StreamTarget = ReportTarget | { readonly id: string };

/**
 * One report file written target by target. The whole-document renderer of a format is this stream
 * fed from a document, so both give the same bytes.
 */
export interface FormatStream {
  /** Called once, before the first target. */
  start(report: ReportStart): void;
  /** The text of one target's results (its checks in document order); may be empty when the format keeps them for the end. */
  target(target: StreamTarget, results: readonly CheckResult[]): string;
  /**
   * The text before and after the targets' text, once every target has been given. A format that
   * writes most of its file here (SARIF) gives the head in parts, to be written one after another.
   */
  end(report: ReportFrame): { readonly head: string | Iterable<string>; readonly tail: string };
}

/** The whole text of a {@link FormatStream}'s head, whether given at once or in parts. */
export function headText(head: string | Iterable<string>): string {
  return typeof head === "string" ? head : [...head].join("");
}

/** The report target behind a {@link StreamTarget}, when the report lists it. */
export function reportTargetOf(target: StreamTarget): ReportTarget | undefined {
  return "endpoints" in target ? target : undefined;
}

/**
 * Feeds a whole document to a format stream: every target the document lists or a result names, in
 * the order a streamed scan hands them over (by code unit, {@link compareTargetIds}), each with its
 * results in document order. So a file rendered from a saved report equals the one the scan wrote.
 */
export function renderThroughStream(report: ReportDocument, results: readonly CheckResult[], stream: FormatStream): string {
  stream.start(report);
  const byTarget = new Map<string, CheckResult[]>(report.targets.map((target) => [target.id, []]));
  for (const result of results) {
    const list = byTarget.get(result.target);
    if (list) list.push(result);
    else byTarget.set(result.target, [result]);
  }
  const listed = new Map(report.targets.map((target) => [target.id, target]));
  const body = [...byTarget]
    .sort(([a], [b]) => compareTargetIds(a, b))
    .map(([id, targetResults]) => stream.target(listed.get(id) ?? { id }, targetResults))
    .join("");
  const { head, tail } = stream.end(report);
  return headText(head) + body + tail;
}
