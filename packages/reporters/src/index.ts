/**
 * `@hardcheck/reporters` — pure functions from the report document to output formats.
 *
 * @packageDocumentation
 */
import type { PluginContext, Reporter, ReporterOptions } from "@hardcheck/core";
import { consoleReporter } from "./console/console.reporter.js";
import { htmlReporter, htmlStream } from "./html/html.reporter.js";
import { jsonReporter } from "./json/json.reporter.js";
import { junitReporter, junitStream } from "./junit/junit.reporter.js";
import { markdownReporter, markdownStream } from "./markdown/markdown.reporter.js";
import { sarifReporter, sarifStream } from "./sarif/sarif.reporter.js";
import type { FormatStream } from "./shared/format-stream.js";

export {
  type ConsoleEnding,
  type ConsoleReporterOptions,
  type ConsoleStream,
  consoleReporter,
  consoleStream,
  renderConsole,
} from "./console/console.reporter.js";
export { type BaselineState, baselineStates, changedFacts, diffReports, type ReportDiff, type ResultChange, renderDiffText } from "./diff/diff.js";
export { escapeHtml, type HtmlReporterOptions, htmlReporter, htmlStream, renderHtml } from "./html/html.reporter.js";
export { jsonReporter } from "./json/json.reporter.js";
export { escapeXml, junitReporter, junitStream, renderJunit } from "./junit/junit.reporter.js";
export { escapeMarkdown, type MarkdownReporterOptions, markdownReporter, markdownStream, renderMarkdown } from "./markdown/markdown.reporter.js";
export { buildSarif, SARIF_MAX_RESULTS_PER_RUN, type SarifLog, type SarifReporterOptions, sarifReporter, sarifStream } from "./sarif/sarif.reporter.js";
export { type FormatStream, headText, type ReportFrame, type ReportStart, renderThroughStream, type StreamTarget } from "./shared/format-stream.js";
export { findingKey, ruleCatalog } from "./shared/report-view.js";

/**
 * A stream for one of this package's file reporters (JUnit, SARIF, Markdown, HTML), written target
 * by target; undefined for any other reporter (a plugin's reporter is rendered from the whole
 * report). Without a baseline: marking new findings needs the whole report.
 */
export function formatStreamOf(reporter: Reporter, options: ReporterOptions = {}): FormatStream | undefined {
  if (reporter === junitReporter) return junitStream(options);
  if (reporter === sarifReporter) return sarifStream(options);
  if (reporter === markdownReporter) return markdownStream(options);
  if (reporter === htmlReporter) return htmlStream(options);
  return undefined;
}

/** Every reporter of this package. */
export const reporters: readonly Reporter[] = [jsonReporter, consoleReporter, sarifReporter, junitReporter, htmlReporter, markdownReporter];

/** Registers this package's reporters with a hardcheck instance. */
export function register(context: PluginContext): void {
  for (const reporter of reporters) context.registerReporter(reporter);
}
