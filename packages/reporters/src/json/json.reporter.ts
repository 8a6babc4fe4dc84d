import { defineReporter, type ReportDocument, type ReporterOptions, serializeReport } from "@hardcheck/core";

/**
 * Serialises the report document as `hardcheck.json` — the contract other tools and `merge` read —
 * one record per line (see `serializeReport`).
 */
export const jsonReporter = defineReporter({
  id: "json",
  description: "The report document (hardcheck.json), the input of merge and of every other format",
  fileName: "hardcheck.json",
  render: (report: ReportDocument, _options?: ReporterOptions) => serializeReport(report),
});
