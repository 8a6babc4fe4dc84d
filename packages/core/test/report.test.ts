/** The report document: summary, order, validation, shards and merging. */
import { describe, expect, it } from "vitest";
import { configFromObject } from "../src/config/config.js";
import { HardcheckError } from "../src/errors.js";
import { Hardcheck } from "../src/hardcheck.js";
import type { CheckResult, ReportDocument, Status } from "../src/model/report.js";
import type { Target } from "../src/model/target.js";
import { buildReport, mergeReports, parseReport, parseShard, resultsWithRules, selectShard, summarize } from "../src/report/report.js";
import { serializeReport } from "../src/report/serialize.js";
import { fakeEndpointProbe, fakePlugin, fixedClock, fixture, thrown } from "./support/fakes.js";

function result(fields: Partial<CheckResult> & Pick<CheckResult, "ruleId" | "target">): CheckResult {
  return {
    pack: "p",
    checklistRef: null,
    section: null,
    title: "t",
    severity: "low",
    endpoint: null,
    status: "pass",
    message: "m",
    conditions: [],
    evidence: {},
    ...fields,
  };
}

describe("summarize", () => {
  it.each([
    { statuses: [], counts: { pass: 0, fail: 0, error: 0, manual: 0, waived: 0, notApplicable: 0 } },
    { statuses: ["pass", "pass", "fail"], counts: { pass: 2, fail: 1, error: 0, manual: 0, waived: 0, notApplicable: 0 } },
    {
      statuses: ["not-applicable", "error", "manual", "waived", "not-applicable", "pass"],
      counts: { pass: 1, fail: 0, error: 1, manual: 1, waived: 1, notApplicable: 2 },
    },
  ] satisfies Array<{ statuses: Status[]; counts: ReturnType<typeof summarize> }>)("$statuses", ({ statuses, counts }) => {
    expect(summarize(statuses.map((status, i) => result({ ruleId: `r${i}`, target: "t", status })))).toEqual(counts);
  });
});

describe("buildReport", () => {
  const fullTarget: Target = {
    id: "web",
    host: { spec: "ssh://admin@web", kind: "ssh", location: "web", user: "admin", port: 22 },
    os: "linux",
    tags: ["dmz"],
    endpoints: [{ url: "tls://web:443", scheme: "tls", host: "web", port: 443, path: "/", tags: [] }],
  };

  it("sorts packs, targets, results and notices, drops duplicate notices and counts the summary", () => {
    const report = buildReport({
      tool: { name: "hardcheck", version: "9.9.9" },
      startedAt: "2026-03-01T12:00:00.000Z",
      finishedAt: "2026-03-01T12:00:05.000Z",
      incomplete: false,
      packs: [
        { id: "zeta", title: "Z", version: "1" },
        { id: "alpha", title: "A", version: "2" },
      ],
      targets: [{ id: "mail", host: null, os: null, tags: [], endpoints: ["smtp://mail:25"] }, fullTarget],
      results: [
        result({ pack: "zeta", ruleId: "a", target: "mail", status: "fail" }),
        result({ pack: "alpha", ruleId: "b", target: "web", endpoint: "tls://web:443" }),
        result({ pack: "alpha", ruleId: "b", target: "web", endpoint: null, status: "manual" }),
        result({ pack: "alpha", ruleId: "a", target: "web", endpoint: "tls://web:443" }),
        result({ pack: "alpha", ruleId: "b", target: "mail", endpoint: "smtp://mail:25", status: "error" }),
      ],
      notices: [
        { level: "warning", code: "HC_WAIVER_EXPIRED", message: "b" },
        { level: "info", code: "HC_A", message: "x" },
        { level: "warning", code: "HC_WAIVER_EXPIRED", message: "a" },
        { level: "warning", code: "HC_WAIVER_EXPIRED", message: "b" },
      ],
    });
    expect(report.packs.map((pack) => pack.id)).toEqual(["alpha", "zeta"]);
    expect(report.targets).toEqual([
      { id: "mail", host: null, os: null, tags: [], endpoints: ["smtp://mail:25"] },
      { id: "web", host: "ssh://admin@web", os: "linux", tags: ["dmz"], endpoints: ["tls://web:443"] },
    ]);
    expect(report.results.map((r) => [r.pack, r.ruleId, r.target, r.endpoint])).toEqual([
      ["zeta", "a", "mail", null],
      ["alpha", "b", "mail", "smtp://mail:25"],
      ["alpha", "b", "web", null],
      ["alpha", "a", "web", "tls://web:443"],
      ["alpha", "b", "web", "tls://web:443"],
    ]);
    expect(report.notices.map((notice) => `${notice.code}:${notice.message}`)).toEqual(["HC_A:x", "HC_WAIVER_EXPIRED:a", "HC_WAIVER_EXPIRED:b"]);
    expect(report.summary).toEqual({ pass: 2, fail: 1, error: 1, manual: 1, waived: 0, notApplicable: 0 });
    expect(report).not.toHaveProperty("shard");
    expect(report.schemaVersion).toBe(4);
  });

  it("records a shard label only when given", () => {
    const parts = { tool: { name: "h", version: "1" }, startedAt: "s", finishedAt: "f", incomplete: true, packs: [], targets: [], results: [], notices: [] };
    expect(buildReport({ ...parts, shard: "2/3" }).shard).toBe("2/3");
    expect(buildReport(parts)).not.toHaveProperty("shard");
  });
});

