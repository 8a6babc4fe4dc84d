/** Rules with several evidence sources: each checked where it can be, folded into one verdict. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromObject } from "../src/config/config.js";
import { isHardcheckError } from "../src/errors.js";
import { Hardcheck } from "../src/hardcheck.js";
import type { HostSpec } from "../src/model/target.js";
import type { JsonObject } from "../src/model/values.js";
import { defineProbe, type HostProbe, notApplicable, verifiedAbsent } from "../src/plugin/probe.js";
import { defineTransport } from "../src/plugin/transport.js";
import { resultsWithRules } from "../src/report/report.js";
import { fakeEndpointProbe, fixedClock, ruleData, thrown, when, writePack } from "./support/fakes.js";

let workDir = "";
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "hardcheck-sources-"));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** The network says TLS 1.0 is accepted on hosts named legacy*; the host setting comes from the host spec. */
const networkProbe = fakeEndpointProbe(
  async (endpoint) => {
    if (endpoint.host.startsWith("down")) throw new Error("connect ECONNREFUSED");
    return { facts: { "fake.value": endpoint.host.startsWith("legacy") ? "tls1.0" : "tls1.2" } };
  },
  { facts: ["fake.value"] },
);
const hostProbe: HostProbe = defineProbe<HostProbe>({
  meta: { id: "fake-registry", description: "reads a fake registry value", transports: ["root"], facts: [{ name: "host.tls10Enabled", description: "d" }] },
  async collect(host: HostSpec) {
    if (host.location.includes("absent")) return verifiedAbsent("no such service is installed on the host");
    if (host.location.includes("unreadable")) return notApplicable("the registry cannot be read here");
    return { facts: { "host.tls10Enabled": host.location.includes("weak") } };
  },
});
const rootTransport = defineTransport({
  kind: "root",
  description: "nothing behind it",
  open: async () => ({
    kind: "root",
    canExec: false,
    readFile: async () => undefined,
    listDir: async () => undefined,
    stat: async () => undefined,
    exec: () => Promise.reject(new Error("no exec")),
    close: async () => {},
  }),
});

const TWO_SOURCES = ruleData("TLS12-ONLY", {
  sources: [
    { name: "network", conditions: when("fake.value", "equal", "tls1.2") },
    { name: "windows", conditions: when("host.tls10Enabled", "equal", false) },
  ],
});

async function scan(targets: JsonObject[], rules: JsonObject[] = [TWO_SOURCES]) {
  const pack = await writePack(workDir, "sources", rules);
  const hardcheck = await Hardcheck.create({
    plugins: [
      (context) => {
        context.registerProbe(networkProbe);
        context.registerProbe(hostProbe);
        context.registerTransport(rootTransport);
      },
    ],
  });
  return hardcheck.scan(configFromObject({ packs: [pack], targets }, { baseDir: workDir }), { clock: fixedClock("2026-01-01T00:00:00Z") });
}

