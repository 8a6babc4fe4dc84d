import { X509Certificate } from "node:crypto";
import { type Socket } from "node:net";
import { PassThrough } from "node:stream";
import { type Endpoint, parseEndpoint } from "@hardcheck/core";
import { probeTestDeps } from "@hardcheck/labs";
import { createTestPki, type LoopbackServer, startGarbageServer, startScriptedServer, startTarpitServer } from "@hardcheck/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeConnectionConfirm, RDP_PROTOCOL } from "../codecs/rdp/x224.js";
import { tlsProbeSchemes } from "../connection/tls-stream.js";
import { type RdpFixture, type RdpFixturePolicy, startRdpFixture } from "../rdp-negotiation/fixtures/rdp-fixture.js";
import { type TlsChainFacts, tlsChainProbe } from "../tls-chain/tls-chain.probe.js";
import { type TlsHandshakeFacts, tlsHandshakeProbe } from "../tls-handshake/tls-handshake.probe.js";
import { type TlsVersionsSuitesFacts, tlsVersionsSuitesProbe } from "../tls-versions-suites/tls-versions-suites.probe.js";
import { BUILTIN_NEGOTIATOR_TABLE } from "./builtin.js";
import { RdpTlsStream } from "./rdp-tls.js";

const pki = createTestPki({ caCommonName: "hardcheck RDP TLS test CA" });
const leaf = pki.issueLeaf({ commonName: "rdp.lab.test", altNames: ["rdp.lab.test", "127.0.0.1"] });
const fixtures = new Map<RdpFixturePolicy, RdpFixture>();
const hostile = new Map<string, LoopbackServer>();

beforeAll(async () => {
  for (const policy of ["nla-required", "tls-required", "negotiate", "rdp-only", "pre-negotiation"] as const) {
    fixtures.set(policy, await startRdpFixture(policy, leaf));
  }
  hostile.set("ssh", await startGarbageServer("SSH-2.0-OpenSSH_9.6\r\n"));
  hostile.set("tarpit", await startTarpitServer());
  hostile.set("x224-refusal", await startX224RefusingServer(false));
  hostile.set("alert-and-x224-refusal", await startX224RefusingServer(true));
});

/** Selects TLS, then answers the ClientHello with a clear-text MCS Disconnect Provider Ultimatum (after a TLS alert, in one write, `withAlert`), as xrdp does when it refuses one. */
function startX224RefusingServer(withAlert: boolean): Promise<LoopbackServer> {
  return startScriptedServer((socket) => {
    let confirmed = false;
    socket.on("data", () => {
      if (confirmed) {
        // handshake_failure alert, then TPKT + X.224 Data + MCS Disconnect Provider Ultimatum.
        socket.end(Buffer.from(`${withAlert ? "15030300020228" : ""}0300000902f0802180`, "hex"));
        return;
      }
      confirmed = true;
      socket.write(encodeConnectionConfirm({ kind: "response", flags: 1, selectedProtocol: RDP_PROTOCOL.ssl }));
    });
  });
}

afterAll(async () => {
  for (const fixture of fixtures.values()) await fixture.close();
  for (const server of hostile.values()) await server.close();
});

function endpoint(name: string): Endpoint {
  const port = fixtures.get(name as RdpFixturePolicy)?.port ?? hostile.get(name)?.port;
  if (port === undefined) throw new Error(`no server ${name}`);
  return parseEndpoint(`rdp://127.0.0.1:${port}`);
}

function deps() {
  return probeTestDeps({ trust: { caCertificates: [pki.caPem] }, limits: { connectTimeoutMs: 1_000 } });
}

async function factsOf<T>(probe: typeof tlsHandshakeProbe, target: Endpoint): Promise<T> {
  const outcome = await probe.collect(target, {}, deps());
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return outcome.facts as unknown as T;
}