/** Seven targets, mixed verdicts, a waiver and an attestation: a scan worth sharding. */
async function shardLab() {
  const probe = fakeEndpointProbe(async (endpoint) => {
    const good = endpoint.port % 2 === 0;
    return { facts: { "fake.value": good ? "ok" : "bad", "fake.date": good ? "2099-01-01" : "2026-03-05", "fake.count": 1, "fake.list": [] } };
  });
  const ids = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"];
  const config = configFromObject(
    {
      packs: ["fake-pack"],
      targets: ids.map((id, i) => ({ id, endpoints: [`tls://${id}.test:${8000 + i}`, `tls://${id}.test:9001`] })),
      waivers: [
        { rule: "fake-value-ok", target: "charlie", reason: "migration", approvedBy: "ciso" },
        { rule: "fake-value-ok", target: "echo", reason: "old", approvedBy: "ciso", expires: "2025-12-31" },
      ],
      attestations: [{ rule: "fake-manual", target: "delta", verdict: "pass", by: "alice", at: "2026-02-01T00:00:00Z" }],
    },
    { baseDir: fixture("packs") },
  );
  const hardcheck = await Hardcheck.create({ plugins: [fakePlugin(probe)] });
  const setup = await hardcheck.resolve(config);
  return { hardcheck, config, setup, ids };
}