describe("multi-source rules", () => {
  it.each([
    [
      { id: "t", host: "root:/good", endpoints: ["tls://modern.test"] },
      "pass",
      "all conditions hold in every source that applies — checked: network tls://modern.test:443, windows",
    ],
    [
      { id: "t", host: "root:/weak", endpoints: ["tls://modern.test"] },
      "fail",
      "windows: host.tls10Enabled equal false — got true — checked: network tls://modern.test:443, windows",
    ],
    [
      { id: "t", host: "root:/good", endpoints: ["tls://legacy.test", "tls://modern.test"] },
      "fail",
      'network tls://legacy.test:443: fake.value equal "tls1.2" — got "tls1.0" — checked: network tls://legacy.test:443, network tls://modern.test:443, windows',
    ],
    [
      // The host source applies (the target's os is not set) but nothing could read it: no pass on half the evidence.
      { id: "t", endpoints: ["tls://modern.test"] },
      "manual",
      "Does the item hold for the parts that could not be checked automatically? (not checked automatically: windows) — checked: network tls://modern.test:443; not checked: windows (target has no host transport)",
    ],
    [
      // On a Linux target the windows source does not apply: the network alone decides.
      { id: "t", os: "linux", endpoints: ["tls://modern.test"] },
      "pass",
      "all conditions hold in every source that applies — checked: network tls://modern.test:443; not present: windows (the target is a linux host, not Windows)",
    ],
    [
      // A host with no endpoint listed: the network source applies and stays open.
      { id: "t", host: "root:/good" },
      "manual",
      "Does the item hold for the parts that could not be checked automatically? (not checked automatically: network) — checked: windows; not checked: network (no endpoint of this target can be assessed by this source)",
    ],
    [
      { id: "t", host: "root:/good", endpoints: ["tls://down.test"] },
      "error",
      "network tls://down.test:443: probe fake-endpoint failed: connect ECONNREFUSED — checked: windows; not checked: network tls://down.test:443 (probe fake-endpoint failed: connect ECONNREFUSED)",
    ],
  ])("%j → %s", async (target, status, message) => {
    const report = await scan([target]);
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ ruleId: "TLS12-ONLY", endpoint: null, status, message });
    // The report lists the item once, as the checklist prints it, not once per source.
    expect(report.rules?.map((rule) => rule.id)).toEqual(["TLS12-ONLY"]);
  });

  it.each([
    [{ id: "t", host: "root:/absent", endpoints: ["tls://modern.test"] }, "pass"],
    [{ id: "t", host: "root:/unreadable", endpoints: ["tls://modern.test"] }, "manual"],
    [{ id: "t", host: "root:/absent" }, "manual"],
    [{ id: "t", host: "root:/absent", endpoints: ["tls://legacy.test"] }, "fail"],
  ])("drops a source only when its probe verified the subject absent: %j → %s", async (target, status) => {
    const report = await scan([target]);
    expect(report.results[0]?.status).toBe(status);
    if (target.host === "root:/absent" && status === "pass")
      expect(report.results[0]?.message).toContain("not present: windows (no such service is installed on the host)");
  });

  it("makes a single-source rule not-applicable when its subject is verified absent, and asks its prompt when it could not look", async () => {
    const hostOnly = ruleData("HOST-ONLY", { prompt: "Is TLS 1.0 off?", conditions: when("host.tls10Enabled", "equal", false) });
    const absent = await scan([{ id: "t", host: "root:/absent" }], [hostOnly]);
    expect(absent.results[0]).toMatchObject({ status: "not-applicable", message: "no such service is installed on the host" });
    const unreadable = await scan([{ id: "t", host: "root:/unreadable" }], [hostOnly]);
    expect(unreadable.results[0]).toMatchObject({ status: "manual", message: "Is TLS 1.0 off? (not checked automatically: the registry cannot be read here)" });
  });

  it.each([
    ["modern.test", "pass", /^all conditions hold in every source that applies/],
    ["legacy.test", "fail", /^network tls:\/\/legacy\.test:443: /],
    // The source's own notVerifiedWhen leaves it not checked: the item cannot pass on it, nor fail.
    ["unseen.test", "manual", /not checked automatically: network tls:\/\/unseen\.test:443\) .*the value was not observed/],
  ])("lets one source say when its evidence cannot decide its part (%s)", async (host, status, message) => {
    const rule = ruleData("PER-SOURCE-UNVERIFIED", {
      prompt: "Is TLS 1.2 the only version?",
      sources: [
        {
          name: "network",
          conditions: when("fake.value", "equal", "tls1.2"),
          notVerifiedWhen: [{ status: "not-applicable", reason: "the value was not observed", conditions: when("fake.value", "equal", "unseen") }],
        },
        { name: "windows", conditions: when("host.tls10Enabled", "equal", false) },
      ],
    });
    const probe = fakeEndpointProbe(
      async (endpoint) => ({
        facts: { "fake.value": endpoint.host.startsWith("unseen") ? "unseen" : endpoint.host.startsWith("legacy") ? "tls1.0" : "tls1.2" },
      }),
      {
        facts: ["fake.value"],
      },
    );
    const pack = await writePack(workDir, "per-source", [rule]);
    const hardcheck = await Hardcheck.create({
      plugins: [
        (context) => {
          context.registerProbe(probe);
          context.registerProbe(hostProbe);
          context.registerTransport(rootTransport);
        },
      ],
    });
    const report = await hardcheck.scan(
      configFromObject({ packs: [pack], targets: [{ id: "t", host: "root:/good", endpoints: [`tls://${host}`] }] }, { baseDir: workDir }),
      {
        clock: fixedClock("2026-01-01T00:00:00Z"),
      },
    );
    const result = report.results.find((entry) => entry.ruleId === "PER-SOURCE-UNVERIFIED");
    expect(result?.status).toBe(status);
    expect(result?.message).toMatch(message);
  });

  it("keeps every source's conditions and evidence, labelled by source", async () => {
    const report = await scan([{ id: "t", host: "root:/weak", endpoints: ["tls://modern.test"] }]);
    const [result] = resultsWithRules(report);
    expect(result?.conditions.map((condition) => `${condition.where} ${condition.outcome}`)).toEqual([
      "network tls://modern.test:443: all[0] pass",
      "windows: all[0] fail",
    ]);
    expect(result?.evidence).toEqual({ "network tls://modern.test:443": { "fake.value": "tls1.2" }, windows: { "host.tls10Enabled": true } });
    // The document stores each source's facts under the endpoint or host they describe.
    expect(report.results[0]?.facts).toEqual({ "network tls://modern.test:443": [1], windows: [0] });
    expect(report.facts).toEqual([
      { target: "t", endpoint: null, fact: "host.tls10Enabled", value: true },
      { target: "t", endpoint: "tls://modern.test:443", fact: "fake.value", value: "tls1.2" },
    ]);
  });

  it("says a reason every source shares once, and asks a rule's prompt once when no source can be checked", async () => {
    const scoped = { ...TWO_SOURCES, id: "SCOPED", scope: { targetTags: ["concierge"] } };
    const prompted = { ...TWO_SOURCES, id: "PROMPTED", prompt: "Is TLS 1.0 off everywhere?" };
    const report = await scan([{ id: "t", endpoints: ["http://plain.test"] }], [scoped, prompted]);
    expect(report.results.map((r) => `${r.ruleId} ${r.status}: ${r.message}`)).toEqual([
      "PROMPTED manual: Is TLS 1.0 off everywhere? (not checked automatically: network, windows) — checked: none; not checked: network (no endpoint of this target can be assessed by this source); windows (target has no host transport)",
      "SCOPED not-applicable: target has none of the tags concierge",
    ]);
  });

  it.each([
    [{ ...TWO_SOURCES, conditions: when("fake.value", "equal", "x") }, /a rule has either conditions or sources, not both/],
    [
      ruleData("MIXED", {
        sources: [
          {
            name: "network",
            conditions: {
              all: [
                { fact: "fake.value", operator: "equal", value: 1 },
                { fact: "host.tls10Enabled", operator: "equal", value: false },
              ],
            },
          },
          { name: "windows", conditions: when("fake.value", "equal", 1) },
        ],
      }),
      /source "network" reads both endpoint facts and host facts/,
    ],
    [
      ruleData("DUP", {
        sources: [
          { name: "network", conditions: when("fake.value", "equal", 1) },
          { name: "network", conditions: when("fake.value", "equal", 2) },
        ],
      }),
      /source "network" is named twice/,
    ],
    [
      ruleData("UNKNOWN", {
        sources: [
          { name: "network-login", conditions: when("fake.value", "equal", 1) },
          { name: "windows", conditions: when("host.tls10Enabled", "equal", false) },
        ],
      }),
      /sources\.json:\d+:\d+ rules\[0\]\.sources\[0\]\.name: expected one of "network", "windows", "linux", "linux-live", "config", "client", got "network-login"/,
    ],
    [
      ruleData("WRONG-KIND", {
        sources: [
          { name: "windows", conditions: when("fake.value", "equal", 1) },
          { name: "config", conditions: when("host.tls10Enabled", "equal", false) },
        ],
      }),
      /rules\[0\]\.sources\[0\]\.name: source "windows" reads endpoint facts — a windows source reads host facts/,
    ],
  ])("refuses a malformed multi-source rule (%#)", async (rule, message) => {
    const error = await thrown(() => scan([{ id: "t", endpoints: ["tls://modern.test"] }], [rule]));
    expect(isHardcheckError(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});
