import { type Endpoint, factsFrom, type JsonObject, parseEndpoint } from "@hardcheck/core";
import { probeTestDeps, startTlsLab, type TlsLab } from "@hardcheck/labs";
import {
  type LoopbackServer,
  startGarbageServer,
  startRefusingPort,
  startResettingServer,
  startSmtpStartTlsFront,
  startTarpitServer,
} from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TlsVersionsSuitesFacts, tlsVersionsSuitesFacts, tlsVersionsSuitesProbe } from "./tls-versions-suites.probe.js";

let lab: TlsLab;
const hostile = new Map<string, LoopbackServer>();

async function scan(endpoint: Endpoint, params: JsonObject = {}): Promise<TlsVersionsSuitesFacts> {
  const outcome = await tlsVersionsSuitesProbe.collect(endpoint, params, probeTestDeps({ limits: { connectTimeoutMs: 1_000 } }));
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(tlsVersionsSuitesFacts, outcome);
}

function hostileEndpoint(name: string): Endpoint {
  const server = hostile.get(name);
  if (!server) throw new Error(`no ${name} server`);
  return parseEndpoint(`tls://127.0.0.1:${server.port}`);
}

/** The handshakes the scan must have needed: per version one per accepted suite, one refusal unless every candidate was accepted, one order check with two or more suites. */
function minimalHandshakes(facts: TlsVersionsSuitesFacts): number {
  let total = facts["tls.versions"].refused.length;
  for (const { suites } of Object.values(facts["tls.suites"].byVersion)) total += suites.length + 1 + (suites.length >= 2 ? 1 : 0);
  return total;
}

beforeAll(async () => {
  lab = await startTlsLab(["modern", "legacy", "3des-tls10", "tls13-only", "smtp"]);
  hostile.set("refusing", await startRefusingPort());
  hostile.set("resetting", await startResettingServer());
  hostile.set("tarpit", await startTarpitServer());
  hostile.set("garbage", await startGarbageServer("HTTP/1.1 400 Bad Request\r\n\r\n"));
  // A fatal handshake_failure alert for every hello, whatever it offers.
  hostile.set("alert-always", await startGarbageServer(Uint8Array.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])));
  hostile.set("smtp-no-starttls", await startSmtpStartTlsFront({ tlsPort: 1, offerStartTls: false }));
}, 30_000);

afterAll(async () => {
  await Promise.all([lab?.close(), ...[...hostile.values()].map((server) => server.close())]);
});

