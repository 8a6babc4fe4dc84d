// The exit code is the verdict CI reads: it must never say "no findings" about a scan that did not finish.
import { buildReport, type CheckResult, type ReportDocument } from "@hardcheck/core";
import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../src/commands/exit-code.js";

const result = (status: CheckResult["status"], severity: CheckResult["severity"]): CheckResult => ({
  ruleId: `R-${status}-${severity}`,
  pack: "p",
  checklistRef: null,
  section: null,
  title: "t",
  severity,
  target: "t",
  endpoint: null,
  status,
  message: "m",
  conditions: [],
  evidence: {},
});

const report = (incomplete: boolean, results: CheckResult[]): ReportDocument =>
  buildReport({ tool: { name: "hardcheck", version: "0" }, startedAt: "", finishedAt: "", incomplete, packs: [], targets: [], results, notices: [] });

describe("exitCodeFor", () => {
  it.each([
    { incomplete: false, results: [result("pass", "high")], failOn: "low", code: 0 },
    { incomplete: false, results: [result("fail", "low")], failOn: "high", code: 0 },
    { incomplete: false, results: [result("fail", "high")], failOn: "high", code: 1 },
    { incomplete: false, results: [result("error", "critical")], failOn: "high", code: 1 },
    { incomplete: false, results: [result("fail", "critical")], failOn: "none", code: 0 },
    { incomplete: true, results: [result("pass", "high")], failOn: "low", code: 1 },
    { incomplete: true, results: [], failOn: "none", code: 1 },
  ] as const)("incomplete $incomplete, --fail-on $failOn → $code", ({ incomplete, results, failOn, code }) => {
    expect(exitCodeFor(report(incomplete, [...results]), failOn)).toBe(code);
  });
});
