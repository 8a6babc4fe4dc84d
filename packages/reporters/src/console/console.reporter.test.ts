import { buildReport, type CheckResult, parseReport, type Status } from "@hardcheck/core";
import { describe, expect, it } from "vitest";
import { jsonReporter } from "../json/json.reporter.js";
import { renderConsole } from "./console.reporter.js";

const result = (ruleId: string, status: Status, extra: Partial<CheckResult> = {}): CheckResult => ({
  ruleId,
  pack: "p",
  checklistRef: null,
  section: null,
  title: `title of ${ruleId}`,
  severity: "high",
  target: "web",
  endpoint: "tls://web:443",
  status,
  message: `message of ${ruleId}`,
  conditions: [],
  evidence: {},
  ...extra,
});

const report = buildReport({
  tool: { name: "hardcheck", version: "0" },
  startedAt: "2026-01-01T00:00:00.000Z",
  finishedAt: "2026-01-01T00:00:01.000Z",
  incomplete: false,
  packs: [{ id: "p", title: "P", version: "1" }],
  targets: [
    { id: "web", host: null, os: null, tags: [], endpoints: ["tls://web:443"] },
    { id: "down", host: null, os: null, tags: [], endpoints: ["tls://down:443"] },
  ],
  results: [
    result("A-PASS", "pass"),
    result("B-FAIL", "fail", {
      conditions: [
        { where: "all[0]", fact: "tls.leaf", path: "selfSigned", operator: "equal", expected: false, actual: true, outcome: "fail", name: "not self-signed" },
      ],
    }),
    result("C-MANUAL", "manual", { endpoint: null, message: "Is the rack locked?" }),
    result("D-ERR", "error", { target: "down", endpoint: "tls://down:443", message: "connect ECONNREFUSED" }),
    result("E-ERR", "error", { target: "down", endpoint: "tls://down:443", message: "connect ECONNREFUSED" }),
  ],
  notices: [{ level: "warning", code: "HC_WAIVER_EXPIRED", message: "waiver for X expired" }],
});

describe("console reporter", () => {
  const text = renderConsole(report, {});

  it("lists failures before manual items, spells out failing conditions, and hides passes unless verbose", () => {
    const web = text.slice(text.indexOf("web  "));
    expect(web.indexOf("B-FAIL")).toBeLessThan(web.indexOf("C-MANUAL"));
    expect(text).toContain("not self-signed: tls.leaf.selfSigned equal false — got true");
    expect(text).not.toContain("A-PASS");
    expect(renderConsole(report, { verbose: true })).toContain("A-PASS");
  });

  it("says one reason shared by several errors on an endpoint once", () => {
    expect(text).toContain("ERROR  2 checks tls://down:443: D-ERR, E-ERR");
    expect(text.match(/connect ECONNREFUSED/g)).toHaveLength(1);
  });

  it("ends with notices and the summary line; colour only when asked", () => {
    expect(text).toContain("WARNING waiver for X expired");
    expect(text.trimEnd().split("\n").at(-1)).toBe("5 checks: 1 passed, 1 failed, 2 errors, 1 manual, 0 waived, 0 not applicable");
    expect(text).not.toContain("\u001b[");
    expect(renderConsole(report, { color: true })).toContain("\u001b[31mFAIL");
  });
});

describe("console reporter with a baseline", () => {
  it("marks failures that are new since the baseline and counts them in the summary line", () => {
    const baseline = { ...report, results: report.results.filter((r) => r.ruleId !== "B-FAIL") };
    const text = renderConsole(report, { baseline });
    expect(text).toContain("FAIL   high     NEW B-FAIL tls://web:443");
    expect(text.trimEnd().split("\n").at(-1)).toMatch(/ — 1 new since the baseline$/);
    expect(renderConsole(report, { baseline: report })).not.toContain("NEW B-FAIL");
  });
});

describe("json reporter", () => {
  it("writes the document itself, which parses back to the same value", () => {
    expect(parseReport(JSON.parse(String(jsonReporter.render(report, {}))), "hardcheck.json")).toEqual(report);
  });
});