describe("mergeReports", () => {
  it("merges 3 shards into the unsharded report, apart from the timestamps", async () => {
    const { hardcheck, config, setup, ids } = await shardLab();
    const whole = await hardcheck.run(setup, { clock: fixedClock("2026-03-01T12:00:00Z") });
    const shards: ReportDocument[] = [];
    for (let index = 1; index <= 3; index++) {
      // The selection names the shard; the resolved scan holds its targets and its label.
      const shard = await hardcheck.resolve(config, { shard: `${index}/3` });
      expect(shard.targets).toEqual(selectShard(setup.targets, index, 3));
      expect(shard.shard).toBe(`${index}/3`);
      // Each shard must hold something, or the merge would prove little.
      expect(shard.targets.length).toBeGreaterThan(0);
      shards.push(await hardcheck.run(shard, { clock: fixedClock(`2026-03-01T1${index}:00:00Z`) }));
    }
    expect(shards.map((shard) => shard.shard)).toEqual(["1/3", "2/3", "3/3"]);
    expect(shards.flatMap((shard) => shard.targets.map((target) => target.id)).sort()).toEqual(ids);

    const merged = mergeReports([shards[2], shards[0], shards[1]] as ReportDocument[]);
    const { startedAt, finishedAt, evaluatedAt, ...mergedRest } = merged;
    const { startedAt: _wholeStarted, finishedAt: _wholeFinished, evaluatedAt: _wholeEvaluated, ...wholeRest } = whole;
    expect(mergedRest).toEqual(wholeRest);
    expect([startedAt, finishedAt]).toEqual(["2026-03-01T11:00:00.000Z", "2026-03-01T13:00:00.000Z"]);
    // Shards judged at different instants: the earliest stands for the merged report.
    expect(evaluatedAt).toBe("2026-03-01T11:00:00.000Z");
    // The lab really exercises waivers, expiry notices and attestations.
    expect(whole.summary.waived).toBeGreaterThan(0);
    expect(whole.notices.map((notice) => notice.code)).toContain("HC_WAIVER_EXPIRED");
    expect(whole.results.some((r) => r.attestation)).toBe(true);
  });

  it.each([
    {
      name: "the same shard twice",
      pick: (shards: ReportDocument[]) => [shards[0], shards[0]],
      message: /target \S+ appears in more than one report — shards must not overlap/,
    },
    {
      name: "a result repeated under another target list",
      pick: (shards: ReportDocument[]) => [
        shards[0],
        { ...(shards[1] as ReportDocument), results: [...(shards[1]?.results ?? []), ...(shards[0]?.results.slice(0, 1) ?? [])] },
      ],
      message: /result fake-pack\|\S+ appears twice — shards must not overlap/,
    },
    {
      name: "packs of different versions",
      pick: (shards: ReportDocument[]) => [shards[0], { ...(shards[1] as ReportDocument), packs: [{ id: "fake-pack", title: "x", version: "0.9.0" }] }],
      message: /pack fake-pack appears in versions 1\.0\.0 and 0\.9\.0/,
    },
  ])("refuses $name", async ({ pick, message }) => {
    const { hardcheck, setup } = await shardLab();
    const shards: ReportDocument[] = [];
    for (let index = 1; index <= 2; index++) {
      shards.push(await hardcheck.run({ ...setup, targets: selectShard(setup.targets, index, 2) }, { clock: fixedClock("2026-03-01T12:00:00Z") }));
    }
    const error = await thrown(() => mergeReports(pick(shards) as ReportDocument[]));
    expect(error).toBeInstanceOf(HardcheckError);
    expect((error as HardcheckError).code).toBe("HC_REPORT_INVALID");
    expect((error as HardcheckError).message).toMatch(message);
  });

  it.each([
    {
      name: "a missing shard",
      pick: (s: ReportDocument[]) => [s[0], s[2]],
      message: /^HC_REPORT_INVALID: shard 2\/3 missing — the merged report would leave out its targets; rerun it or merge all 3$/,
    },
    { name: "two missing shards", pick: (s: ReportDocument[]) => [s[1]], message: /shards 1\/3, 3\/3 missing — .*rerun them or merge all 3/ },
    {
      name: "a shard label twice",
      pick: (s: ReportDocument[]) => [s[0], s[1], { ...(s[2] as ReportDocument), shard: "1/3" }],
      message: /shard 1\/3 appears twice/,
    },
    {
      name: "shards of different splits",
      pick: (s: ReportDocument[]) => [s[0], s[1], { ...(s[2] as ReportDocument), shard: "3/4" }],
      message: /split 3 and 4 ways/,
    },
    {
      name: "shards mixed with a whole report",
      pick: (s: ReportDocument[]) => [s[0], s[1], { ...(s[2] as ReportDocument), shard: undefined }],
      message: /some reports are shards/,
    },
  ])("refuses to merge $name: the merged report would silently lack targets", async ({ pick, message }) => {
    const { hardcheck, setup } = await shardLab();
    const shards: ReportDocument[] = [];
    for (let index = 1; index <= 3; index++) {
      shards.push(
        await hardcheck.run({ ...setup, targets: selectShard(setup.targets, index, 3) }, { clock: fixedClock("2026-03-01T12:00:00Z"), shard: `${index}/3` }),
      );
    }
    const error = await thrown(() => mergeReports(pick(shards) as ReportDocument[]));
    expect((error as HardcheckError).code).toBe("HC_REPORT_INVALID");
    expect((error as HardcheckError).message).toMatch(message);
  });

  it("needs at least one report", async () => {
    expect(((await thrown(() => mergeReports([]))) as HardcheckError).code).toBe("HC_USAGE");
  });

  it("marks the merge incomplete when one shard was", async () => {
    const { hardcheck, setup } = await shardLab();
    const complete = await hardcheck.run({ ...setup, targets: selectShard(setup.targets, 1, 2) }, { clock: fixedClock("2026-03-01T12:00:00Z") });
    const cancelled = await hardcheck.run(
      { ...setup, targets: selectShard(setup.targets, 2, 2) },
      { clock: fixedClock("2026-03-01T12:00:00Z"), signal: AbortSignal.abort() },
    );
    const merged = mergeReports([complete, cancelled]);
    expect(merged.incomplete).toBe(true);
    expect(merged.notices.map((notice) => notice.code)).toContain("HC_SCAN_INCOMPLETE");
  });
});

