// The client sources of the OpenScape packs, decided from canary sessions as `hardcheck listen` records
// them: each rule's client conditions on careful and careless clients (the client source on its own),
// then the whole rules, where a careless client fails the item and a careful one never passes it
// alone (the other sources were not checked here).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configFromObject, fixedClock, Hardcheck, type JsonObject, loadPackFile, type ReportResult, type Rule, resultsWithRules } from "@hardcheck/core";
import { type CanaryProtocol, type CanarySession, clientEndpointsOf, register } from "@hardcheck/probes-network";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canarySession, carefulClient, carelessClient, evidenceFile, LEGACY_HELLO } from "../../probes-network/test/support/canary-sessions.js";
import { type BundledPackId, bundledPackFile, register as checklists } from "../src/index.js";

const C = "openscape-concierge-v5r0" as const;
const X = "openscape-xpert" as const;

/** Each rule with a client source, the canary protocol its client is seen on, and the target's tags and OS. */
const CLIENT_RULES: ReadonlyArray<{ pack: BundledPackId; rule: string; protocol: CanaryProtocol; tags: string[]; os?: string; endpointTags?: string[] }> = [
  { pack: C, rule: "CL-LDAP1", protocol: "ldap", tags: ["concierge"] },
  { pack: C, rule: "CL-SMTP1", protocol: "smtp", tags: ["concierge"] },
  { pack: C, rule: "CL-EWS1", protocol: "https", tags: ["concierge"], endpointTags: ["ews"] },
  { pack: C, rule: "CL-SQLDB-CONN1", protocol: "tds", tags: ["concierge"], os: "windows" },
  { pack: C, rule: "CL-OSC-SERVER1", protocol: "https", tags: ["concierge"] },
  { pack: X, rule: "CL-SIP-CERTCHECK", protocol: "sips", tags: ["xpert"] },
];

/** Client behaviours, and the verdict of the client source alone on each rule (by rule id, else `all`). */
const BEHAVIOURS: ReadonlyArray<{
  name: string;
  sessions: (protocol: CanaryProtocol, target: string) => CanarySession[];
  verdict: Readonly<Record<string, string>>;
}> = [
  { name: "careful", sessions: carefulClient, verdict: { all: "pass" } },
  { name: "careless", sessions: carelessClient, verdict: { all: "fail" } },
  {
    name: "shown only the site's certificate",
    sessions: (protocol, target) => [canarySession({ protocol, target })],
    verdict: { all: "not-applicable" },
  },
  {
    name: "refusing only the self-signed certificate",
    sessions: (protocol, target) => [canarySession({ protocol, target }), canarySession({ protocol, target, certificate: "self-signed" })],
    // One refusal shows validation is on; full chain validation needs every untrustworthy certificate refused.
    verdict: { all: "pass", "CL-OSC-SERVER1": "not-applicable", "CL-SIP-CERTCHECK": "not-applicable" },
  },
  {
    name: "validating, but offering TLS 1.0 and 3DES",
    sessions: (protocol, target) => carefulClient(protocol, target).map((session) => ({ ...session, hello: LEGACY_HELLO })),
    // Full chain validation says nothing about the suites; the other items want TLS 1.2 and no 3DES.
    verdict: { all: "fail", "CL-OSC-SERVER1": "pass" },
  },
  {
    name: "going on after an expired certificate only",
    sessions: (protocol, target) =>
      carefulClient(protocol, target).map((session) =>
        session.certificate === "expired" ? { ...session, handshakeCompleted: true, continuedAfterHandshake: true, clientAlert: null } : session,
      ),
    verdict: { all: "fail" },
  },
  {
    name: "sending its credentials before TLS once",
    sessions: (protocol, target) => [
      ...carefulClient(protocol, target),
      canarySession({
        protocol,
        target,
        hello: null,
        upgraded: false,
        credentialsBeforeTls: "secret sent",
        handshakeCompleted: false,
        continuedAfterHandshake: false,
      }),
    ],
    // Full chain validation is about certificates only; a clear-text session fails every other item.
    verdict: { all: "fail", "CL-OSC-SERVER1": "pass", "CL-SIP-CERTCHECK": "pass" },
  },
];

const rules = new Map<string, Rule>();
for (const pack of [C, X]) for (const rule of (await loadPackFile(bundledPackFile(pack))).pack.rules) rules.set(rule.id, rule);

