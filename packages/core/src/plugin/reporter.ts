import { HardcheckError } from "../errors.js";
import type { ReportDocument } from "../model/report.js";

/** Options every reporter understands; reporters may read more. */
export interface ReporterOptions {
  /** Use ANSI colour (console reporters); honours `NO_COLOR` when left to the caller. */
  readonly color?: boolean;
  /** Reporter-specific options. */
  readonly [key: string]: unknown;
}

/** A pure function from the report document to a file (or terminal) format. */
export interface Reporter {
  /** Format id used by `--format`: `json`, `console`, `sarif`, … */
  readonly id: string;
  readonly description: string;
  /** File name written under `--out`, e.g. `hardcheck.json`. */
  readonly fileName: string;
  render(report: ReportDocument, options: ReporterOptions): string | Uint8Array;
}

/**
 * Declares a reporter, checking its shape.
 *
 * @example
 * ```ts
 * export const csvReporter = defineReporter({
 *   id: "csv", description: "One line per result", fileName: "hardcheck.csv",
 *   render: (report) => report.results.map((r) => `${r.ruleId},${r.status}`).join("\n"),
 * });
 * ```
 */
export function defineReporter<R extends Reporter>(reporter: R): R {
  if (!/^[a-z][a-z0-9-]*$/.test(reporter?.id ?? "") || typeof reporter.render !== "function" || !reporter.fileName) {
    throw new HardcheckError("HC_PLUGIN_REGISTER", `reporter "${String(reporter?.id)}" needs a kebab-case id, a fileName and a render function`);
  }
  return reporter;
}
