/** End-to-end scans on fake probes registered by value: scheduling, failures, scopes, waivers, secrets. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { configFromObject } from "../src/config/config.js";
import { Hardcheck } from "../src/hardcheck.js";
import type { ReportDocument, ReportResult, StoredResult } from "../src/model/report.js";
import type { JsonObject } from "../src/model/values.js";
import { defineProbe, type HostProbe, notApplicable, type Probe, type ProbeDeps } from "../src/plugin/probe.js";
import { defineTransport } from "../src/plugin/transport.js";
import { compareResults, resultsWithRules } from "../src/report/report.js";
import type { ScanSelection } from "../src/scan/resolve.js";
import type { ScanOptions } from "../src/scan/scanner.js";
import { reportTablesFor } from "../src/scan/write.js";
import { fakeEndpointProbe, fixedClock, ruleData, when, writePack } from "./support/fakes.js";

const clock = fixedClock("2026-03-01T12:00:00Z");
let workDir = "";

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "hardcheck-scan-"));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

interface Lab {
  readonly probes: readonly Probe[];
  readonly rules: readonly JsonObject[];
  /** Everything of the config but `packs` (validated by configFromObject, like a parsed file). */
  readonly config: Readonly<Record<string, unknown>>;
}

/** Writes the lab's pack, registers its probes and scans. */
async function scan(lab: Lab, options: ScanOptions & { selection?: ScanSelection } = {}): Promise<ReportDocument> {
  const packFile = await writePack(workDir, "scan", lab.rules);
  const config = configFromObject({ packs: [packFile], ...lab.config }, { file: "scan.yaml", baseDir: workDir });
  const hardcheck = await Hardcheck.create({
    plugins: [
      (context) => {
        for (const probe of lab.probes) context.registerProbe(probe);
        context.registerTransport(localStub);
      },
    ],
  });
  return hardcheck.scan(config, { clock, ...options });
}

/** A local: transport with nothing behind it: the host probes here read no files. */
const localStub = defineTransport({
  kind: "local",
  description: "nothing",
  open: async () => ({
    kind: "local",
    canExec: false,
    readFile: async () => undefined,
    listDir: async () => undefined,
    stat: async () => undefined,
    exec: () => Promise.reject(new Error("no commands here")),
    close: async () => {},
  }),
});

/** The fields a table compares. */
const row = (result: StoredResult) => [result.ruleId, result.target, result.endpoint, result.status, result.message];

const VALUE_RULE = ruleData("value-ok", { conditions: when("fake.value", "equal", "ok") });
const COUNT_RULE = ruleData("count-positive", { conditions: when("fake.count", "greaterThan", 0) });
const LIST_RULE = ruleData("list-has-a", { conditions: when("fake.list", "setContains", ["a"]) });

