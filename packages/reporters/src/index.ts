/**
 * `@hardcheck/reporters` — pure functions from the report document to output formats.
 *
 * @packageDocumentation
 */
import type { PluginContext, Reporter } from "@hardcheck/core";
import { consoleReporter } from "./console/console.reporter.js";
import { htmlReporter } from "./html/html.reporter.js";
import { jsonReporter } from "./json/json.reporter.js";
import { junitReporter } from "./junit/junit.reporter.js";
import { markdownReporter } from "./markdown/markdown.reporter.js";
import { sarifReporter } from "./sarif/sarif.reporter.js";

export {
  type ConsoleEnding,
  type ConsoleReporterOptions,
  type ConsoleStream,
  consoleReporter,
  consoleStream,
  renderConsole,
} from "./console/console.reporter.js";
export { type BaselineState, baselineStates, changedFacts, diffReports, type ReportDiff, type ResultChange, renderDiffText } from "./diff/diff.js";
export { escapeHtml, type HtmlReporterOptions, htmlReporter, renderHtml } from "./html/html.reporter.js";
export { jsonReporter } from "./json/json.reporter.js";
export { escapeXml, junitReporter, renderJunit } from "./junit/junit.reporter.js";
export { escapeMarkdown, type MarkdownReporterOptions, markdownReporter, renderMarkdown } from "./markdown/markdown.reporter.js";
export { buildSarif, SARIF_MAX_RESULTS_PER_RUN, type SarifLog, type SarifReporterOptions, sarifReporter } from "./sarif/sarif.reporter.js";
export { findingKey, ruleCatalog } from "./shared/report-view.js";

/** Every reporter of this package. */
export const reporters: readonly Reporter[] = [jsonReporter, consoleReporter, sarifReporter, junitReporter, htmlReporter, markdownReporter];

/** Registers this package's reporters with a hardcheck instance. */
export function register(context: PluginContext): void {
  for (const reporter of reporters) context.registerReporter(reporter);
}
