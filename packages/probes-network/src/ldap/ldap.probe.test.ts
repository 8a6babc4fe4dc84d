import { type Endpoint, factsFrom, parseEndpoint } from "@hardcheck/core";
import { probeTestDeps, type SlapdLab, type SlapdPosture, startSlapdLab } from "@hardcheck/labs";
import { type LoopbackServer, startGarbageServer, startTarpitServer } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearTextBindOutcome, type LdapFacts, ldapFacts, ldapProbe, START_TLS_OID } from "./ldap.probe.js";

const labs = new Map<SlapdPosture, SlapdLab>();
const hostile = new Map<string, LoopbackServer>();

beforeAll(async () => {
  const [open, locked] = await Promise.all([startSlapdLab("open"), startSlapdLab("locked")]);
  labs.set("open", open);
  labs.set("locked", locked);
  hostile.set("tarpit", await startTarpitServer());
  hostile.set("garbage", await startGarbageServer(Buffer.alloc(70_000, 0x30)));
}, 30_000);

afterAll(async () => {
  for (const lab of labs.values()) await lab.close();
  for (const server of hostile.values()) await server.close();
});

function endpointOf(posture: SlapdPosture, scheme: "ldap" | "ldaps"): Endpoint {
  const lab = labs.get(posture);
  if (!lab) throw new Error(`no ${posture} slapd`);
  return parseEndpoint(`${scheme}://127.0.0.1:${scheme === "ldap" ? lab.ldapPort : lab.ldapsPort}`);
}

async function factsOf(endpoint: Endpoint): Promise<LdapFacts> {
  const outcome = await ldapProbe.collect(endpoint, {}, probeTestDeps());
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(ldapFacts, outcome);
}

describe("ldap against slapd", () => {
  // Given slapd allowing anonymous and clear-text binds, the probe sees both.
  it("reports an open directory over ldap://", async () => {
    const facts = await factsOf(endpointOf("open", "ldap"));

    expect(facts["ldap.implicitTls"]).toBe(false);
    expect(facts["ldap.rootDse"]).toMatchObject({ readable: true, namingContexts: ["dc=lab,dc=test"], supportedLdapVersions: ["3"] });
    expect(facts["ldap.rootDse"].extensions).toContain(START_TLS_OID);
    expect(facts["ldap.startTls"]).toEqual({ advertised: true, works: true, error: null });
    expect(facts["ldap.anonymousBind"]).toEqual({ accepted: true, resultCode: 0, entriesReturned: 3 });
    expect(facts["ldap.clearTextSimpleBind"]).toEqual({ resultCode: 49, outcome: "invalid-credentials", dn: "cn=hardcheck-probe-nonexistent,dc=lab,dc=test" });
  });

  // Given slapd with disallow bind_anon (48 inappropriateAuthentication) and security simple_bind=128 (13), the probe sees both refusals.
  it("reports a locked-down directory over ldap://", async () => {
    const facts = await factsOf(endpointOf("locked", "ldap"));

    expect(facts["ldap.startTls"]).toEqual({ advertised: true, works: true, error: null });
    expect(facts["ldap.anonymousBind"]).toMatchObject({ accepted: false, resultCode: 48 });
    expect(facts["ldap.clearTextSimpleBind"]).toMatchObject({ resultCode: 13, outcome: "confidentiality-required" });
  });

  it("talks LDAPS from the first byte", async () => {
    const facts = await factsOf(endpointOf("locked", "ldaps"));

    expect(facts["ldap.implicitTls"]).toBe(true);
    expect(facts["ldap.rootDse"].readable).toBe(true);
    expect(facts["ldap.startTls"]).toBeNull();
    expect(facts["ldap.clearTextSimpleBind"]).toBeNull();
  });
});

describe("ldap against hostile servers", () => {
  it.each(["tarpit", "garbage"])("fails with a reason for a %s server within the timeout", async (name) => {
    const endpoint = parseEndpoint(`ldap://127.0.0.1:${hostile.get(name)?.port}`);
    const started = performance.now();
    await expect(ldapProbe.collect(endpoint, {}, probeTestDeps({ limits: { connectTimeoutMs: 300 } }))).rejects.toThrow(/LDAP/);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it("fails for a closed port", async () => {
    await expect(ldapProbe.collect(parseEndpoint("ldap://127.0.0.1:1"), {}, probeTestDeps({ limits: { connectTimeoutMs: 300 } }))).rejects.toThrow(
      /ECONNREFUSED|connect/,
    );
  });
});

describe("clear-text simple bind outcomes", () => {
  // Active Directory with LDAP signing required answers 8; no slapd configuration here answers 8, so the mapping is a table.
  it.each([
    [13, "confidentiality-required"],
    [8, "stronger-auth-required"],
    [49, "invalid-credentials"],
    [53, "other"],
  ] as const)("result code %d → %s", (code, outcome) => {
    expect(clearTextBindOutcome(code)).toBe(outcome);
  });
});