describe("TLS probes over rdp:// against the MS-RDPBCGR fixture (specification, not a live RDP server)", () => {
  it("are offered for rdp:// endpoints", () => {
    expect(tlsProbeSchemes(BUILTIN_NEGOTIATOR_TABLE)).toContain("rdp");
    expect(tlsHandshakeProbe.meta.schemes).toContain("rdp");
  });

  // A server that requires NLA still starts with TLS: CredSSP runs inside it.
  it.each(["nla-required", "tls-required", "negotiate"])("%s: tls-handshake reads the certificate after the Connection Confirm", async (policy) => {
    const facts = await factsOf<TlsHandshakeFacts>(tlsHandshakeProbe, endpoint(policy));

    expect(facts["tls.leaf"].fingerprintSha256).toBe(new X509Certificate(leaf.certPem).fingerprint256);
    expect(facts["tls.hostname"]).toEqual({ name: "127.0.0.1", matches: true });
    expect(facts["tls.trust"]).toEqual({ trusted: true, error: null, detail: null });
  });

  it("nla-required: tls-versions-suites and tls-chain run over the same negotiation", async () => {
    const [suites, chain] = await Promise.all([
      factsOf<TlsVersionsSuitesFacts>(tlsVersionsSuitesProbe, endpoint("nla-required")),
      factsOf<TlsChainFacts>(tlsChainProbe, endpoint("nla-required")),
    ]);

    expect(suites["tls.versions"].accepted).toEqual(["TLSv1.2", "TLSv1.3"]);
    expect(chain["tls.chainValidation"]).toMatchObject({ trusted: true, complete: true });
  });

  it.each([
    { policy: "rdp-only", reason: /^no TLS to assess: rdp-tls: Connection Confirm: server refused TLS and CredSSP with SSL_NOT_ALLOWED_BY_SERVER/ },
    { policy: "pre-negotiation", reason: /^no TLS to assess: .*predates RDP 5\.2 .* without TLS/ },
  ])("$policy: the TLS probes are not applicable, naming the server's answer", async ({ policy, reason }) => {
    expect(await tlsHandshakeProbe.collect(endpoint(policy), {}, deps())).toEqual({ notApplicable: expect.stringMatching(reason) });
    expect(await tlsVersionsSuitesProbe.collect(endpoint(policy), {}, deps())).toEqual({ notApplicable: expect.stringMatching(reason) });
  });

  it.each([
    { policy: "ssh", reason: /first byte 0x53 is not a TPKT version 3 header — the server is not speaking RDP/ },
    { policy: "tarpit", reason: /Connection Request: no reply within 1000 ms/ },
  ])("$policy: fails naming the reason", async ({ policy, reason }) => {
    await expect(factsOf(tlsHandshakeProbe, endpoint(policy))).rejects.toThrow(reason);
    await expect(factsOf(tlsVersionsSuitesProbe, endpoint(policy))).rejects.toThrow(reason);
  });

  it.each([
    { server: "x224-refusal", scan: /server answered no ClientHello \(server closed the connection without a TLS answer\)/ },
    { server: "alert-and-x224-refusal", scan: /server refused every protocol version/ },
  ])("$server: reads an X.224 packet where a TLS record belongs as a refusal, not as garbage", async ({ server, scan }) => {
    await expect(factsOf(tlsHandshakeProbe, endpoint(server))).rejects.toThrow(/TLS handshake failed/);
    await expect(factsOf(tlsVersionsSuitesProbe, endpoint(server))).rejects.toThrow(scan);
  });
});

describe("RdpTlsStream record follower (fuzz)", () => {
  const record = (type: number, length: number) => Buffer.concat([Buffer.from([type, 0x03, 0x03, length >> 8, length & 0xff]), Buffer.alloc(length, 0x03)]);

  it("passes TLS records through whole, however cut, and ends at an X.224 packet on a record boundary", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(0x15, 0x16, 0x17), fc.integer({ min: 0, max: 300 })), { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 30 }),
        async (records, cuts) => {
          const tls = Buffer.concat(records.map(([type, length]) => record(type, length)));
          const bytes = Buffer.concat([tls, Buffer.from("0300000902f0802180", "hex"), Buffer.from("trailing")]);
          const source = new PassThrough();
          const stream = new RdpTlsStream(source as unknown as Socket);
          const read: Buffer[] = [];
          const ended = new Promise<void>((resolve) => {
            stream.on("data", (chunk: Buffer) => read.push(chunk));
            stream.on("end", () => resolve());
          });
          let offset = 0;
          for (const cut of [...cuts, bytes.length]) {
            if (offset >= bytes.length || source.destroyed) break;
            source.write(bytes.subarray(offset, offset + cut));
            offset += cut;
          }
          await ended;
          expect(Buffer.concat(read).equals(tls)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
