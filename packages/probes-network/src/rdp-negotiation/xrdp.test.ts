/**
 * rdp-negotiation against a real Debian xrdp daemon (0.9.21) on loopback, one per `security_layer`.
 * xrdp has no CredSSP, so it can neither select nor require NLA: those answers stay the fixture's
 * (fixtures/rdp-fixture.ts, written from MS-RDPBCGR). Where xrdp answers differently from the fixture's
 * nearest policy, the test says so.
 */
import { type Socket, connect as tcpConnect } from "node:net";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import { factsFrom, parseEndpoint } from "@hardcheck/core";
import { probeTestDeps, startXrdpLab, XRDP_TLS_VERSIONS, type XrdpLab, type XrdpPosture } from "@hardcheck/labs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConnectionConfirm, connectionRequest, frameTpkt, parseConnectionConfirm, RDP_PROTOCOL } from "../codecs/rdp/x224.js";
import { tlsHandshakeFacts, tlsHandshakeProbe } from "../tls-handshake/tls-handshake.probe.js";
import { tlsVersionsSuitesFacts, tlsVersionsSuitesProbe } from "../tls-versions-suites/tls-versions-suites.probe.js";
import { type RdpNegotiationFacts, rdpNegotiationFacts, rdpNegotiationProbe } from "./rdp-negotiation.probe.js";

const POSTURES: XrdpPosture[] = ["negotiate", "tls", "rdp"];
const labs = new Map<XrdpPosture, XrdpLab>();
const IO_TIMEOUT_MS = 3_000;

beforeAll(async () => {
  for (const posture of POSTURES) labs.set(posture, await startXrdpLab(posture));
}, 60_000);

afterAll(async () => {
  for (const lab of labs.values()) await lab.close();
});

function labFor(posture: XrdpPosture): XrdpLab {
  const lab = labs.get(posture);
  if (lab === undefined) throw new Error(`xrdp ${posture} lab did not start`);
  return lab;
}

async function negotiationOf(posture: XrdpPosture): Promise<RdpNegotiationFacts["rdp.negotiation"]> {
  const outcome = await rdpNegotiationProbe.collect(parseEndpoint(`rdp://127.0.0.1:${labFor(posture).port}`), {}, probeTestDeps());
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(rdpNegotiationFacts, outcome)["rdp.negotiation"];
}

/** Opens a TCP connection, sends one Connection Request and reads exactly one Connection Confirm, leaving the socket open and paused. */
async function requestOnRawSocket(port: number, requested: number): Promise<{ socket: Socket; confirm: ConnectionConfirm; surplus: Buffer }> {
  const socket = tcpConnect({ host: "127.0.0.1", port });
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`no Connection Confirm within ${IO_TIMEOUT_MS} ms`)), IO_TIMEOUT_MS);
    socket.once("error", fail);
    socket.once("connect", () => socket.write(connectionRequest(requested)));
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      let length: number | null;
      try {
        length = frameTpkt(buffered);
      } catch (error) {
        fail(error as Error);
        return;
      }
      if (length === null) return;
      clearTimeout(timer);
      // Stop reading here: whatever comes next belongs to the TLS layer, not to this reader.
      socket.off("data", onData);
      socket.off("error", fail);
      socket.pause();
      resolve({ socket, confirm: parseConnectionConfirm(buffered.subarray(0, length)), surplus: buffered.subarray(length) });
    };
    socket.on("data", onData);
  });
}

/** Runs a TLS client handshake on an already connected socket. */
function tlsOver(socket: Socket): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({ socket, rejectUnauthorized: false });
    const timer = setTimeout(() => {
      tls.destroy();
      reject(new Error(`no TLS handshake within ${IO_TIMEOUT_MS} ms`));
    }, IO_TIMEOUT_MS);
    tls.once("secureConnect", () => {
      clearTimeout(timer);
      resolve(tls);
    });
    tls.once("error", (error) => {
      clearTimeout(timer);
      tls.destroy();
      reject(error);
    });
  });
}

