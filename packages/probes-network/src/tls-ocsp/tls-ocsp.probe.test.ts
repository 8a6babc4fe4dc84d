import { execFile } from "node:child_process";
import { createServer, type Socket } from "node:net";
import type { Endpoint } from "@hardcheck/core";
import { factsFrom } from "@hardcheck/core";
import { probeTestDeps, startTlsLab, type TlsLab } from "@hardcheck/labs";
import { type LoopbackServer, reserveLoopbackPort, startTarpitServer } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TlsOcspFacts, tlsOcspFacts, tlsOcspProbe } from "./tls-ocsp.probe.js";

/** How each extra `openssl ocsp` signs (RFC 6960 §4.2.2.2): the issuer itself in three encodings, a delegated signer, and two that must not be believed. */
const RESPONDER_SHAPES = {
  issuerSigned: { signer: "issuer", extra: [] },
  issuerSignedNoCerts: { signer: "issuer", extra: ["-resp_no_certs"] },
  issuerSignedKeyId: { signer: "issuer", extra: ["-resp_key_id"] },
  delegatedKeyIdNoCerts: { signer: "delegated", extra: ["-resp_key_id", "-resp_no_certs"] },
  forgedIssuerName: { signer: "impostor", extra: [] },
  delegatedWithoutOcspSigning: { signer: "serverLeaf", extra: [] },
} as const;
type ResponderShape = keyof typeof RESPONDER_SHAPES;

let lab: TlsLab;
const responders = new Map<string, LoopbackServer>();
const endpoints = new Map<string, Endpoint>();

async function ocspOf(endpoint: Endpoint, params = {}): Promise<TlsOcspFacts> {
  const outcome = await tlsOcspProbe.collect(endpoint, params, probeTestDeps({ trust: { caCertificates: [] }, limits: { connectTimeoutMs: 1_000 } }));
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(tlsOcspFacts, outcome);
}