let workDir = "";
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "hardcheck-client-rules-"));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Scans one target per behaviour with `rule` as written in `packFile`, the client sessions recorded for each. */
async function scan(packFile: string, entry: (typeof CLIENT_RULES)[number], tailoring: JsonObject = {}): Promise<ReportResult[]> {
  const sessions = BEHAVIOURS.flatMap((behaviour, index) => behaviour.sessions(entry.protocol, `case-${index}`));
  const recorded = clientEndpointsOf(evidenceFile(sessions), "client.json");
  const targets = BEHAVIOURS.map((_behaviour, index) => ({
    id: `case-${index}`,
    tags: entry.tags,
    ...(entry.os ? { os: entry.os } : {}),
    // Role tags come from the config's own listing of the client endpoint.
    endpoints: recorded.filter((record) => record.target === `case-${index}`).map((record) => ({ url: record.url, tags: entry.endpointTags ?? [] })),
  }));
  const config = configFromObject({ packs: [packFile], targets, tailoring }, { baseDir: workDir });
  const hardcheck = await Hardcheck.create({ plugins: [register, checklists], config });
  const report = await hardcheck.scan(config, {
    clock: fixedClock("2026-11-24T09:00:00Z"),
    selection: { rules: [entry.rule], recordedEndpoints: recorded },
  });
  return BEHAVIOURS.map((_behaviour, index) => {
    const result = resultsWithRules(report).find((candidate) => candidate.target === `case-${index}` && candidate.ruleId === entry.rule);
    if (!result) throw new Error(`no result for case-${index}`);
    return result;
  });
}

/** The rule with its client source alone, as a single-source rule. */
async function clientPart(entry: (typeof CLIENT_RULES)[number], extra: JsonObject = {}): Promise<string> {
  const rule = rules.get(entry.rule) as Rule;
  const client = rule.sources?.find((source) => source.name === "client");
  if (!client) throw new Error(`${entry.rule} has no client source`);
  const parameters = Object.fromEntries(Object.entries(rule.parameters).map(([name, parameter]) => [name, { ...parameter }]));
  const standalone = {
    id: rule.id,
    title: rule.title,
    severity: rule.severity,
    rationale: rule.rationale,
    remediation: rule.remediation,
    scope: rule.scope,
    parameters,
    conditions: client.conditions,
    ...(client.notVerifiedWhen ? { notVerifiedWhen: client.notVerifiedWhen } : {}),
    ...extra,
  };
  const file = join(workDir, `${rule.id}-client.json`);
  await writeFile(file, JSON.stringify({ id: `client-part-${rule.id.toLowerCase()}`, title: "client part", version: "1", rules: [standalone] }));
  return file;
}

describe("client sources of the OpenScape packs", () => {
  it.each(CLIENT_RULES.map((entry) => [entry.rule, entry] as const))("%s: the client source on its own judges each client behaviour", async (_id, entry) => {
    const results = await scan(await clientPart(entry), entry);
    const table = results.map((result, index) => `${BEHAVIOURS[index]?.name} → ${result.status}`);
    const expected = BEHAVIOURS.map((behaviour) => `${behaviour.name} → ${behaviour.verdict[entry.rule] ?? behaviour.verdict.all}`);
    expect(table).toEqual(expected);
    // A client whose validation was not observed is never called a validating one.
    expect(results[2]?.message).toMatch(/^the canary (presented no certificate|did not show) /);
  });

  it.each(CLIENT_RULES.map((entry) => [entry.rule, entry] as const))(
    "%s: a careless client fails the item; a careful one leaves the sources not checked here to a person",
    async (_id, entry) => {
      // The bundled pack by id: its host facts are read by probes this package does not load, so those sources stay not checked.
      const results = await scan(entry.pack, entry);
      expect(results[1]?.status).toBe("fail");
      expect(results[1]?.message).toMatch(/^client client-[a-z]+:\/\/127\.0\.0\.1:\d+: /);
      for (const result of results) expect(result.status).not.toBe("pass");
      expect(results[0]?.status).toBe("manual");
      expect(results[0]?.message).toMatch(/checked: client client-/);
    },
  );

  it("CL-SQLDB-CONN1 takes a product's documented trust in the server's certificate as tailoring", async () => {
    const entry = CLIENT_RULES.find((candidate) => candidate.rule === "CL-SQLDB-CONN1") as (typeof CLIENT_RULES)[number];
    const results = await scan(await clientPart(entry), entry, { "CL-SQLDB-CONN1": { acceptedValidation: [true, false, null] } });
    // Going on after an expired certificate is then what the product documents; encryption and suites still count.
    expect(results.map((result) => result.status)).toEqual(["pass", "fail", "pass", "pass", "fail", "pass", "fail"]);
  });
});