describe("tls-versions-suites against real servers", () => {
  it("finds TLS 1.2 and 1.3 only on a modern openssl s_server, with no weak suite class, in the fewest handshakes", async () => {
    const facts = await scan(lab.endpoint("modern"));

    expect(facts["tls.versions"]).toEqual({ accepted: ["TLSv1.2", "TLSv1.3"], refused: ["SSLv3", "TLSv1", "TLSv1.1"], lowest: "TLSv1.2", highest: "TLSv1.3" });
    expect(facts["tls.suites"].byVersion["TLSv1.3"]?.suites.slice().sort()).toEqual([
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
    ]);
    expect(facts["tls.suites"].names).toContain("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    expect(facts["tls.suites"].classes).not.toContain("3des");
    expect(facts["tls.suites"].classes).not.toContain("rc4");
    expect(facts["tls.suites"].classes).not.toContain("null");
    // s_server follows the client's order unless told otherwise.
    expect(facts["tls.suites"].byVersion["TLSv1.2"]?.serverPreference).toBe(false);
    // With ECDHE+AEAD suites only, TLS 1.0 and 1.1 have no suite to pick: the server refuses them with
    // handshake_failure rather than protocol_version, and each such refusal is retried once without
    // finite-field groups (the RFC 7919 retry), so two more hellos than the minimum.
    expect(facts["tls.scan"].handshakes).toBe(minimalHandshakes(facts) + 2);
  });

  it("finds TLS 1.0/1.1, anonymous suites and the server's own order on a legacy s_server (@SECLEVEL=0, -serverpref)", async () => {
    const facts = await scan(lab.endpoint("legacy"));

    expect(facts["tls.versions"].accepted).toEqual(["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);
    expect(facts["tls.suites"].classes).toEqual(expect.arrayContaining(["anonymous", "cbc", "no-forward-secrecy"]));
    expect(facts["tls.suites"].suitesByClass.anonymous).toContain("TLS_DH_anon_WITH_AES_128_CBC_SHA");
    expect(facts["tls.suites"].byVersion["TLSv1.2"]?.serverPreference).toBe(true);
    expect(facts["tls.scan"].handshakes).toBe(minimalHandshakes(facts));
  });

  it("finds 3DES and TLS 1.0 on gnutls-serv, which the local OpenSSL could not offer", async () => {
    const facts = await scan(lab.endpoint("3des-tls10"));

    expect(facts["tls.versions"].accepted).toContain("TLSv1");
    expect(facts["tls.suites"].byVersion.TLSv1?.suites).toContain("TLS_RSA_WITH_3DES_EDE_CBC_SHA");
    expect(facts["tls.suites"].classes).toEqual(expect.arrayContaining(["3des", "64-bit-block"]));
    expect(facts["tls.suites"].suitesByClass["3des"]).toContain("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA");
  });

  it("sees a TLS 1.3-only server through HelloRetryRequests, without any key exchange", async () => {
    const facts = await scan(lab.endpoint("tls13-only"));

    expect(facts["tls.versions"].accepted).toEqual(["TLSv1.3"]);
    expect(facts["tls.suites"].names).toHaveLength(3);
  });

  it("runs over SMTP STARTTLS through the negotiator seam and sees the same server", async () => {
    const [overSmtp, direct] = await Promise.all([scan(lab.endpoint("smtp")), scan(lab.endpoint("modern"))]);

    expect(overSmtp["tls.versions"]).toEqual(direct["tls.versions"]);
    expect(overSmtp["tls.suites"].names).toEqual(direct["tls.suites"].names);
  });

  it("scans only the versions asked for", async () => {
    const facts = await scan(lab.endpoint("modern"), { versions: ["TLSv1.3"] });

    expect(facts["tls.versions"]).toMatchObject({ accepted: ["TLSv1.3"], refused: [] });
    await expect(scan(lab.endpoint("modern"), { versions: ["TLSv9"] })).rejects.toThrow(/parameter versions/);
  });
});

describe("tls-versions-suites against broken servers", () => {
  it.each([
    ["refusing", /ECONNREFUSED/],
    // The reset may land before or after the hello is written: either way the reason names it.
    ["resetting", /ECONNRESET|answered no ClientHello/],
    ["tarpit", /no TLS answer within 1000 ms/],
    ["garbage", /do not start a TLS record/],
    ["alert-always", /refused every protocol version \(handshake_failure\)/],
  ])("%s: error with a reason, within the timeout", async (name, reason) => {
    const started = Date.now();

    await expect(scan(hostileEndpoint(name))).rejects.toThrow(reason);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("an SMTP server without STARTTLS: not applicable, naming the missing capability", async () => {
    const server = hostile.get("smtp-no-starttls") as LoopbackServer;
    const outcome = await tlsVersionsSuitesProbe.collect(
      parseEndpoint(`smtp://127.0.0.1:${server.port}`),
      {},
      probeTestDeps({ limits: { connectTimeoutMs: 1_000 } }),
    );

    expect(outcome).toEqual({ notApplicable: expect.stringMatching(/^no TLS to assess: smtp-starttls: EHLO: server does not offer STARTTLS/) });
  });

  it("is not applicable to schemes without TLS", async () => {
    const outcome = await tlsVersionsSuitesProbe.collect(parseEndpoint("tcp://127.0.0.1:1"), {}, probeTestDeps());

    expect(outcome).toEqual({ notApplicable: "tcp has no TLS layer hardcheck can reach" });
  });
});