/** A probe answering per host: `good.*` hosts pass every rule above, others fail them. */
function hostDependentProbe(calls: string[] = []) {
  return fakeEndpointProbe(async (endpoint, params) => {
    calls.push(`${endpoint.url} ${JSON.stringify(params)}`);
    const good = endpoint.host.startsWith("good");
    return { facts: { "fake.value": good ? "ok" : "bad", "fake.date": "2099-01-01", "fake.count": good ? 2 : 0, "fake.list": good ? ["a"] : [] } };
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("verdicts", () => {
  it("passes and fails with evidence and a message that explains the failure", async () => {
    const report = await scan({
      probes: [hostDependentProbe()],
      rules: [VALUE_RULE],
      config: {
        targets: [
          { id: "good", endpoints: ["tls://good.test"] },
          { id: "bad", endpoints: ["tls://bad.test"] },
        ],
      },
    });
    expect(report.results.map(row)).toEqual([
      ["value-ok", "bad", "tls://bad.test:443", "fail", 'fake.value equal "ok" — got "bad"'],
      ["value-ok", "good", "tls://good.test:443", "pass", "all conditions hold"],
    ]);
    expect(resultsWithRules(report)[0]?.evidence).toEqual({ "fake.value": "bad" });
    expect(resultsWithRules(report)[0]?.conditions).toEqual([
      { where: "all[0]", fact: "fake.value", operator: "equal", expected: "ok", actual: "bad", outcome: "fail" },
    ]);
    expect(report.results[0]).not.toHaveProperty("source");
    expect(report.rules[0]?.source).toEqual({ file: join(workDir, "scan.json"), line: 6 });
    expect(report.summary).toEqual({ pass: 1, fail: 1, error: 0, manual: 0, waived: 0, notApplicable: 0 });
    expect(report.incomplete).toBe(false);
  });

  it("runs a probe once per (endpoint, params), shared by every rule that reads it", async () => {
    const calls: string[] = [];
    const deepRule = (id: string) =>
      ruleData(id, {
        parameters: { depth: { default: "deep", description: "How hard the probe looks." } },
        probeParams: { "fake-endpoint": { mode: { param: "depth" } } },
        conditions: when("fake.value", "equal", "ok"),
      });
    const report = await scan({
      probes: [hostDependentProbe(calls)],
      rules: [VALUE_RULE, COUNT_RULE, LIST_RULE, deepRule("deep-one"), deepRule("deep-two")],
      config: { targets: [{ id: "web", endpoints: ["tls://good.test:443", "tls://good.test:8443"] }] },
    });
    expect(report.summary.pass).toBe(10);
    expect(calls.sort()).toEqual([
      'tls://good.test:443 {"mode":"deep"}',
      "tls://good.test:443 {}",
      'tls://good.test:8443 {"mode":"deep"}',
      "tls://good.test:8443 {}",
    ]);
  });
});

describe("probe failures", () => {
  const otherProbe = fakeEndpointProbe(async () => ({ facts: { "other.ready": true } }), { id: "other-probe", facts: ["other.ready"] });
  const otherRule = ruleData("other-ready", { conditions: when("other.ready", "equal", true) });
  const bothRule = ruleData("both", {
    conditions: {
      all: [
        { fact: "other.ready", operator: "equal", value: true },
        { fact: "fake.value", operator: "equal", value: "ok" },
      ],
    },
  });

  it("turns a throwing probe into error for its checks only; the rest go on", async () => {
    const throwing = fakeEndpointProbe(async () => {
      throw new Error("connection reset by peer");
    });
    const report = await scan({
      probes: [throwing, otherProbe],
      rules: [VALUE_RULE, otherRule, bothRule],
      config: { targets: [{ id: "web", endpoints: ["tls://web.test"] }] },
    });
    expect(report.results.map(row)).toEqual([
      ["both", "web", "tls://web.test:443", "error", "probe fake-endpoint failed: connection reset by peer"],
      ["other-ready", "web", "tls://web.test:443", "pass", "all conditions hold"],
      ["value-ok", "web", "tls://web.test:443", "error", "probe fake-endpoint failed: connection reset by peer"],
    ]);
  });

  it("times a probe that never resolves out after limits.probeTimeoutMs and aborts its signal", async () => {
    let signal: AbortSignal | undefined;
    const hanging = fakeEndpointProbe((_endpoint, _params, deps) => {
      signal = deps.signal;
      return new Promise(() => {});
    });
    const started = Date.now();
    const report = await scan({
      probes: [hanging, otherProbe],
      rules: [VALUE_RULE, otherRule],
      config: { targets: [{ id: "web", endpoints: ["tls://web.test"] }], limits: { probeTimeoutMs: 100 } },
    });
    const elapsed = Date.now() - started;
    expect(report.results.map(row)).toEqual([
      ["other-ready", "web", "tls://web.test:443", "pass", "all conditions hold"],
      ["value-ok", "web", "tls://web.test:443", "error", "probe fake-endpoint timed out after 100 ms"],
    ]);
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(5_000);
    expect(signal?.aborted).toBe(true);
    expect(report.incomplete).toBe(false);
  });

  it("reports not-applicable when the probe says so", async () => {
    const declining = fakeEndpointProbe(async () => notApplicable("the server offers no STARTTLS"));
    const report = await scan({ probes: [declining], rules: [VALUE_RULE], config: { targets: [{ id: "mail", endpoints: ["tls://mail.test"] }] } });
    expect(report.results.map(row)).toEqual([["value-ok", "mail", "tls://mail.test:443", "not-applicable", "the server offers no STARTTLS"]]);
  });

  it("turns a declared fact the probe did not produce into error, naming probe and fact", async () => {
    const forgetful = fakeEndpointProbe(async () => ({ facts: { "fake.value": "ok" } }));
    const report = await scan({ probes: [forgetful], rules: [VALUE_RULE, COUNT_RULE], config: { targets: [{ id: "web", endpoints: ["tls://web.test"] }] } });
    expect(report.results.map(row)).toEqual([
      ["count-positive", "web", "tls://web.test:443", "error", 'probe fake-endpoint did not produce fact "fake.count"'],
      ["value-ok", "web", "tls://web.test:443", "pass", "all conditions hold"],
    ]);
  });

  it("passes on only the facts a probe declares, so an undeclared one cannot shadow another probe's fact", async () => {
    const narrow = fakeEndpointProbe(async () => ({ facts: { "fake.value": "bad", "fake.count": 5 } }), { id: "narrow", facts: ["fake.value"] });
    const counter = fakeEndpointProbe(async () => ({ facts: { "fake.count": 0 } }), { id: "counter", facts: ["fake.count"] });
    const report = await scan({ probes: [narrow, counter], rules: [COUNT_RULE], config: { targets: [{ id: "web", endpoints: ["tls://web.test"] }] } });
    expect(report.results.map(row)).toEqual([["count-positive", "web", "tls://web.test:443", "fail", "fake.count greaterThan 0 — got 0"]]);
  });

  it("probes an endpoint listed by two targets once per target, each run seeing its own target", async () => {
    const seen: string[] = [];
    const probe = fakeEndpointProbe(
      async (_endpoint, _params, deps) => {
        seen.push(deps.target.id);
        return { facts: { "fake.value": deps.target.id === "a" ? "ok" : "bad" } };
      },
      { facts: ["fake.value"] },
    );
    const report = await scan({
      probes: [probe],
      rules: [VALUE_RULE],
      config: {
        targets: [
          { id: "a", endpoints: ["tls://shared.test"] },
          { id: "b", endpoints: ["tls://shared.test"] },
        ],
      },
    });
    expect(seen.sort()).toEqual(["a", "b"]);
    expect(report.results.map((result) => `${result.target}:${result.status}`)).toEqual(["a:pass", "b:fail"]);
  });

  it("turns a probe returning no facts object into error", async () => {
    const broken = fakeEndpointProbe(async () => JSON.parse("null"));
    const report = await scan({ probes: [broken], rules: [VALUE_RULE], config: { targets: [{ id: "web", endpoints: ["tls://web.test"] }] } });
    expect(report.results.map(row)).toEqual([["value-ok", "web", "tls://web.test:443", "error", "probe fake-endpoint returned no facts object"]]);
  });
});

describe("concurrency limits", () => {
  /** A slow probe that records the most runs in flight, in total and on one host. */
  function inFlightTrackingProbe() {
    const inFlight = new Map<string, number>();
    const stats = { maxTotal: 0, maxPerHost: 0, runs: 0 };
    let total = 0;
    const probe = fakeEndpointProbe(async (endpoint) => {
      stats.runs++;
      total++;
      const onHost = (inFlight.get(endpoint.host) ?? 0) + 1;
      inFlight.set(endpoint.host, onHost);
      stats.maxTotal = Math.max(stats.maxTotal, total);
      stats.maxPerHost = Math.max(stats.maxPerHost, onHost);
      await sleep(15);
      inFlight.set(endpoint.host, (inFlight.get(endpoint.host) ?? 1) - 1);
      total--;
      return { facts: { "fake.value": "ok" } };
    });
    return { probe, stats };
  }

  it.each([
    { name: "global limit across hosts", hosts: 10, portsPerHost: 1, limits: { concurrency: 3 }, maxTotal: 3, maxPerHost: 1 },
    { name: "per-host limit on one host", hosts: 1, portsPerHost: 8, limits: { concurrency: 32, perHost: 2 }, maxTotal: 2, maxPerHost: 2 },
    { name: "both limits together", hosts: 3, portsPerHost: 4, limits: { concurrency: 4, perHost: 2 }, maxTotal: 4, maxPerHost: 2 },
    { name: "defaults: 4 per host", hosts: 1, portsPerHost: 9, limits: {}, maxTotal: 4, maxPerHost: 4 },
  ])("$name", async ({ hosts, portsPerHost, limits, maxTotal, maxPerHost }) => {
    const { probe, stats } = inFlightTrackingProbe();
    const targets = Array.from({ length: hosts }, (_, h) => ({
      id: `host-${h}`,
      endpoints: Array.from({ length: portsPerHost }, (_, p) => `tls://h${h}.test:${9000 + p}`),
    }));
    const report = await scan({ probes: [probe], rules: [VALUE_RULE], config: { targets, limits } });
    expect(report.summary.pass).toBe(hosts * portsPerHost);
    expect(stats.runs).toBe(hosts * portsPerHost);
    // Reaching the limit (not only staying under it) shows the runs really overlap up to it.
    expect(stats.maxTotal).toBe(maxTotal);
    expect(stats.maxPerHost).toBe(maxPerHost);
  });
});

describe("scan timeout and cancellation", () => {
  const hangingProbe = (started: string[] = []) =>
    fakeEndpointProbe((endpoint) => {
      started.push(endpoint.url);
      return endpoint.host.startsWith("fast") ? Promise.resolve({ facts: { "fake.value": "ok" } }) : new Promise(() => {});
    });

  it("stops at limits.scanTimeoutMs: unfinished checks become error, the report is incomplete", async () => {
    const started: string[] = [];
    const begin = Date.now();
    const report = await scan({
      probes: [hangingProbe(started)],
      rules: [VALUE_RULE, ruleData("ask", { manual: true, prompt: "Is the door locked?" })],
      config: {
        targets: [
          { id: "fast", endpoints: ["tls://fast.test"] },
          { id: "slow", endpoints: ["tls://slow.test:1", "tls://slow.test:2"] },
        ],
        limits: { scanTimeoutMs: 150, probeTimeoutMs: 60_000, perHost: 1 },
      },
    });
    expect(Date.now() - begin).toBeLessThan(5_000);
    expect(report.incomplete).toBe(true);
    expect(report.results.map(row)).toEqual([
      ["ask", "fast", null, "manual", "Is the door locked?"],
      ["value-ok", "fast", "tls://fast.test:443", "pass", "all conditions hold"],
      ["ask", "slow", null, "manual", "Is the door locked?"],
      ["value-ok", "slow", "tls://slow.test:1", "error", "probe fake-endpoint stopped: scan timed out after 150 ms"],
      ["value-ok", "slow", "tls://slow.test:2", "error", "not run: scan timed out after 150 ms"],
    ]);
    // perHost 1: the second slow endpoint waited behind the first and never started.
    expect(started.sort()).toEqual(["tls://fast.test:443", "tls://slow.test:1"]);
    expect(report.notices).toEqual([
      { level: "warning", code: "HC_SCAN_INCOMPLETE", message: "scan timed out after 150 ms: unfinished checks are reported as error" },
    ]);
  });

  it("stops when the caller's AbortSignal fires", async () => {
    const controller = new AbortController();
    const probe = fakeEndpointProbe((endpoint) => {
      if (endpoint.host.startsWith("fast")) return Promise.resolve({ facts: { "fake.value": "ok" } });
      setTimeout(() => controller.abort(), 20);
      return new Promise(() => {});
    });
    const report = await scan(
      {
        probes: [probe],
        rules: [VALUE_RULE],
        config: {
          targets: [
            { id: "fast", endpoints: ["tls://fast.test"] },
            { id: "slow", endpoints: ["tls://slow.test"] },
          ],
        },
      },
      { signal: controller.signal },
    );
    expect(report.incomplete).toBe(true);
    expect(report.results.map(row)).toEqual([
      ["value-ok", "fast", "tls://fast.test:443", "pass", "all conditions hold"],
      ["value-ok", "slow", "tls://slow.test:443", "error", "probe fake-endpoint stopped: scan cancelled"],
    ]);
    expect(report.notices.map((notice) => [notice.code, notice.message])).toEqual([
      ["HC_SCAN_INCOMPLETE", "scan cancelled: unfinished checks are reported as error"],
    ]);
  });

  it("runs no probe at all when the signal is already aborted", async () => {
    const started: string[] = [];
    const report = await scan(
      { probes: [hangingProbe(started)], rules: [VALUE_RULE], config: { targets: [{ id: "fast", endpoints: ["tls://fast.test"] }] } },
      { signal: AbortSignal.abort() },
    );
    expect(started).toEqual([]);
    expect(report.incomplete).toBe(true);
    expect(report.results.map(row)).toEqual([["value-ok", "fast", "tls://fast.test:443", "error", "not run: scan cancelled"]]);
  });

  it("reports progress up to the total", async () => {
    const seen: Array<[number, number]> = [];
    await scan(
      {
        probes: [hostDependentProbe()],
        rules: [VALUE_RULE, COUNT_RULE],
        config: {
          targets: [
            { id: "a", endpoints: ["tls://good.a"] },
            { id: "b", endpoints: ["tls://good.b"] },
          ],
        },
      },
      { onProgress: ({ done, total }) => seen.push([done, total]) },
    );
    expect(seen[0]).toEqual([0, 4]);
    expect(seen.at(-1)).toEqual([4, 4]);
    expect(seen.map(([done]) => done)).toEqual([...seen.map(([done]) => done)].sort((a, b) => a - b));
  });
});

describe("scopes", () => {
  const anyScheme = fakeEndpointProbe(async () => ({ facts: { "fake.value": "ok" } }), { schemes: ["tls", "smtp", "https"], facts: ["fake.value"] });
  const smtpOnly = fakeEndpointProbe(async () => ({ facts: { "smtp.banner": "220 mail" } }), { id: "smtp-banner", schemes: ["smtp"], facts: ["smtp.banner"] });
  const hostProbe: HostProbe = defineProbe({
    meta: {
      id: "fake-host",
      description: "Reads a fake host setting.",
      transports: ["local"],
      os: ["linux"],
      facts: [{ name: "host.setting", description: "d" }],
    },
    async collect(host) {
      return { facts: { "host.setting": `on ${host.kind}` } };
    },
  });
  const rules = [
    ruleData("smtp-only", { scope: { schemes: ["smtp"] }, conditions: when("fake.value", "equal", "ok") }),
    ruleData("public-only", { scope: { tags: ["public"] }, conditions: when("fake.value", "equal", "ok") }),
    ruleData("dmz-only", { scope: { targetTags: ["dmz"] }, conditions: when("fake.value", "equal", "ok") }),
    ruleData("linux-only", { scope: { os: ["linux"] }, conditions: when("fake.value", "equal", "ok") }),
    ruleData("banner", { conditions: when("smtp.banner", "matches", "^220 ") }),
    ruleData("host-setting", { conditions: when("host.setting", "matches", "^on ") }),
  ];
  const targets = [
    { id: "mail", os: "linux", tags: ["dmz"], host: "local:", endpoints: ["smtp://mail.test", { url: "tls://mail.test:8443", tags: ["public"] }] },
    { id: "web", os: "windows", endpoints: ["https://web.test"] },
    { id: "bare", host: "root:/mnt/image", endpoints: ["tls://bare.test"] },
  ];

  it("plans checks only where the scope matches, and lists every other pair as not-applicable", async () => {
    const report = await scan({ probes: [anyScheme, smtpOnly, hostProbe], rules, config: { targets } });
    expect(report.results.map(row)).toEqual([
      ["banner", "bare", null, "not-applicable", "no endpoint of this target can be assessed by this rule (needs smtp)"],
      ["dmz-only", "bare", null, "not-applicable", "target has none of the tags dmz"],
      ["host-setting", "bare", null, "not-applicable", "no probe reads these facts over root:"],
      ["linux-only", "bare", null, "not-applicable", "rule applies to linux targets; target os is not set"],
      ["public-only", "bare", null, "not-applicable", "no endpoint of this target can be assessed by this rule (needs https, smtp, tls tagged public)"],
      ["smtp-only", "bare", null, "not-applicable", "no endpoint of this target can be assessed by this rule (needs smtp)"],
      ["host-setting", "mail", null, "pass", "all conditions hold"],
      ["banner", "mail", "smtp://mail.test:25", "pass", "all conditions hold"],
      ["dmz-only", "mail", "smtp://mail.test:25", "pass", "all conditions hold"],
      ["linux-only", "mail", "smtp://mail.test:25", "pass", "all conditions hold"],
      ["smtp-only", "mail", "smtp://mail.test:25", "pass", "all conditions hold"],
      ["dmz-only", "mail", "tls://mail.test:8443", "pass", "all conditions hold"],
      ["linux-only", "mail", "tls://mail.test:8443", "pass", "all conditions hold"],
      ["public-only", "mail", "tls://mail.test:8443", "pass", "all conditions hold"],
      ["banner", "web", null, "not-applicable", "no endpoint of this target can be assessed by this rule (needs smtp)"],
      ["dmz-only", "web", null, "not-applicable", "target has none of the tags dmz"],
      ["host-setting", "web", null, "not-applicable", "target has no host transport"],
      ["linux-only", "web", null, "not-applicable", "rule applies to linux targets; target os is windows"],
      ["public-only", "web", null, "not-applicable", "no endpoint of this target can be assessed by this rule (needs https, smtp, tls tagged public)"],
      ["smtp-only", "web", null, "not-applicable", "no endpoint of this target can be assessed by this rule (needs smtp)"],
    ]);
    expect(resultsWithRules(report).find((result) => result.ruleId === "host-setting" && result.status === "pass")?.evidence).toEqual({
      "host.setting": "on local",
    });
  });

  it("lists a manual rule as not-applicable when its endpoint scope matches nothing", async () => {
    const report = await scan({
      probes: [anyScheme],
      rules: [ruleData("smtp-relay-policy", { manual: true, prompt: "Is relaying restricted?", scope: { schemes: ["smtp"] } })],
      config: {
        targets: [
          { id: "mail", endpoints: ["smtp://mail.test"] },
          { id: "web", endpoints: ["https://web.test"] },
        ],
      },
    });
    expect(report.results.map(row)).toEqual([
      ["smtp-relay-policy", "mail", null, "manual", "Is relaying restricted?"],
      ["smtp-relay-policy", "web", null, "not-applicable", "no endpoint of this target is in the rule's scope"],
    ]);
  });
});

describe("manual rules and attestations", () => {
  const manual = ruleData("door-locked", { manual: true, prompt: "Is the server room locked?" });
  const probe = fakeEndpointProbe(async () => ({ facts: { "fake.value": "ok" } }));
  const targets = [
    { id: "alpha", endpoints: ["tls://alpha.test"] },
    { id: "beta", endpoints: ["tls://beta.test"] },
    { id: "gamma", endpoints: ["tls://gamma.test"] },
  ];

  it("is manual without an attestation, and takes the newest attestation's verdict otherwise", async () => {
    const attestations = [
      { rule: "door-locked", target: "alpha", verdict: "fail", by: "alice", at: "2026-01-10T09:00:00Z", note: "door propped open" },
      { rule: "door-locked", target: "alpha", verdict: "pass", by: "bob", at: "2026-02-20T09:00:00Z", note: "new lock fitted" },
      { rule: "door-locked", target: "alpha", verdict: "fail", by: "carol", at: "2026-02-01T09:00:00Z" },
      { rule: "door-locked", target: "gamma", verdict: "not-applicable", by: "dave", at: "2026-02-01T09:00:00Z", evidence: "photo-17.jpg" },
    ];
    const report = await scan({ probes: [probe], rules: [manual], config: { targets, attestations } });
    expect(report.results.map(row)).toEqual([
      ["door-locked", "alpha", null, "pass", "attested pass by bob at 2026-02-20T09:00:00Z: new lock fitted"],
      ["door-locked", "beta", null, "manual", "Is the server room locked?"],
      ["door-locked", "gamma", null, "not-applicable", "attested not-applicable by dave at 2026-02-01T09:00:00Z"],
    ]);
    expect(report.results[0]?.attestation).toEqual(attestations[1]);
    expect(report.results[1]?.attestation).toBeUndefined();
    expect(report.results[2]?.attestation).toEqual(attestations[3]);
    expect(report.summary).toMatchObject({ pass: 1, manual: 1, notApplicable: 1 });
  });
});

describe("waivers", () => {
  const probe = hostDependentProbe();
  const targets = [
    { id: "bad-1", endpoints: ["tls://bad1.test"] },
    { id: "bad-2", endpoints: ["tls://bad2.test"] },
    { id: "good", endpoints: ["tls://good.test"] },
  ];
  const waiver = (target: string, expires?: string, approvedBy = "ciso") => ({
    rule: "value-ok",
    target,
    reason: "legacy client until migration",
    approvedBy,
    ...(expires ? { expires } : {}),
  });

  it("turns a fail into waived with the original status; a passing check keeps no waiver", async () => {
    const report = await scan({ probes: [probe], rules: [VALUE_RULE], config: { targets, waivers: [waiver("*", "2026-12-31")] } });
    expect(report.results.map(row)).toEqual([
      ["value-ok", "bad-1", "tls://bad1.test:443", "waived", "waived by ciso: legacy client until migration"],
      ["value-ok", "bad-2", "tls://bad2.test:443", "waived", "waived by ciso: legacy client until migration"],
      ["value-ok", "good", "tls://good.test:443", "pass", "all conditions hold"],
    ]);
    expect(report.results[0]?.waiver).toEqual({ ...waiver("*", "2026-12-31"), expired: false, originalStatus: "fail" });
    expect(report.results[2]?.waiver).toBeUndefined();
    expect(report.summary).toMatchObject({ waived: 2, pass: 1, fail: 0 });
    expect(report.notices).toEqual([]);
  });

  it("does not apply an expired waiver, keeps it on the result and adds a HC_WAIVER_EXPIRED notice", async () => {
    const report = await scan({ probes: [probe], rules: [VALUE_RULE], config: { targets, waivers: [waiver("bad-1", "2026-02-28"), waiver("bad-2")] } });
    expect(report.results.map((result) => [result.target, result.status])).toEqual([
      ["bad-1", "fail"],
      ["bad-2", "waived"],
      ["good", "pass"],
    ]);
    expect(report.results[0]?.message).toBe('fake.value equal "ok" — got "bad" (waiver expired 2026-02-28; not applied)');
    expect(report.results[0]?.waiver).toMatchObject({ expired: true, originalStatus: "fail" });
    expect(report.notices).toEqual([
      { level: "warning", code: "HC_WAIVER_EXPIRED", message: "waiver for value-ok on bad-1 expired 2026-02-28 and was not applied" },
    ]);
  });

  it.each([
    { now: "2026-03-01T00:00:00Z", status: "waived" },
    { now: "2026-03-01T23:59:59Z", status: "waived" },
    { now: "2026-03-02T00:00:00Z", status: "fail" },
  ])("a date-only expiry lasts through that day (UTC): at $now → $status", async ({ now, status }) => {
    const report = await scan(
      { probes: [probe], rules: [VALUE_RULE], config: { targets: [targets[0]], waivers: [waiver("bad-1", "2026-03-01")] } },
      { clock: fixedClock(now) },
    );
    expect(report.results.map((result) => result.status)).toEqual([status]);
  });

  it("honours a timestamp expiry to the second", async () => {
    const config = { targets: [targets[0]], waivers: [waiver("bad-1", "2026-03-01T12:00:00Z")] };
    const before = await scan({ probes: [probe], rules: [VALUE_RULE], config }, { clock: fixedClock("2026-03-01T12:00:00Z") });
    const after = await scan({ probes: [probe], rules: [VALUE_RULE], config }, { clock: fixedClock("2026-03-01T12:00:01Z") });
    expect([before.results[0]?.status, after.results[0]?.status]).toEqual(["waived", "fail"]);
  });

  it("applies a renewed waiver even when the expired one is listed first", async () => {
    const waivers = [waiver("*", "2026-01-31", "old-ciso"), waiver("bad-1", "2026-12-31", "new-ciso")];
    const report = await scan({ probes: [probe], rules: [VALUE_RULE], config: { targets, waivers } });
    expect(report.results.map((result) => [result.target, result.status, result.waiver?.approvedBy ?? null, result.waiver?.expired ?? null])).toEqual([
      ["bad-1", "waived", "new-ciso", false],
      ["bad-2", "fail", "old-ciso", true],
      ["good", "pass", null, null],
    ]);
    expect(report.notices.map((notice) => notice.message)).toEqual(["waiver for value-ok on * expired 2026-01-31 and was not applied"]);
  });
});

describe("secrets", () => {
  const SECRET_ENV = "HARDCHECK_TEST_SCAN_SECRET";
  afterEach(() => {
    delete process.env[SECRET_ENV];
  });

  /** A probe that leaks the secret it resolved everywhere it can: facts, nested facts, errors. */
  function leakyProbe() {
    return fakeEndpointProbe(async (endpoint, _params, deps: ProbeDeps) => {
      const secret = await deps.secrets.resolve(`env:${SECRET_ENV}`);
      if (endpoint.host.startsWith("throws")) throw new Error(`bind as cn=admin with password ${secret} refused`);
      return { facts: { "fake.value": `user:${secret}`, "fake.list": [{ [`key-${secret}`]: secret }, 4242, true], "fake.count": 1 } };
    });
  }

  it.each([["hunter2-correct-horse"], ['quote"and\\backslash'], ["4242"], ["true"]])("never shows the resolved secret %j in the report", async (secret) => {
    process.env[SECRET_ENV] = secret;
    const report = await scan({
      probes: [leakyProbe()],
      rules: [VALUE_RULE, LIST_RULE],
      config: {
        targets: [
          { id: "leaks", endpoints: ["tls://leaks.test"] },
          { id: "throws", endpoints: ["tls://throws.test"] },
        ],
      },
    });
    const strings: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === "string") strings.push(value);
      else if (Array.isArray(value)) value.forEach(collect);
      else if (value !== null && typeof value === "object")
        for (const [key, item] of Object.entries(value)) {
          strings.push(key);
          collect(item);
        }
    };
    collect(report);
    // Neither the raw value nor its JSON-escaped form may appear in any string of the document.
    const escaped = JSON.stringify(secret).slice(1, -1);
    expect(strings.filter((text) => text.includes(secret) || text.includes(escaped))).toEqual([]);
    expect(report.results.map((result) => [result.ruleId, result.target, result.status])).toEqual([
      ["list-has-a", "leaks", "fail"],
      ["value-ok", "leaks", "fail"],
      ["list-has-a", "throws", "error"],
      ["value-ok", "throws", "error"],
    ]);
    expect(resultsWithRules(report)[1]?.evidence).toEqual({ "fake.value": "user:[redacted]" });
    expect(report.results[3]?.message).toBe("probe fake-endpoint failed: bind as cn=admin with password [redacted] refused");
  });
});

describe("determinism and order", () => {
  const rulesOf = (prefix: string) => [
    ruleData(`${prefix}-b-rule`, { conditions: when("fake.value", "equal", "ok") }),
    ruleData(`${prefix}-a-rule`, { conditions: when("fake.count", "greaterThan", 0) }),
  ];

  it("produces deep-equal documents for two scans with a fixed clock", async () => {
    const lab: Lab = {
      probes: [hostDependentProbe()],
      rules: [VALUE_RULE, COUNT_RULE, LIST_RULE, ruleData("ask", { manual: true, prompt: "?" })],
      config: {
        targets: [
          { id: "zeta", endpoints: ["tls://good.z:2", "tls://bad.z:1"] },
          { id: "alpha", endpoints: ["tls://good.a"] },
        ],
        waivers: [{ rule: "count-positive", target: "zeta", reason: "r", approvedBy: "x" }],
      },
    };
    const first = await scan(lab);
    const second = await scan(lab);
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.startedAt).toBe("2026-03-01T12:00:00.000Z");
  });

  it("sorts results by target, endpoint (host-level first), pack and rule", async () => {
    const probe = hostDependentProbe();
    const secondPack = await writePack(workDir, "a-pack", rulesOf("a"));
    const firstPackFile = await writePack(workDir, "scan", [...rulesOf("z"), ruleData("z-manual", { manual: true, prompt: "?" })]);
    const config = configFromObject(
      {
        packs: [firstPackFile, secondPack],
        targets: [
          { id: "t-2", endpoints: ["tls://good.b:2", "tls://good.b:10", "tls://good.a:3"] },
          { id: "t-1", endpoints: ["tls://good.c"] },
        ],
      },
      { file: "order.yaml", baseDir: workDir },
    );
    const hardcheck = await Hardcheck.create({ plugins: [(context) => context.registerProbe(probe)] });
    const report = await hardcheck.scan(config, { clock });
    expect(report.packs.map((pack) => pack.id)).toEqual(["a-pack", "scan"]);
    expect(report.targets.map((target) => target.id)).toEqual(["t-1", "t-2"]);
    const order = [
      ["scan", "z-manual", "t-1", null],
      ["a-pack", "a-a-rule", "t-1", "tls://good.c:443"],
      ["a-pack", "a-b-rule", "t-1", "tls://good.c:443"],
      ["scan", "z-a-rule", "t-1", "tls://good.c:443"],
      ["scan", "z-b-rule", "t-1", "tls://good.c:443"],
      ["scan", "z-manual", "t-2", null],
      ["a-pack", "a-a-rule", "t-2", "tls://good.a:3"],
      ["a-pack", "a-b-rule", "t-2", "tls://good.a:3"],
      ["scan", "z-a-rule", "t-2", "tls://good.a:3"],
      ["scan", "z-b-rule", "t-2", "tls://good.a:3"],
      ["a-pack", "a-a-rule", "t-2", "tls://good.b:10"],
      ["a-pack", "a-b-rule", "t-2", "tls://good.b:10"],
      ["scan", "z-a-rule", "t-2", "tls://good.b:10"],
      ["scan", "z-b-rule", "t-2", "tls://good.b:10"],
      ["a-pack", "a-a-rule", "t-2", "tls://good.b:2"],
      ["a-pack", "a-b-rule", "t-2", "tls://good.b:2"],
      ["scan", "z-a-rule", "t-2", "tls://good.b:2"],
      ["scan", "z-b-rule", "t-2", "tls://good.b:2"],
    ];
    expect(report.results.map((result) => [result.pack, result.ruleId, result.target, result.endpoint])).toEqual(order);
  });
});