describe("the rules section", () => {
  it("lists every evaluated rule in its pack's order with the text reporters need; merge keeps it; older reports without it still parse", async () => {
    const { hardcheck, setup } = await shardLab();
    const report = await hardcheck.run(setup, { clock: fixedClock("2026-03-01T12:00:00Z") });
    expect(report.rules?.map((rule) => rule.id)).toEqual(setup.rules.map(({ rule }) => rule.id));
    const first = report.rules?.[0];
    const source = setup.rules[0]?.rule;
    expect(first).toMatchObject({
      pack: source?.pack,
      title: source?.title,
      rationale: source?.rationale,
      remediation: source?.remediation,
      manual: source?.manual,
    });
    expect(first?.source?.line).toBeGreaterThan(0);
    const halves = [1, 2].map((index) => ({ ...report, targets: selectShard(report.targets, index, 2), results: [] }));
    expect(mergeReports(halves).rules).toEqual(report.rules);
    // Version 1: every result repeated its rule's fields, and reports before `rules` had none.
    const { rules: _rules, ...rest } = report;
    const older = { ...rest, schemaVersion: 1, results: resultsWithRules(report) };
    const upgraded = parseReport(JSON.parse(JSON.stringify(older)), "old.json");
    expect(upgraded.schemaVersion).toBe(4);
    expect(upgraded.results).toEqual(report.results);
    const brief = (rules: ReportDocument["rules"]) => rules.map((rule) => [rule.id, rule.title, rule.severity]).sort();
    expect(brief(upgraded.rules)).toEqual(brief(report.rules.filter((rule) => report.results.some((result) => result.ruleId === rule.id))));
    expect(resultsWithRules(upgraded)).toEqual(resultsWithRules(report));
    const withRules = parseReport(JSON.parse(JSON.stringify({ ...older, rules: report.rules })), "v1.json");
    expect(JSON.stringify(withRules)).toBe(JSON.stringify(report));
    // Version 2: rules once, but every result carried its evidence and full condition traces.
    const { facts: _facts, conditions: _conditions, ...v3 } = report;
    const v2 = { ...v3, schemaVersion: 2, results: resultsWithRules(report).map(({ checklistRef, section, title, severity, source, ...stored }) => stored) };
    expect(JSON.stringify(parseReport(JSON.parse(JSON.stringify(v2)), "v2.json"))).toBe(JSON.stringify(report));
  });
});