describe("rdp-negotiation against a real xrdp 0.9.21 (no CredSSP: NLA can be neither selected nor required)", () => {
  it("security_layer=negotiate: TLS selected when offered, standard RDP security accepted (fixture `negotiate` selects CredSSP instead)", async () => {
    const negotiation = await negotiationOf("negotiate");

    expect(negotiation).toMatchObject({ selectedProtocol: "tls", nlaRequired: false, tlsOffered: true, legacyAccepted: true, failureCode: null });
    expect(negotiation.attempts).toEqual([
      { requested: ["tls", "credssp", "credssp-early-user-auth"], answer: "selected tls" },
      { requested: ["tls"], answer: "selected tls" },
      { requested: ["standard-rdp-security"], answer: "selected standard-rdp-security" },
    ]);
  });

  it("security_layer=tls: TLS selected, standard RDP security refused with SSL_REQUIRED_BY_SERVER (fixture `tls-required` selects CredSSP for request 1)", async () => {
    const negotiation = await negotiationOf("tls");

    expect(negotiation).toMatchObject({ selectedProtocol: "tls", nlaRequired: false, tlsOffered: true, legacyAccepted: false, failureCode: null });
    expect(negotiation.attempts).toEqual([
      { requested: ["tls", "credssp", "credssp-early-user-auth"], answer: "selected tls" },
      { requested: ["tls"], answer: "selected tls" },
      { requested: ["standard-rdp-security"], answer: "failure SSL_REQUIRED_BY_SERVER" },
    ]);
  });

  it("security_layer=rdp: selects standard RDP security even when only TLS is asked for (fixture `rdp-only` refuses with SSL_NOT_ALLOWED_BY_SERVER)", async () => {
    const negotiation = await negotiationOf("rdp");

    expect(negotiation).toMatchObject({
      selectedProtocol: "standard-rdp-security",
      nlaRequired: false,
      tlsOffered: false,
      legacyAccepted: true,
      failureCode: null,
    });
    expect(negotiation.attempts).toEqual([
      { requested: ["tls", "credssp", "credssp-early-user-auth"], answer: "selected standard-rdp-security" },
      { requested: ["tls"], answer: "selected standard-rdp-security" },
      { requested: ["standard-rdp-security"], answer: "selected standard-rdp-security" },
    ]);
  });

  // The probe never sends CredSSP alone; this records what a server without CredSSP does with such a request.
  it.each<{ posture: XrdpPosture; confirm: ConnectionConfirm }>([
    // Not HYBRID_REQUIRED / SSL_NOT_ALLOWED: xrdp falls back to standard RDP security.
    { posture: "negotiate", confirm: { kind: "response", flags: 0x01, selectedProtocol: RDP_PROTOCOL.rdp } },
    { posture: "tls", confirm: { kind: "failure", failureCode: 1 } },
    { posture: "rdp", confirm: { kind: "response", flags: 0x01, selectedProtocol: RDP_PROTOCOL.rdp } },
  ])("security_layer=$posture answers a CredSSP-only request with $confirm.kind", async ({ posture, confirm }) => {
    const { socket, confirm: answer } = await requestOnRawSocket(labFor(posture).port, RDP_PROTOCOL.hybrid);
    socket.destroy();

    expect(answer).toEqual(confirm);
  });
});

describe("TLS starts on the raw socket right after RDP_NEG_RSP (real xrdp)", () => {
  it.each<XrdpPosture>(["tls", "negotiate"])("security_layer=%s: TLS handshake on the same socket shows the lab certificate", async (posture) => {
    const lab = labFor(posture);
    const { socket, confirm, surplus } = await requestOnRawSocket(lab.port, RDP_PROTOCOL.ssl);

    expect(confirm).toEqual({ kind: "response", flags: 0x01, selectedProtocol: RDP_PROTOCOL.ssl });
    // The server sends nothing after the Connection Confirm: it waits for the ClientHello.
    expect(surplus.length).toBe(0);
    const tls = await tlsOver(socket);
    try {
      expect(tls.getPeerX509Certificate()?.fingerprint256).toBe(lab.certificateFingerprint256);
      expect(tls.getProtocol()).toMatch(/^TLSv1\.[23]$/);
    } finally {
      tls.destroy();
    }
  });

  it("security_layer=rdp: the answer to a TLS request selects standard RDP security, so no TLS may follow", async () => {
    const { socket, confirm } = await requestOnRawSocket(labFor("rdp").port, RDP_PROTOCOL.ssl);
    socket.destroy();

    expect(confirm).toEqual({ kind: "response", flags: 0x01, selectedProtocol: RDP_PROTOCOL.rdp });
  });
});

describe("TLS probes over rdp:// through the rdp-tls negotiator (real xrdp)", () => {
  const endpointOf = (posture: XrdpPosture) => parseEndpoint(`rdp://127.0.0.1:${labFor(posture).port}`);
  const deps = () =>
    probeTestDeps({ trust: { caCertificates: POSTURES.map((posture) => labFor(posture).caPem) }, limits: { connectTimeoutMs: IO_TIMEOUT_MS } });

  it.each<XrdpPosture>(["tls", "negotiate"])("security_layer=%s: tls-handshake reports the lab certificate, trusted", async (posture) => {
    const outcome = await tlsHandshakeProbe.collect(endpointOf(posture), {}, deps());
    if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
    const facts = factsFrom(tlsHandshakeFacts, outcome);

    expect(facts["tls.leaf"].fingerprintSha256).toBe(labFor(posture).certificateFingerprint256);
    expect(facts["tls.trust"]).toEqual({ trusted: true, error: null, detail: null });
  });

  it("security_layer=tls: tls-versions-suites finds exactly the versions xrdp.ini allows", async () => {
    const outcome = await tlsVersionsSuitesProbe.collect(endpointOf("tls"), {}, deps());
    if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
    const facts = factsFrom(tlsVersionsSuitesFacts, outcome);

    expect(facts["tls.versions"].accepted).toEqual([...XRDP_TLS_VERSIONS]);
    expect(facts["tls.suites"].names.length).toBeGreaterThan(0);
  });

  it("security_layer=rdp: the TLS probes are not applicable, naming standard RDP security", async () => {
    const reason = expect.stringMatching(/^no TLS to assess: .*server selected standard-rdp-security, not TLS/);
    expect(await tlsHandshakeProbe.collect(endpointOf("rdp"), {}, deps())).toEqual({ notApplicable: reason });
    expect(await tlsVersionsSuitesProbe.collect(endpointOf("rdp"), {}, deps())).toEqual({ notApplicable: reason });
  });
});
