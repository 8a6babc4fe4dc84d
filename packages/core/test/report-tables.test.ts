/** Report documents since version 3: evidence and conditions stored once, read back exactly as written; version 4's groups. */
import { describe, expect, it } from "vitest";
import { HardcheckError } from "../src/errors.js";
import type { ConditionTrace, ReportDocument, ReportResult } from "../src/model/report.js";
import type { JsonValue } from "../src/model/values.js";
import { fromReportFile, toReportFile } from "../src/report/file.js";
import { buildReport, parseReport, resultsWithRules } from "../src/report/report.js";
import { serializeReport, serializeReportField, serializeReportFieldParts } from "../src/report/serialize.js";
import { joinResults, storeResults } from "../src/report/tables.js";
import { thrown } from "./support/fakes.js";

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

describe("report documents", () => {
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
    // One line per result and fact record; each endpoint's results and facts in a group of their own.
    expect(lines.filter((line) => line.startsWith('{"ruleId":'))).toHaveLength(2);
    expect(lines.filter((line) => line.startsWith('{"fact":'))).toHaveLength(2);
    expect(lines.filter((line) => line.startsWith('{"target":"t","endpoint":'))).toHaveLength(4);
    expect(lines.filter((line) => line === "]}" || line === "]},")).toHaveLength(4);
    expect(lines).toContain('"schemaVersion": 4,');
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
    const data = JSON.parse(serializeReport(document())) as Record<string, JsonValue>;
    edit(data);
    return data;
  };
  const at = (data: Record<string, JsonValue>, ...keys: Array<string | number>) =>
    keys.reduce<JsonValue>((node, key) => (node as Record<string | number, JsonValue>)[key] as JsonValue, data) as Record<string, JsonValue>;

  it.each([
    {
      name: "a result pointing past the fact table",
      data: edited((data) => {
        at(data, "results", 0, "results", 0).facts = [7];
      }),
      path: "results.0.results.0.facts.0",
    },
    {
      name: "a fact record referring to a later one",
      data: edited((data) => {
        (at(data, "facts", 0, "facts") as unknown as JsonValue[])[0] = { fact: "tls.leaf", sameAs: 1 };
      }),
      path: "facts.0.facts.0.sameAs",
    },
    {
      name: "a condition that is not in the table",
      data: edited((data) => {
        (at(data, "results", 1, "results", 0, "conditions") as unknown as JsonValue[])[0] = [3, "pass", "CN=web.example"];
      }),
      path: "results.1.results.0.conditions.0.0",
    },
    {
      name: "an actual value in a fact record that is not there",
      data: edited((data) => {
        (at(data, "results", 1, "results", 0, "conditions") as unknown as JsonValue[])[0] = [0, "pass", null, 2];
      }),
      path: "results.1.results.0.conditions.0.3",
    },
    {
      name: "a negative index",
      data: edited((data) => {
        at(data, "results", 0, "results", 0).facts = [-1];
      }),
      path: "results.0.results.0.facts.0",
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

describe("version 4 groups", () => {
  const targets = [
    { id: "h", host: "ssh://h", os: "linux", tags: [], endpoints: ["tls://h:443", "tls://h:8443"] },
    { id: "w", host: null, os: null, tags: [], endpoints: ["tls://w:443"] },
  ];
  const value = (endpoint: string | null) => ({ "tls.leaf": { ...LEAF, subject: `CN=${endpoint ?? "host"}` } });
  const results = [
    // Handed over out of order: the document sorts them by target, endpoint (host first), pack and rule.
    result({ ruleId: "r2", pack: "b", target: "w", endpoint: "tls://w:443", evidence: value("tls://w:443") }),
    result({ ruleId: "r1", pack: "a", target: "h", endpoint: "tls://h:8443", status: "fail", message: "weak", evidence: value("tls://h:8443") }),
    result({ ruleId: "r1", pack: "a", target: "h", endpoint: "tls://h:443", evidence: value("tls://h:443") }),
    result({ ruleId: "r9", pack: "a", target: "h", endpoint: null, status: "manual", message: "Is it so?" }),
    result({ ruleId: "r0", pack: "b", target: "h", endpoint: "tls://h:443", evidence: value("tls://h:443") }),
    result({ ruleId: "r2", pack: "a", target: "h", endpoint: "tls://h:443", message: "all conditions hold (through: no DHE)" }),
  ];
  const report = buildReport({
    tool: { name: "hardcheck", version: "1" },
    startedAt: "s",
    finishedAt: "f",
    incomplete: false,
    packs: [],
    targets,
    results,
    notices: [],
  });

  it("holds the results in memory flat, sorted by target, endpoint (host-level first), pack and rule", () => {
    expect(report.results.map((r) => `${r.target} ${r.endpoint ?? "-"} ${r.pack} ${r.ruleId}`)).toEqual([
      "h - a r9",
      "h tls://h:443 a r1",
      "h tls://h:443 a r2",
      "h tls://h:443 b r0",
      "h tls://h:8443 a r1",
      "w tls://w:443 b r2",
    ]);
  });

  it("groups fact records by target and endpoint and results by target, endpoint and pack in the file", () => {
    const file = toReportFile(report);
    expect(file.facts.map((group) => [group.target, group.endpoint, group.facts.length])).toEqual([
      ["h", "tls://h:443", 1],
      ["h", "tls://h:8443", 1],
      ["w", "tls://w:443", 1],
    ]);
    expect(file.results.map((group) => [group.target, group.endpoint, group.pack, group.results.map((r) => r.ruleId)])).toEqual([
      ["h", null, "a", ["r9"]],
      ["h", "tls://h:443", "a", ["r1", "r2"]],
      ["h", "tls://h:443", "b", ["r0"]],
      ["h", "tls://h:8443", "a", ["r1"]],
      ["w", "tls://w:443", "b", ["r2"]],
    ]);
    // The usual message is left out; every other one is kept.
    expect(file.results.flatMap((group) => group.results.map((r) => r.message ?? null))).toEqual([
      "Is it so?",
      null,
      "all conditions hold (through: no DHE)",
      null,
      "weak",
      null,
    ]);
    expect(fromReportFile(file)).toEqual(report);
  });

  it("reads back from its text exactly, key order included", () => {
    const text = serializeReport(report);
    expect(text).not.toContain('"message":"all conditions hold"');
    const parsed = parseReport(JSON.parse(text), "hardcheck.json");
    expect(parsed).toEqual(report);
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(report));
    expect(resultsWithRules(parsed).map((r) => r.message)).toEqual(resultsWithRules(report).map((r) => r.message));
  });

  it("reads a version 3 file, whose results were sorted by pack and rule before the endpoint, as a new scan writes it", async () => {
    const v3 = { ...report, schemaVersion: 3, results: [...report.results].sort((a, b) => (a.pack + a.ruleId < b.pack + b.ruleId ? -1 : 1)) };
    const parsed = parseReport(JSON.parse(JSON.stringify(v3)), "v3.json");
    expect(parsed).toEqual(report);
    // Conditions are numbered again in the order the re-sorted results use them: the same text as a new scan.
    expect(serializeReport(parsed)).toBe(serializeReport(report));
    // A broken reference is named by its position in the version 3 file, not after sorting.
    const broken = JSON.parse(JSON.stringify(v3)) as { results: { ruleId: string; endpoint: string | null; facts?: number[] }[] };
    // A result with facts that sorting moves: the file's position and the sorted one differ.
    const sortedAt = (i: number) =>
      report.results.findIndex((result) => result.ruleId === broken.results[i]?.ruleId && result.endpoint === broken.results[i]?.endpoint);
    const at = broken.results.findIndex((result, i) => result.facts !== undefined && sortedAt(i) !== i);
    expect(at).toBeGreaterThanOrEqual(0);
    (broken.results[at] as { facts: number[] }).facts = [99];
    expect(await thrownIssue(() => parseReport(broken, "v3.json"))).toMatchObject({ path: `results.${at}.facts.0` });
  });

  it("refuses a group without records and a result without its rule, naming the group", async () => {
    const data = JSON.parse(serializeReport(report)) as { results: { results: unknown[] }[] };
    const empty = structuredClone(data);
    (empty.results[0] as { results: unknown[] }).results = [];
    expect(await thrownIssue(() => parseReport(empty, "edited.json"))).toMatchObject({ file: "edited.json", path: "results.0.results" });
    const noRule = structuredClone(data);
    delete ((noRule.results[1] as { results: Record<string, unknown>[] }).results[0] as Record<string, unknown>).ruleId;
    expect(await thrownIssue(() => parseReport(noRule, "edited.json"))).toMatchObject({ file: "edited.json", path: "results.1.results.0.ruleId" });
  });
});

/** The first issue of the HardcheckError `run` throws. */
async function thrownIssue(run: () => unknown): Promise<unknown> {
  const error = await thrown(run);
  expect(error).toBeInstanceOf(HardcheckError);
  return (error as HardcheckError).issues[0];
}
