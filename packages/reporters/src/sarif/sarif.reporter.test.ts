import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { type CheckResult, resultsWithRules } from "@hardcheck/core";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { expectGolden, sampleReport, sampleResult } from "../../test/sample-report.js";
import { buildSarif, sarifReporter, sarifStream } from "./sarif.reporter.js";

const require = createRequire(import.meta.url);
const sarifSchema = JSON.parse(readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"));
// The official schema is draft-04 and uses patterns that are not valid with the `u` flag.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(sarifSchema);

interface SarifResultView {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
    logicalLocations: Array<{ fullyQualifiedName: string }>;
  }>;
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: string; justification: string }>;
  baselineState?: string;
  properties?: Record<string, unknown>;
}
interface SarifRuleView {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  properties: { tags: string[]; "security-severity": string };
}
interface SarifRunView {
  tool: { driver: { rules: SarifRuleView[] } };
  results: SarifResultView[];
  automationDetails: { id: string };
  invocations: Array<{
    executionSuccessful: boolean;
    toolExecutionNotifications: Array<{ level: string; message: { text: string }; descriptor: { id: string } }>;
  }>;
}
const runOf = (log: unknown) => (log as { runs: SarifRunView[] }).runs;

describe("SARIF reporter", () => {
  const report = sampleReport();
  const text = String(sarifReporter.render(report, {}));
  const [run] = runOf(JSON.parse(text));
  if (!run) throw new Error("no run");

  it("matches the golden file, which is valid against the SARIF 2.1.0 schema", async () => {
    await expectGolden(resolve(import.meta.dirname, "golden/sample.sarif"), text);
    const valid = validateSarif(JSON.parse(text));
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("the schema check can fail: a result without a message is rejected", () => {
    const broken = JSON.parse(text);
    delete broken.runs[0].results[0].message;
    expect(validateSarif(broken)).toBe(false);
  });

  it("gives every result a physical location with a file and a line ≥ 1, and target/endpoint as logical location", () => {
    expect(run.results.length).toBeGreaterThan(0);
    for (const result of run.results) {
      const [where] = result.locations;
      expect(where?.physicalLocation.artifactLocation.uri).toMatch(/\S/);
      expect(where?.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
      expect(where?.logicalLocations[0]?.fullyQualifiedName).toMatch(/^(mail|pbx)/);
    }
    const cert = run.results.find((result) => result.ruleId === "DEMO-CERT" && !result.suppressions);
    expect(cert?.locations[0]?.physicalLocation.region.startLine).toBe(11);
    expect(cert?.locations[0]?.logicalLocations[0]?.fullyQualifiedName).toBe("pbx/sips://pbx.example:5061");
    expect(cert?.message.text).toContain("pbx sips://pbx.example:5061");
  });

  it("points each alert at the config line that defines its endpoint or target, with the rule's file as related location", () => {
    const located = (ruleId: string, target: string, endpoint: string | null) => {
      const log = buildSarif(sampleReport(undefined, [sampleResult(ruleId, target, endpoint, "fail")]), { configFile: "elsewhere.yaml" });
      const [result] = (runOf(log)[0]?.results ?? []) as Array<SarifResultView & { relatedLocations?: unknown[] }>;
      return { at: result?.locations[0]?.physicalLocation, related: result?.relatedLocations };
    };
    const rule = { id: 1, physicalLocation: { artifactLocation: { uri: "@hardcheck/checklists/packs/demo-pack.yaml" }, region: { startLine: 70 } } };
    expect(located("DEMO-CERT", "pbx", "sips://pbx.example:5061")).toEqual({
      at: { artifactLocation: { uri: "ops/hardcheck.yaml" }, region: { startLine: 11 } },
      related: [{ ...rule, message: { text: "rule DEMO-CERT in pack demo-pack" } }],
    });
    expect(located("DEMO-CERT", "mail", "tls://mail.example:465").at).toEqual({ artifactLocation: { uri: "ops/hardcheck.yaml" }, region: { startLine: 7 } });
    // A host-level result is located at the target.
    expect(located("DEMO-RACK", "pbx", null).at).toEqual({ artifactLocation: { uri: "ops/hardcheck.yaml" }, region: { startLine: 8 } });
  });

  it("falls back to the scanned config file when the report records no config lines, and to the rule's file without one", () => {
    const withoutLines = (report: ReturnType<typeof sampleReport>) => ({
      ...report,
      targets: report.targets.map(({ source: _source, endpointLines: _lines, ...target }) => target),
    });
    const { source: _dropped, ...withoutSource } = sampleResult("DEMO-CERT", "pbx", null, "fail");
    const log = buildSarif(withoutLines(sampleReport(undefined, [withoutSource as CheckResult])), { configFile: "ops/hardcheck.yaml" });
    expect(runOf(log)[0]?.results[0]?.locations[0]?.physicalLocation).toEqual({ artifactLocation: { uri: "ops/hardcheck.yaml" }, region: { startLine: 1 } });
    const bare = buildSarif(withoutLines(sampleReport(undefined, [sampleResult("DEMO-CERT", "pbx", null, "fail")])));
    expect(runOf(bare)[0]?.results[0]?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: "@hardcheck/checklists/packs/demo-pack.yaml" },
      region: { startLine: 70 },
    });
  });

  it("describes every rule with short and full description, help text and markdown, tags and security-severity as a string", () => {
    const rules = run.tool.driver.rules;
    expect(rules.map((rule) => rule.id)).toEqual(["DEMO-TLS-VERSION", "DEMO-BANNER", "DEMO-RACK", "DEMO-CERT"]);
    for (const rule of rules) {
      expect(rule.shortDescription.text).toMatch(/\S/);
      expect(rule.fullDescription.text).toMatch(/\S/);
      expect(rule.help.text).toMatch(/Checklist item CL-/);
      expect(rule.help.markdown).toMatch(/\*\*How to fix it\.\*\*/);
      expect(rule.properties.tags).toContain("security");
      expect(typeof rule.properties["security-severity"]).toBe("string");
    }
    expect(rules.find((rule) => rule.id === "DEMO-CERT")?.properties["security-severity"]).toBe("9.5");
    for (const result of run.results) expect(rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
  });

  it("keeps fingerprints stable across runs and distinct per rule, target and endpoint", () => {
    const later = runOf(buildSarif(sampleReport("2026-04-01T00:00:00.000Z")))[0];
    const prints = run.results.map((result) => result.partialFingerprints["hardcheckFinding/v1"]);
    expect(later?.results.map((result) => result.partialFingerprints["hardcheckFinding/v1"])).toEqual(prints);
    expect(new Set(prints).size).toBe(prints.length);
  });

  it("has one run with automationDetails.id, waived results as suppressions (or left out), errors as notifications", () => {
    expect(runOf(JSON.parse(text))).toHaveLength(1);
    expect(run.automationDetails.id).toBe("hardcheck/");
    const waived = run.results.filter((result) => result.suppressions);
    expect(waived).toHaveLength(1);
    expect(waived[0]?.suppressions?.[0]?.justification).toContain("approved by CISO office, until 2026-06-30");
    const omitted = runOf(buildSarif(report, { waived: "omit" }))[0];
    expect(omitted?.results.some((result) => result.suppressions)).toBe(false);
    expect(run.results.map((result) => result.ruleId)).not.toContain("DEMO-RACK");
    const errors = run.invocations[0]?.toolExecutionNotifications.filter((notification) => notification.level === "error") ?? [];
    expect(errors.map((error) => error.message.text)).toEqual(["DEMO-CERT on mail smtp://mail.example:25: connect ECONNREFUSED 127.0.0.1:25"]);
    expect(run.results.some((result) => result.message.text.includes("ECONNREFUSED"))).toBe(false);
  });

  it("keeps the most severe results within the per-run limit and says how many were left out", () => {
    const many = Array.from({ length: 30 }, (_, index) =>
      sampleResult(index % 3 === 0 ? "DEMO-CERT" : "DEMO-BANNER", `t${String(index).padStart(2, "0")}`, null, "fail"),
    );
    const limited = runOf(buildSarif(sampleReport(undefined, many), { maxResults: 10 }))[0];
    expect(limited?.results).toHaveLength(10);
    expect(limited?.results.every((result) => result.ruleId === "DEMO-CERT")).toBe(true);
    expect(limited?.invocations[0]?.toolExecutionNotifications.map((n) => n.descriptor.id)).toContain("HC_SARIF_TRUNCATED");
    // Every finding is counted, though only the ten that will be listed are held on the way.
    expect(limited?.invocations[0]?.toolExecutionNotifications.map((n) => n.message.text)).toContain(
      "20 of 30 findings left out to stay within 10 results per run (least severe first)",
    );
    expect(limited?.results.map((result) => (result.properties as { target: string }).target)).toEqual(
      Array.from({ length: 10 }, (_, index) => `t${String(index * 3).padStart(2, "0")}`),
    );
    expect(validateSarif(buildSarif(sampleReport(undefined, many), { maxResults: 10 }))).toBe(true);
  });

  it("holds no more findings than it lists when the severe ones come last, and caps the checks that could not run", () => {
    const id = (prefix: string, index: number) => `${prefix}${String(index).padStart(2, "0")}`;
    const results = [
      ...Array.from({ length: 15 }, (_, index) => sampleResult("DEMO-BANNER", id("a", index), null, "fail")),
      ...Array.from({ length: 9 }, (_, index) => sampleResult("DEMO-CERT", id("b", index), null, "fail")),
      ...Array.from({ length: 15 }, (_, index) => sampleResult("DEMO-CERT", id("c", index), null, "error", { message: "connect ECONNREFUSED" })),
    ];
    const run = runOf(buildSarif(sampleReport(undefined, results), { maxResults: 10 }))[0];
    // The nine severe findings push out all but the first of the less severe ones.
    expect(run?.results.map((result) => (result.properties as { target: string }).target)).toEqual([
      "a00",
      ...Array.from({ length: 9 }, (_, index) => id("b", index)),
    ]);
    const notifications = run?.invocations[0]?.toolExecutionNotifications ?? [];
    expect(notifications.filter((notification) => notification.level === "error")).toHaveLength(10);
    expect(notifications.map((notification) => notification.message.text)).toEqual(
      expect.arrayContaining([
        "14 of 24 findings left out to stay within 10 results per run (least severe first)",
        "5 of 15 checks that could not run left out to stay within 10 notifications (hardcheck.json lists them all)",
      ]),
    );
    expect(validateSarif(buildSarif(sampleReport(undefined, results), { maxResults: 10 }))).toBe(true);
  });

  it("writes the log in parts, one result at a time, byte for byte the log written whole", () => {
    const findings = Array.from({ length: 5 }, (_, index) =>
      sampleResult("DEMO-CERT", `t${index}`, "tls://h:443", "fail", { message: `line\nbreak ${index}` }),
    );
    for (const report of [sampleReport(), sampleReport(undefined, findings), sampleReport(undefined, [sampleResult("DEMO-CERT", "t0", null, "pass")])]) {
      const stream = sarifStream();
      stream.start(report);
      const results = resultsWithRules(report);
      for (const id of new Set(results.map((result) => result.target))) {
        stream.target(
          { id },
          results.filter((result) => result.target === id),
        );
      }
      const { head, tail } = stream.end(report);
      const parts = typeof head === "string" ? [head] : [...head];
      const listed = buildSarif(report).runs[0]?.results as unknown[];
      // The text before the first result, one part per result after it, the list's end and the rest.
      expect(parts).toHaveLength(listed.length === 0 ? 2 : listed.length + 2);
      expect(parts.join("") + tail).toBe(String(sarifReporter.render(report, {})));
    }
  });

  it("marks results against a baseline as new, unchanged or updated", () => {
    const baseline = sampleReport(undefined, [
      sampleResult("DEMO-CERT", "pbx", "sips://pbx.example:5061", "fail", { evidence: { "tls.leaf": { selfSigned: true } } }),
    ]);
    const states = runOf(buildSarif(report, { baseline }))[0]?.results.map((result) => `${result.ruleId}:${result.baselineState}`);
    expect(states).toContain("DEMO-CERT:updated");
    expect(states).toContain("DEMO-BANNER:new");
  });
});
