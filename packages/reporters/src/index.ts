/**
 * `@hardcheck/reporters` — pure functions from the report document to output formats.
 *
 * @packageDocumentation
 */
import type { PluginContext, Reporter } from "@hardcheck/core";
import { consoleReporter } from "./console/console.reporter.js";
import { jsonReporter } from "./json/json.reporter.js";

export { type ConsoleReporterOptions, consoleReporter, renderConsole } from "./console/console.reporter.js";
export { jsonReporter } from "./json/json.reporter.js";

/** Every reporter of this package. */
export const reporters: readonly Reporter[] = [jsonReporter, consoleReporter];

/** Registers this package's reporters with a hardcheck instance. */
export function register(context: PluginContext): void {
  for (const reporter of reporters) context.registerReporter(reporter);
}
