import { type Endpoint, factsFrom } from "@hardcheck/core";
import { probeTestDeps, startTlsLab, type TlsLab } from "@hardcheck/labs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TlsVersionsSuitesFacts, tlsVersionsSuitesFacts, tlsVersionsSuitesProbe } from "./tls-versions-suites.probe.js";

/** s_server offering only DHE suites in TLS 1.2, with the group of a fixture (security level 0 lets it load 1024-bit ones). */
const dheServer = (fixture: string) => [
  "-dhparam",
  new URL(`./fixtures/${fixture}`, import.meta.url).pathname,
  "-cipher",
  "DHE+AESGCM:@SECLEVEL=0",
  "-no_tls1_3",
];

let lab: TlsLab;
const endpoints = new Map<string, Endpoint>();

async function scan(name: string): Promise<TlsVersionsSuitesFacts> {
  const endpoint = endpoints.get(name);
  if (!endpoint) throw new Error(`no ${name} server`);
  const outcome = await tlsVersionsSuitesProbe.collect(endpoint, { versions: ["TLSv1.2", "TLSv1.3"] }, probeTestDeps({ limits: { connectTimeoutMs: 2_000 } }));
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(tlsVersionsSuitesFacts, outcome);
}

beforeAll(async () => {
  lab = await startTlsLab([]);
  const servers: Record<string, string[]> = {
    "dh1024-safe": dheServer("dh1024-safe.pem"),
    "dh2048-safe": dheServer("dh2048-safe.pem"),
    "dh2048-composite": dheServer("dh2048-composite.pem"),
    "dh2048-not-safe-prime": dheServer("dh2048-not-safe-prime.pem"),
    "dhe-auto": ["-cipher", "DHE+AESGCM", "-no_tls1_3"],
    "ecdhe-only": ["-cipher", "ECDHE+AESGCM:ECDHE+CHACHA20"],
    "ecdhe-p192": ["-cipher", "ECDHE+AESGCM:@SECLEVEL=0", "-groups", "secp192r1", "-no_tls1_3"],
  };
  await Promise.all(Object.entries(servers).map(async ([name, args]) => endpoints.set(name, await lab.serveLeaf("good", args))));
}, 60_000);

afterAll(async () => {
  await lab?.close();
});

describe("tls-versions-suites reads DH groups and ECDHE curves from real servers", () => {
  // Given an s_server with a DH group of a known kind, when the probe scans it, then tls.dh names its size and what the tests found.
  it.each([
    ["dh1024-safe", 1024, "safe-prime"],
    ["dh2048-safe", 2048, "safe-prime"],
    ["dh2048-composite", 2048, "composite"],
    ["dh2048-not-safe-prime", 2048, "not-safe-prime"],
  ])("%s: a %i-bit group judged %s", async (name, bits, verdict) => {
    const facts = await scan(name);

    expect(facts["tls.dh"].groups).toHaveLength(1);
    expect(facts["tls.dh"].groups[0]).toMatchObject({ bits, generator: "2", knownGroup: null, verdict });
    expect(facts["tls.dh"].groups[0]?.suites.every((suite) => suite.startsWith("TLS_DHE_"))).toBe(true);
    expect(facts["tls.dh"]).toMatchObject({ smallestBits: bits, verdicts: [verdict] });
    expect(facts["tls.ecdhe"]).toEqual({ curves: [], smallestBits: null });
  });

  it("recognises the published group OpenSSL picks on its own, by value", async () => {
    const facts = await scan("dhe-auto");

    // OpenSSL 3's automatic DH group for a 2048-bit RSA key is RFC 3526's (it ignores offered ffdhe groups below TLS 1.3).
    expect(facts["tls.dh"].groups.map((group) => group.knownGroup)).toEqual(["modp2048"]);
    expect(facts["tls.dh"]).toMatchObject({ smallestBits: 2048, verdicts: ["known-safe-group"] });
  });

  it("lists the curves a default s_server accepts, and no DH group without DHE suites", async () => {
    const facts = await scan("ecdhe-only");

    expect(facts["tls.dh"]).toEqual({ groups: [], smallestBits: null, verdicts: [] });
    const names = facts["tls.ecdhe"].curves.map((curve) => curve.name);
    expect(names).toEqual(expect.arrayContaining(["X25519", "secp256r1", "secp384r1", "secp521r1"]));
    expect(facts["tls.ecdhe"].smallestBits).toBe(256);
    // One hello per accepted curve and one refusal, no DHE hellos.
    expect(facts["tls.scan"].groupHandshakes).toBe(names.length + 1);
  });

  it("finds a server limited to the 192-bit curve P-192", async () => {
    const facts = await scan("ecdhe-p192");

    expect(facts["tls.ecdhe"]).toEqual({ curves: [{ name: "secp192r1", bits: 192 }], smallestBits: 192 });
  });
});
