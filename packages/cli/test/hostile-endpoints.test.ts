// A scan over endpoints that refuse, reset, stall or talk nonsense: each becomes `error` with its
// reason within the timeout, and the healthy endpoint in the same scan is still decided.
import { configFromObject } from "@hardcheck/core";
import {
  createTestPki,
  type LoopbackServer,
  startGarbageServer,
  startRefusingPort,
  startResettingServer,
  startTarpitServer,
  startTlsServer,
} from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInstance } from "../src/instance.js";

describe("a scan with hostile endpoints", () => {
  const servers: Record<string, LoopbackServer> = {};
  let caPem = "";

  beforeAll(async () => {
    const pki = createTestPki();
    caPem = pki.caPem;
    servers.good = await startTlsServer(
      pki.issueLeaf({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"], notAfter: new Date(Date.now() + 200 * 86_400_000) }),
    );
    servers.refusing = await startRefusingPort();
    servers.resetting = await startResettingServer();
    servers.tarpit = await startTarpitServer();
    servers.garbage = await startGarbageServer("HTTP/1.0 400 Bad Request\r\n\r\n");
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((server) => server.close()));
  });

  it("reports each failure as error with its reason and still decides the healthy endpoint", async () => {
    const { hardcheck } = await createInstance(undefined, process.cwd());
    const config = configFromObject({
      packs: ["tls-baseline"],
      // Generous enough that the healthy endpoint's many handshakes finish on a loaded machine.
      limits: { connectTimeoutMs: 1000, probeTimeoutMs: 8000 },
      targets: Object.entries(servers).map(([id, server]) => ({ id, endpoints: [`tls://127.0.0.1:${server.port}`] })),
    });
    const setup = await hardcheck.resolve(config);
    const report = await hardcheck.run({ ...setup, trust: { caCertificates: [caPem], useSystemRoots: false } });
    // Several probes assess each endpoint; every one of them must fail the same way.
    const reasons = (target: string) =>
      new Set(report.results.filter((r) => r.target === target).map((r) => `${r.status}: ${r.message.replace(/^probe [a-z-]+ failed: /, "")}`));
    const expectOnly = (target: string, pattern: RegExp) => {
      const seen = [...reasons(target)];
      expect(seen.length).toBeGreaterThan(0);
      for (const reason of seen) expect(reason).toMatch(pattern);
    };
    expectOnly("refusing", /^error: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expectOnly("resetting", /^error: .*ECONNRESET/);
    expectOnly("tarpit", /^error: .*(timed out after|no TLS answer within) (1000|8000) ms/);
    expectOnly("garbage", /^error: .*(handshake failed|not a TLS|unexpected|alert|record|garbage|protocol)/i);
    const good = report.results.filter((r) => r.target === "good");
    expect(good.filter((r) => r.status === "error").map((r) => `${r.ruleId}: ${r.message}`)).toEqual([]);
    const verdict = (rule: string) => good.find((r) => r.ruleId === rule)?.status;
    for (const rule of ["TLS-CERT-VALIDITY", "TLS-CERT-SELF-SIGNED", "TLS-CERT-HOSTNAME", "TLS-CERT-TRUSTED"]) expect(verdict(rule), rule).toBe("pass");
    expect(report.incomplete).toBe(false);
  });
});