describe("streaming", () => {
  it("hands each target's results over once, in target order, while later targets finish first", async () => {
    // Targets that sort first answer last: a sink that took them as they finish would see z before a.
    const delays: Record<string, number> = { "good.a": 60, "bad.b": 30, "good.z": 0 };
    const probe = fakeEndpointProbe(async (endpoint) => {
      await sleep(delays[endpoint.host] ?? 0);
      const good = endpoint.host.startsWith("good");
      return { facts: { "fake.value": good ? "ok" : "bad", "fake.date": "2099-01-01", "fake.count": good ? 2 : 0, "fake.list": [] } };
    });
    const packFile = await writePack(workDir, "stream", [VALUE_RULE, COUNT_RULE, ruleData("ask", { manual: true, prompt: "?" })]);
    const config = configFromObject(
      {
        packs: [packFile],
        targets: [
          { id: "zed", endpoints: ["tls://good.z"] },
          { id: "bee", endpoints: ["tls://bad.b"] },
          { id: "ant", endpoints: ["tls://good.a"] },
        ],
        waivers: [{ rule: "count-positive", target: "*", reason: "r", approvedBy: "x", expires: "2026-01-01" }],
      },
      { file: "stream.yaml", baseDir: workDir },
    );
    const hardcheck = await Hardcheck.create({ plugins: [(context) => context.registerProbe(probe)] });
    const received: Array<{ target: string; results: readonly ReportResult[] }> = [];
    const resolved = await hardcheck.resolve(config);
    const streamed = await hardcheck.stream(resolved, { add: (target, results) => void received.push({ target, results }) }, { clock });
    expect(received.map((batch) => batch.target)).toEqual(["ant", "bee", "zed"]);
    for (const batch of received) expect(new Set(batch.results.map((result) => result.target))).toEqual(new Set([batch.target]));
    // The expired waiver met on one target is noticed once for the scan.
    expect(streamed.notices.filter((notice) => notice.code === "HC_WAIVER_EXPIRED")).toHaveLength(1);
    const whole = await hardcheck.scan(config, { clock });
    // Stored target by target, the streamed results make exactly the document a whole scan writes.
    const tables = reportTablesFor(resolved);
    const parts = received.map((batch) => tables.add([...batch.results].sort(compareResults)));
    expect({
      ...streamed,
      facts: parts.flatMap((part) => part.facts),
      conditions: parts.flatMap((part) => part.conditions),
      results: parts.flatMap((part) => part.results),
    }).toEqual(whole);
    expect(streamed.summary).toEqual(whole.summary);
  });
  it("plans and probes only a bounded window of targets ahead of the sink: a sink that lags holds the scan back", async () => {
    let runs = 0;
    const probe = fakeEndpointProbe(async () => {
      runs++;
      return { facts: { "fake.value": "ok" } };
    });
    const packFile = await writePack(workDir, "window", [VALUE_RULE]);
    const targets = Array.from({ length: 40 }, (_, i) => ({ id: `t-${String(i).padStart(2, "0")}`, endpoints: [`tls://good.${i}.test`] }));
    const config = configFromObject({ packs: [packFile], targets, limits: { concurrency: 1 } }, { file: "window.yaml", baseDir: workDir });
    const hardcheck = await Hardcheck.create({ plugins: [(context) => context.registerProbe(probe)] });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const received: string[] = [];
    const streaming = hardcheck.stream(
      await hardcheck.resolve(config),
      {
        add: async (target) => {
          received.push(target);
          if (received.length === 1) await held;
        },
      },
      { clock },
    );
    await sleep(100);
    // One probe slot, four groups per slot: the first target waits in the sink, and only the groups
    // already taken by the pool have run; none of the other 35 targets was planned or probed.
    expect(received).toEqual(["t-00"]);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(runs).toBeLessThanOrEqual(5);
    release();
    const streamed = await streaming;
    expect(runs).toBe(40);
    expect(received).toEqual(targets.map((target) => target.id));
    expect(streamed.summary.pass).toBe(40);
  });
});

describe("tailoring", () => {
  it("applies a declared default, pack-level tailoring, and rule-level tailoring over it", async () => {
    const probe = fakeEndpointProbe(async () => ({ facts: { "fake.count": 5 } }), { facts: ["fake.count"] });
    const atLeast = (id: string) =>
      ruleData(id, {
        parameters: { min: { default: 1, description: "Smallest count." } },
        conditions: when("fake.count", "greaterThanInclusive", { param: "min" }),
      });
    const lab = { probes: [probe], rules: [atLeast("first"), atLeast("second")], config: { targets: [{ id: "web", endpoints: ["tls://web.test"] }] } };
    const expectedValues = (report: ReportDocument) => resultsWithRules(report).map((result) => [result.ruleId, result.status, result.conditions[0]?.expected]);
    expect(expectedValues(await scan(lab))).toEqual([
      ["first", "pass", 1],
      ["second", "pass", 1],
    ]);
    const tailored = await scan({ ...lab, config: { ...lab.config, tailoring: { scan: { min: 5 }, second: { min: 6 } } } });
    expect(expectedValues(tailored)).toEqual([
      ["first", "pass", 5],
      ["second", "fail", 6],
    ]);
  });
});