describe("parseReport", () => {
  it("accepts a real report after a JSON round trip", async () => {
    const { hardcheck, setup } = await shardLab();
    const report = await hardcheck.run(setup, { clock: fixedClock("2026-03-01T12:00:00Z") });
    const parsed = parseReport(JSON.parse(serializeReport(report)), "hardcheck.json");
    expect(parsed).toEqual(report);
    // Reporters serialise what they are given: a parsed report keeps the written key order.
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(report));
  });

  const valid = buildReport({
    tool: { name: "h", version: "1" },
    startedAt: "s",
    finishedAt: "f",
    incomplete: false,
    packs: [],
    targets: [],
    results: [],
    notices: [],
  });
  it.each([
    { name: "null", data: null, path: "(document)" },
    { name: "a list", data: [], path: "(document)" },
    { name: "a newer schema version", data: { ...valid, schemaVersion: 5 }, path: "schemaVersion" },
    { name: "no summary", data: { ...valid, summary: undefined }, path: "summary" },
    {
      name: "an unknown status",
      data: { ...valid, results: [{ target: "t", endpoint: null, pack: "p", results: [{ ruleId: "r", status: "maybe", conditions: [] }] }] },
      path: "results.0.results.0.status",
    },
    { name: "a non-integer count", data: { ...valid, summary: { ...valid.summary, pass: 1.5 } }, path: "summary.pass" },
  ])("refuses $name with HC_REPORT_INVALID naming the file and the key", ({ data, path }) => {
    let error: unknown;
    try {
      parseReport(data, "shard-2.json");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HardcheckError);
    const failure = error as HardcheckError;
    expect(failure.code).toBe("HC_REPORT_INVALID");
    expect(failure.issues[0]).toMatchObject({ file: "shard-2.json", path });
    expect(failure.message).toMatch(
      new RegExp(`^HC_REPORT_INVALID: shard-2\\.json ${path.replace(/[().]/g, "\\$&")}: not a hardcheck report \\(schemaVersion 4, 3, 2 or 1\\): `),
    );
  });

  it("refuses a report that holds one check twice, naming the file and the second", () => {
    const check = { ruleId: "r", status: "pass", message: "", conditions: [] };
    const twice = {
      ...valid,
      summary: { ...valid.summary, pass: 2 },
      rules: [],
      results: [{ target: "t", endpoint: null, pack: "p", results: [check, check] }],
    };
    expect(() => parseReport(twice, "edited.json")).toThrow(
      "HC_REPORT_INVALID: edited.json results[1]: result p|r|t| appears twice — a report holds each check once, and shards of one scan must not overlap",
    );
  });
});

describe("shards", () => {
  it.each([
    ["1/1", { index: 1, count: 1 }],
    ["2/4", { index: 2, count: 4 }],
    [" 3/3 ", { index: 3, count: 3 }],
    ["10/12", { index: 10, count: 12 }],
  ] as const)("parseShard(%j)", (spec, expected) => {
    expect(parseShard(spec)).toEqual(expected);
  });

  it.each([["0/3"], ["4/3"], ["1/0"], ["a/b"], ["1-3"], ["1/3/5"], [""], ["-1/3"]])("parseShard(%j) → HC_USAGE with an example", (spec) => {
    let error: unknown;
    try {
      parseShard(spec);
    } catch (caught) {
      error = caught;
    }
    expect((error as HardcheckError).code).toBe("HC_USAGE");
    expect((error as HardcheckError).message).toBe(`HC_USAGE: --shard "${spec}": expected I/N with 1 ≤ I ≤ N, e.g. --shard 2/4`);
  });

  it.each([1, 2, 3, 5, 8])("selectShard puts every target in exactly one of %i shards, stably", (count) => {
    const targets = Array.from({ length: 60 }, (_, i) => ({ id: `target-${i}` }));
    const shards = Array.from({ length: count }, (_, i) => selectShard(targets, i + 1, count));
    const seen = shards.flat().map((target) => target.id);
    expect(seen.sort()).toEqual(targets.map((target) => target.id).sort());
    // Stable: the same split again, also with the targets in another order.
    const reversed = [...targets].reverse();
    for (let i = 0; i < count; i++) {
      expect(
        selectShard(reversed, i + 1, count)
          .map((target) => target.id)
          .sort(),
      ).toEqual(shards[i]?.map((target) => target.id).sort());
    }
    if (count > 1) expect(shards.every((shard) => shard.length > 0)).toBe(true);
  });
});
