/** Version 3 documents: evidence and conditions stored once, read back exactly as written. */
import { describe, expect, it } from "vitest";
import { HardcheckError } from "../src/errors.js";
import type { ConditionTrace, ReportDocument, ReportResult } from "../src/model/report.js";
import type { JsonValue } from "../src/model/values.js";
import { buildReport, parseReport, resultsWithRules } from "../src/report/report.js";
import { serializeReport, serializeReportField, serializeReportFieldParts } from "../src/report/serialize.js";
import { joinResults, storeResults } from "../src/report/tables.js";

const SUITES = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"];
const LEAF = { subject: "CN=web.example", notAfter: "2027-03-05T12:08:20.000Z", keyBits: 2048, altNames: ["DNS:web.example", "DNS:www.web.example"] };

/** A result with its keys in the order scans write them, so key order can be compared too. */
function result(fields: Partial<ReportResult> & Pick<ReportResult, "ruleId" | "target">): ReportResult {
  return {
    ruleId: fields.ruleId,
    pack: fields.pack ?? "p",
    target: fields.target,
    endpoint: fields.endpoint ?? null,
    status: fields.status ?? "pass",
    message: fields.message ?? "all conditions hold",
    conditions: fields.conditions ?? [],
    evidence: fields.evidence ?? {},
  };
}

/** A condition trace with its keys in the order the engine writes them. */
function trace(fields: Partial<ConditionTrace> & Pick<ConditionTrace, "fact">): ConditionTrace {
  return {
    where: fields.where ?? "all[0]",
    fact: fields.fact,
    ...(fields.path !== undefined ? { path: fields.path } : {}),
    operator: fields.operator ?? "equal",
    expected: fields.expected ?? true,
    ...(fields.actual !== undefined ? { actual: fields.actual } : {}),
    outcome: fields.outcome ?? "pass",
    ...(fields.name !== undefined ? { name: fields.name } : {}),
  };
}

const flat = (...results: ReportResult[]) => ({ results, bySource: new Set<string>() });

