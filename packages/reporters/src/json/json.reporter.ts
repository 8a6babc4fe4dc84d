import { defineReporter, type ReportDocument, type ReporterOptions } from "@hardcheck/core";

/** Serialises the report document as `hardcheck.json` — the contract other tools and `merge` read. */
export const jsonReporter = defineReporter({
  id: "json",
  description: "The report document (hardcheck.json), the input of merge and of every other format",
  fileName: "hardcheck.json",
  render: (report: ReportDocument, _options?: ReporterOptions) => `${JSON.stringify(report, null, 2)}\n`,
});