/** Answers every connection with `reply` and closes it, as an HTTP/1.0 server does. */
async function startClosingHttpServer(reply: string): Promise<LoopbackServer & { readonly connections: number }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.end(reply);
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return {
    port: address.port,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let counting: LoopbackServer & { readonly connections: number };

beforeAll(async () => {
  responders.set("hanging", await startTarpitServer());
  responders.set("garbage", await startClosingHttpServer("HTTP/1.0 200 OK\r\ncontent-type: application/ocsp-response\r\n\r\nthis is no OCSP response"));
  counting = await startClosingHttpServer("HTTP/1.0 200 OK\r\ncontent-type: application/ocsp-response\r\n\r\nthis is no OCSP response either");
  responders.set("counting", counting);
  const refusedPort = await reserveLoopbackPort();
  const leafPointingAt = (url: string) => ({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"], ocspUrl: url });
  const responderPorts = new Map<ResponderShape, number>();
  for (const shape of Object.keys(RESPONDER_SHAPES) as ResponderShape[]) responderPorts.set(shape, await reserveLoopbackPort());
  lab = await startTlsLab(["modern", "revoked", "self-signed", "smtp"], {
    extraLeaves: {
      ...Object.fromEntries([...responderPorts].map(([shape, port]) => [shape, leafPointingAt(`http://127.0.0.1:${port}/`)])),
      hangingResponder: leafPointingAt(`http://127.0.0.1:${responders.get("hanging")?.port}/`),
      garbageResponder: leafPointingAt(`http://127.0.0.1:${responders.get("garbage")?.port}/`),
      refusedResponder: leafPointingAt(`http://127.0.0.1:${refusedPort}/`),
      countedResponder: leafPointingAt(`http://127.0.0.1:${counting.port}/`),
    },
  });
  for (const name of ["hangingResponder", "garbageResponder", "refusedResponder"]) endpoints.set(name, await lab.serveLeaf(name));
  const signerFiles = {
    issuer: ["-rsigner", lab.pki.intermediatePath, "-rkey", lab.pki.intermediateKeyPath],
    impostor: ["-rsigner", lab.pki.impostor.certPath, "-rkey", lab.pki.impostor.keyPath],
    serverLeaf: ["-rsigner", lab.pki.leaves.good?.certPath ?? "", "-rkey", lab.pki.leaves.good?.keyPath ?? ""],
    delegated: ["-rsigner", lab.pki.ocspSigner.certPath, "-rkey", lab.pki.ocspSigner.keyPath],
  };
  for (const [shape, port] of responderPorts) {
    const { signer, extra } = RESPONDER_SHAPES[shape];
    await lab.startOcspResponder([...signerFiles[signer], ...extra], port);
    endpoints.set(shape, await lab.serveLeaf(shape));
  }
}, 30_000);

afterAll(async () => {
  await Promise.all([lab?.close(), ...[...responders.values()].map((server) => server.close())]);
});

describe("tls-ocsp against openssl ocsp and s_server stapling", () => {
  it("good: the responder (a delegated signer) says good, echoes the nonce, and the staple verifies", async () => {
    const facts = await ocspOf(lab.endpoint("modern"));

    expect(facts["tls.ocsp"]).toMatchObject({
      status: "good",
      responderUrl: `http://127.0.0.1:${lab.ocspResponder.port}/`,
      signatureValid: true,
      delegatedResponder: true,
      nonceMatched: true,
      fresh: true,
      revokedAt: null,
    });
    expect(facts["tls.ocspStaple"]).toMatchObject({ present: true, status: "good", signatureValid: true, fresh: true });
    expect(facts["tls.crlDistributionPoints"]).toEqual([`http://127.0.0.1:${lab.crlServer.port}/lab.crl`]);
    expect(facts["tls.crl"]).toMatchObject({ status: "good", signatureValid: true, url: `http://127.0.0.1:${lab.crlServer.port}/lab.crl` });
  });

  it("asks the responder once per scan for a certificate served on several endpoints", async () => {
    const first = await lab.serveLeaf("countedResponder");
    const second = await lab.serveLeaf("countedResponder");
    const deps = probeTestDeps({ trust: { caCertificates: [] }, limits: { connectTimeoutMs: 1_000 } });
    const before = counting.connections;
    const answers = await Promise.all([first, second, first].map((endpoint) => tlsOcspProbe.collect(endpoint, {}, deps)));
    expect(counting.connections - before).toBe(1);
    for (const answer of answers) expect(answer).toMatchObject({ facts: { "tls.ocsp": { status: "invalid" } } });
    // Another scan (another cache) asks again.
    await tlsOcspProbe.collect(first, {}, probeTestDeps({ trust: { caCertificates: [] }, limits: { connectTimeoutMs: 1_000 } }));
    expect(counting.connections - before).toBe(2);
  });

  it("revoked: status, time and reason from the responder; no staple", async () => {
    const facts = await ocspOf(lab.endpoint("revoked"));

    expect(facts["tls.ocsp"]).toMatchObject({ status: "revoked", revocationReason: "keyCompromise", signatureValid: true });
    expect(Date.parse(facts["tls.ocsp"].revokedAt ?? "")).toBeLessThanOrEqual(Date.now());
    expect(facts["tls.ocspStaple"]).toMatchObject({ present: false, status: "not-checked" });
  });

  it("runs over SMTP STARTTLS", async () => {
    const facts = await ocspOf(lab.endpoint("smtp"));

    expect(facts["tls.ocsp"].status).toBe("good");
    expect(facts["tls.ocspStaple"].present).toBe(true);
  });

  it("a self-signed certificate names no responder", async () => {
    const facts = await ocspOf(lab.endpoint("self-signed"));

    expect(facts["tls.ocsp"]).toMatchObject({ status: "no-responder", responderUrl: null });
  });

  it("queryResponder: false reads only the staple", async () => {
    const facts = await ocspOf(lab.endpoint("modern"), { queryResponder: false });

    expect(facts["tls.ocsp"].status).toBe("not-checked");
    expect(facts["tls.ocspStaple"].status).toBe("good");
  });
});

/** The reference: `openssl ocsp` asks the same responder and verifies against the lab root (asynchronously: the bridge to the responder runs in this process). */
function opensslVerifies(leafName: string, url: string): Promise<boolean> {
  const args = ["ocsp", "-issuer", lab.pki.intermediatePath, "-cert", lab.pki.leaves[leafName]?.certPath ?? "", "-url", url, "-CAfile", lab.pki.rootPath];
  return new Promise((resolve) =>
    execFile("openssl", args, { timeout: 10_000 }, (_error, stdout, stderr) => resolve(/Response verify OK/.test(`${stdout}${stderr}`))),
  );
}

describe("tls-ocsp judges who signed the response as RFC 6960 §4.2.2.2 does (openssl ocsp -verify agrees)", () => {
  it.each<[ResponderShape, { signatureValid: boolean; delegatedResponder: boolean | null; signatureProblem: RegExp | null }]>([
    ["issuerSigned", { signatureValid: true, delegatedResponder: false, signatureProblem: null }],
    ["issuerSignedNoCerts", { signatureValid: true, delegatedResponder: false, signatureProblem: null }],
    ["issuerSignedKeyId", { signatureValid: true, delegatedResponder: false, signatureProblem: null }],
    ["forgedIssuerName", { signatureValid: false, delegatedResponder: false, signatureProblem: /does not verify with the issuer's key/ }],
    ["delegatedWithoutOcspSigning", { signatureValid: false, delegatedResponder: true, signatureProblem: /OCSPSigning/ }],
  ])("%s", async (shape, expected) => {
    const facts = await ocspOf(endpoints.get(shape) as Endpoint);

    expect(await opensslVerifies(shape, facts["tls.ocsp"].responderUrl as string)).toBe(expected.signatureValid);
    expect(facts["tls.ocsp"]).toMatchObject({ status: "good", signatureValid: expected.signatureValid, delegatedResponder: expected.delegatedResponder });
    if (expected.signatureProblem) expect(facts["tls.ocsp"].signatureProblem).toMatch(expected.signatureProblem);
    else expect(facts["tls.ocsp"].signatureProblem).toBeNull();
  });

  it("a delegated responder named by key hash, its certificate left out, cannot be verified", async () => {
    const facts = await ocspOf(endpoints.get("delegatedKeyIdNoCerts") as Endpoint);

    expect(await opensslVerifies("delegatedKeyIdNoCerts", facts["tls.ocsp"].responderUrl as string)).toBe(false);
    expect(facts["tls.ocsp"]).toMatchObject({ status: "good", signatureValid: false });
    expect(facts["tls.ocsp"].signatureProblem).toMatch(/neither the issuer nor a certificate/);
  });
});

describe("tls-ocsp with broken responders: a status with the reason, within the timeout", () => {
  it.each([
    ["hangingResponder", "unreachable", /no answer within 1000 ms/],
    ["refusedResponder", "unreachable", /ECONNREFUSED/],
    ["garbageResponder", "invalid", /not an OCSPResponse/],
  ])("%s → %s", async (name, status, reason) => {
    const started = Date.now();
    const facts = await ocspOf(endpoints.get(name) as Endpoint);

    expect(facts["tls.ocsp"].status).toBe(status);
    expect(facts["tls.ocsp"].reason).toMatch(reason);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
