import { describe, expect, it } from "vitest";
import { sampleReport, sampleResult } from "../../test/sample-report.js";
import { diffReports, renderDiffText } from "./diff.js";

describe("report diff", () => {
  const before = sampleReport("2026-02-01T00:00:00.000Z", [
    sampleResult("DEMO-CERT", "pbx", "sips://pbx.example:5061", "fail", { evidence: { "tls.leaf": { selfSigned: true, serial: "01" } } }),
    sampleResult("DEMO-TLS-VERSION", "pbx", "sips://pbx.example:5061", "fail"),
    sampleResult("DEMO-BANNER", "pbx", "sips://pbx.example:5061", "pass", { evidence: { "smtp.banner": "220 hello" } }),
    sampleResult("DEMO-RACK", "old-host", null, "fail"),
    sampleResult("DEMO-TLS-VERSION", "edge", "tls://edge.example:443", "fail"),
  ]);
  const after = sampleReport("2026-03-01T00:00:00.000Z", [
    sampleResult("DEMO-CERT", "pbx", "sips://pbx.example:5061", "fail", { evidence: { "tls.leaf": { serial: "02", selfSigned: true } } }),
    sampleResult("DEMO-TLS-VERSION", "pbx", "sips://pbx.example:5061", "pass"),
    sampleResult("DEMO-BANNER", "pbx", "sips://pbx.example:5061", "pass", { evidence: { "smtp.banner": "220 hi" } }),
    sampleResult("DEMO-RACK", "pbx", null, "fail"),
    // The target went dark: an error where there was a failure is not a fix.
    sampleResult("DEMO-TLS-VERSION", "edge", "tls://edge.example:443", "error"),
  ]);
  const diff = diffReports(before, after);

  it.each([
    ["newFailures", ["DEMO-RACK pbx"]],
    ["fixed", ["DEMO-TLS-VERSION pbx"]],
    ["notVerified", ["DEMO-TLS-VERSION edge"]],
    ["stillFailing", ["DEMO-CERT pbx"]],
    ["changedEvidence", ["DEMO-BANNER pbx", "DEMO-CERT pbx"]],
    ["disappearedFailures", ["DEMO-RACK old-host"]],
  ] as const)("%s", (field, expected) => {
    const entries = diff[field] as ReadonlyArray<{ ruleId?: string; target?: string; after?: { ruleId: string; target: string } }>;
    expect(entries.map((entry) => (entry.after ? `${entry.after.ruleId} ${entry.after.target}` : `${entry.ruleId} ${entry.target}`))).toEqual(expected);
  });

  it("prints a summary line and names the facts whose evidence changed", () => {
    const text = renderDiffText(diff);
    expect(text.split("\n")[0]).toBe(
      "1 new failure(s), 1 fixed, 1 no longer verified, 1 still failing, 2 with changed evidence, 1 failing before and no longer scanned",
    );
    expect(text).toContain("DEMO-CERT pbx sips://pbx.example:5061 (fail): tls.leaf");
  });

  it("finds nothing between a report and itself", () => {
    const same = diffReports(after, after);
    expect([same.newFailures, same.fixed, same.notVerified, same.changedEvidence, same.disappearedFailures].map((list) => list.length)).toEqual([
      0, 0, 0, 0, 0,
    ]);
  });
});