describe("storeResults and joinResults", () => {
  it.each([
    { name: "no results", ...flat() },
    { name: "a result without evidence or conditions", ...flat(result({ ruleId: "r", target: "t", status: "manual", message: "Is it so?" })) },
    {
      name: "evidence of an endpoint, in the order the rule names its facts",
      ...flat(
        result({
          ruleId: "r",
          target: "t",
          endpoint: "tls://web:443",
          evidence: { "tls.suites": SUITES, "tls.leaf": LEAF, "b.flag": false },
          conditions: [trace({ fact: "tls.leaf", path: "keyBits", operator: "greaterThanInclusive", expected: 2048, actual: 2048 })],
        }),
      ),
    },
    {
      name: "a condition that was not evaluated, and one whose actual value is a whole fact",
      ...flat(
        result({
          ruleId: "r",
          target: "t",
          endpoint: "tls://web:443",
          status: "fail",
          evidence: { "tls.suites": SUITES },
          conditions: [
            trace({ fact: "tls.suites", operator: "contains", expected: "TLS_AES_128_CCM_SHA256", actual: SUITES, outcome: "fail" }),
            trace({ where: "all[1]", fact: "tls.suites", operator: "contains", expected: "x", outcome: "not-evaluated", name: "second" }),
          ],
        }),
      ),
    },
    {
      name: "the same fact with two values on one endpoint (a probe run with other parameters)",
      ...flat(
        result({ ruleId: "a", target: "t", endpoint: "tls://web:443", evidence: { "fake.value": { mode: "one", items: [1, 2, 3, 4, 5, 6] } } }),
        result({ ruleId: "b", target: "t", endpoint: "tls://web:443", evidence: { "fake.value": { mode: "two", items: [1, 2, 3, 4, 5, 6] } } }),
      ),
    },
    {
      name: "evidence by source label, a host source among them",
      results: [
        result({
          ruleId: "multi",
          target: "t",
          status: "fail",
          evidence: { "network tls://web:443": { "tls.versions": ["TLSv1.2", "TLSv1.3"] }, windows: { "host.tls10Enabled": true } },
          conditions: [
            trace({ where: "network tls://web:443: all[0]", fact: "tls.versions", operator: "notContains", expected: "TLSv1", actual: ["TLSv1.2", "TLSv1.3"] }),
            trace({ where: "windows: all[0]", fact: "host.tls10Enabled", expected: false, actual: true, outcome: "fail" }),
          ],
        }),
      ],
      bySource: new Set(["p|multi"]),
    },
    {
      name: "keys that look like labels but belong to a flat fact value",
      ...flat(result({ ruleId: "r", target: "t", evidence: { "windows registry": { "a b": 1 } } })),
    },
  ])("$name reads back exactly as written", ({ results, bySource }) => {
    const stored = storeResults(results, (item) => bySource.has(`${item.pack}|${item.ruleId}`));
    const joined = joinResults(stored);
    expect(joined).toEqual(results);
    // Key order too: reporters serialise what they read.
    expect(JSON.stringify(joined)).toBe(JSON.stringify(results));
  });

  it("stores a value once, however many endpoints and rules read it", () => {
    const endpoints = ["tls://a:443", "tls://b:443", "tls://c:443"];
    const results = endpoints.flatMap((endpoint) =>
      ["TLS-CERT-VALIDITY", "TLS-KEY-SIZE"].map((ruleId) =>
        result({
          ruleId,
          target: "lb",
          endpoint,
          evidence: { "tls.leaf": LEAF, "tls.hostname": { matches: true } },
          conditions: [trace({ fact: "tls.leaf", path: "notAfter", operator: "dateAfter", expected: "now", actual: LEAF.notAfter })],
        }),
      ),
    );
    const stored = storeResults(results, () => false);
    // One record per (target, endpoint, fact); the certificate itself once, the short value each time.
    expect(stored.facts).toEqual([
      { target: "lb", endpoint: "tls://a:443", fact: "tls.hostname", value: { matches: true } },
      { target: "lb", endpoint: "tls://a:443", fact: "tls.leaf", value: LEAF },
      { target: "lb", endpoint: "tls://b:443", fact: "tls.hostname", value: { matches: true } },
      { target: "lb", endpoint: "tls://b:443", fact: "tls.leaf", sameAs: 1 },
      { target: "lb", endpoint: "tls://c:443", fact: "tls.hostname", value: { matches: true } },
      { target: "lb", endpoint: "tls://c:443", fact: "tls.leaf", sameAs: 1 },
    ]);
    expect(stored.conditions).toEqual([{ where: "all[0]", fact: "tls.leaf", path: "notAfter", operator: "dateAfter", expected: "now" }]);
    expect(stored.results[2]).toEqual({
      ruleId: "TLS-CERT-VALIDITY",
      pack: "p",
      target: "lb",
      endpoint: "tls://b:443",
      status: "pass",
      message: "all conditions hold",
      facts: [3, 2],
      // The date found is the certificate's, already in the table.
      conditions: [[0, "pass", null, 3]],
    });
    expect(joinResults(stored)).toEqual(results);
  });

  it("keeps a short actual value inline, and one that is no fact value", () => {
    const results = [
      result({
        ruleId: "r",
        target: "t",
        evidence: { "tls.leaf": LEAF },
        conditions: [
          trace({ fact: "tls.leaf", path: "keyBits", operator: "greaterThanInclusive", expected: 2048, actual: 2048 }),
          trace({
            where: "all[1]",
            fact: "tls.leaf",
            path: "altNames",
            operator: "equal",
            expected: [],
            actual: ["DNS:other.example", "DNS:www.other.example"],
            outcome: "fail",
          }),
        ],
      }),
    ];
    expect(storeResults(results, () => false).results[0]?.conditions).toEqual([
      [0, "pass", 2048],
      [1, "fail", ["DNS:other.example", "DNS:www.other.example"]],
    ]);
  });
});

describe("version 3 documents", () => {
  const document = (): ReportDocument =>
    buildReport({
      tool: { name: "hardcheck", version: "1" },
      startedAt: "2026-03-01T10:00:00.000Z",
      finishedAt: "2026-03-01T10:00:01.000Z",
      incomplete: false,
      packs: [{ id: "p", title: "P", version: "1" }],
      targets: [{ id: "t", host: null, os: null, tags: [], endpoints: ["tls://a:443", "tls://b:443"] }],
      results: ["tls://a:443", "tls://b:443"].map((endpoint) =>
        result({
          ruleId: "r",
          target: "t",
          endpoint,
          evidence: { "tls.leaf": LEAF },
          conditions: [trace({ fact: "tls.leaf", path: "subject", operator: "notEqual", expected: "", actual: LEAF.subject })],
        }),
      ),
      notices: [],
      rules: [{ id: "r", pack: "p", checklistRef: "1.2", section: null, title: "Rule", severity: "high", rationale: "why", remediation: "fix", manual: false }],
    });

  it("is written one record per line and parses back to the same document", () => {
    const report = document();
    const text = serializeReport(report);
    expect(parseReport(JSON.parse(text), "hardcheck.json")).toEqual(report);
    const lines = text.split("\n");
    expect(lines.filter((line) => line.startsWith('{"ruleId":'))).toHaveLength(2);
    expect(lines.filter((line) => line.startsWith('{"target":"t","endpoint":'))).toHaveLength(2);
    expect(lines).toContain('"schemaVersion": 3,');
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("reads back with rule fields, evidence and full conditions", () => {
    const [first] = resultsWithRules(document());
    expect(first).toMatchObject({
      title: "Rule",
      severity: "high",
      checklistRef: "1.2",
      evidence: { "tls.leaf": LEAF },
      conditions: [{ where: "all[0]", fact: "tls.leaf", path: "subject", operator: "notEqual", expected: "", actual: LEAF.subject, outcome: "pass" }],
    });
  });

  const edited = (edit: (data: Record<string, JsonValue>) => void) => {
    const data = JSON.parse(JSON.stringify(document())) as Record<string, JsonValue>;
    edit(data);
    return data;
  };
  const at = (data: Record<string, JsonValue>, ...keys: Array<string | number>) =>
    keys.reduce<JsonValue>((node, key) => (node as Record<string | number, JsonValue>)[key] as JsonValue, data) as Record<string, JsonValue>;

  it.each([
    {
      name: "a result pointing past the fact table",
      data: edited((data) => {
        at(data, "results", 0).facts = [7];
      }),
      path: "results.0.facts.0",
    },
    {
      name: "a fact record referring to a later one",
      data: edited((data) => {
        (data.facts as JsonValue[])[0] = { target: "t", endpoint: "tls://a:443", fact: "tls.leaf", sameAs: 1 };
      }),
      path: "facts.0.sameAs",
    },
    {
      name: "a condition that is not in the table",
      data: edited((data) => {
        (at(data, "results", 1, "conditions") as unknown as JsonValue[])[0] = [3, "pass", "CN=web.example"];
      }),
      path: "results.1.conditions.0.0",
    },
    {
      name: "an actual value in a fact record that is not there",
      data: edited((data) => {
        (at(data, "results", 1, "conditions") as unknown as JsonValue[])[0] = [0, "pass", null, 2];
      }),
      path: "results.1.conditions.0.3",
    },
    {
      name: "a negative index",
      data: edited((data) => {
        at(data, "results", 0).facts = [-1];
      }),
      path: "results.0.facts.0",
    },
  ])("refuses $name with HC_REPORT_INVALID naming the key", ({ data, path }) => {
    let error: unknown;
    try {
      parseReport(data, "edited.json");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HardcheckError);
    expect((error as HardcheckError).code).toBe("HC_REPORT_INVALID");
    expect((error as HardcheckError).issues[0]).toMatchObject({ file: "edited.json", path });
  });
});

describe("serializeReportFieldParts", () => {
  it("gives a field's text in parts of at most the batch size, joining to exactly serializeReportField's text", () => {
    const targets = Array.from({ length: 5 }, (_, i) => ({ id: `t${i}`, tags: [] }));
    const parts = [...serializeReportFieldParts("targets", targets, 2)];

    expect(parts).toHaveLength(4);
    expect(parts.join("")).toBe(serializeReportField("targets", targets));
    expect(parts.join("")).toBe(
      '"targets": [\n{"id":"t0","tags":[]},\n{"id":"t1","tags":[]},\n{"id":"t2","tags":[]},\n{"id":"t3","tags":[]},\n{"id":"t4","tags":[]}\n]',
    );
    for (const value of [[], "x", { a: 1 }, null]) expect([...serializeReportFieldParts("f", value, 2)].join("")).toBe(serializeReportField("f", value));
  });
});
