import { type Endpoint, factsFrom, type ProbeDeps, parseEndpoint } from "@hardcheck/core";
import { type LabServerName, probeTestDeps, startTlsLab, type TlsLab } from "@hardcheck/labs";
import { type LoopbackServer, startGarbageServer, startTlsServer } from "@hardcheck/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CERTIFICATE_BYTES, parseCertificate } from "../support/certificate-details.js";
import { countRequestedAuthorities } from "../tls-client/presented-chain.js";
import { type TlsChainFacts, type TlsChainValidationFact, tlsChainFacts, tlsChainProbe } from "./tls-chain.probe.js";

let lab: TlsLab;
const extra = new Map<string, LoopbackServer>();

function trustingLabRoot(): ProbeDeps {
  return probeTestDeps({ trust: { caCertificates: [lab.rootPem] } });
}

async function chainOf(endpoint: Endpoint, deps: ProbeDeps = trustingLabRoot()): Promise<TlsChainFacts> {
  const outcome = await tlsChainProbe.collect(endpoint, {}, deps);
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(tlsChainFacts, outcome);
}

beforeAll(async () => {
  lab = await startTlsLab([
    "modern",
    "tls13-only",
    "ecdsa",
    "expired",
    "sha1",
    "wrong-host",
    "self-signed",
    "missing-intermediate",
    "weak-key",
    "client-auth-only",
    "smtp",
  ]);
  const good = lab.pki.leaves.good;
  if (!good) throw new Error("lab has no good leaf");
  const { readFileSync } = await import("node:fs");
  const keyPem = readFileSync(good.keyPath, "utf8");
  // Leaf, then root before intermediate: every certificate present, the order wrong.
  extra.set(
    "misordered",
    await startTlsServer({ certPem: good.certPem, keyPem, chainPem: good.certPem + lab.rootPem + lab.pki.intermediatePem, maxVersion: "TLSv1.2" }),
  );
  // Leaf, intermediate, then the intermediate again and again: a chain of more than 64 KB.
  extra.set(
    "huge-chain",
    await startTlsServer({ certPem: good.certPem, keyPem, chainPem: good.certPem + lab.pki.intermediatePem.repeat(72), maxVersion: "TLSv1.2" }),
  );
  extra.set("malformed-certificate", await startGarbageServer(serverHelloWithJunkCertificate()));
}, 30_000);

afterAll(async () => {
  await Promise.all([lab?.close(), ...[...extra.values()].map((server) => server.close())]);
});

/** A TLS 1.2 ServerHello followed by a Certificate message whose one "certificate" is 40 bytes of junk. */
function serverHelloWithJunkCertificate(): Uint8Array {
  const serverHelloBody = Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32, 7), Buffer.from([0]), Buffer.from([0xc0, 0x2f]), Buffer.from([0])]);
  const junk = Buffer.alloc(40, 0x30);
  const certificateList = Buffer.concat([Buffer.from([0, 0, junk.length]), junk]);
  const certificateBody = Buffer.concat([Buffer.from([0, 0, certificateList.length]), certificateList]);
  const message = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type, 0, body.length >> 8, body.length & 0xff]), body]);
  const handshake = Buffer.concat([message(2, serverHelloBody), message(11, certificateBody), message(14, Buffer.alloc(0))]);
  return Buffer.concat([Buffer.from([22, 3, 3, handshake.length >> 8, handshake.length & 0xff]), handshake]);
}

const GOOD: Partial<TlsChainValidationFact> = {
  trusted: true,
  failure: null,
  inOrder: true,
  complete: true,
  leafSelfSigned: false,
  validNow: true,
  leafServerAuth: true,
  hostname: { name: "127.0.0.1", matches: true },
  signatureHashes: ["sha256"],
};

describe("tls-chain verdict facts, one lab server per defect", () => {
  it.each<[LabServerName, Partial<TlsChainValidationFact>]>([
    ["modern", { ...GOOD, validator: "node-forge", source: "clear-text", presentedCount: 2, smallestRsaBits: 2048, smallestEcBits: null }],
    ["ecdsa", { ...GOOD, validator: "node-crypto", smallestEcBits: 256, smallestRsaBits: 2048 }],
    ["expired", { trusted: false, failure: "expired", validNow: false, complete: true }],
    ["sha1", { trusted: false, failure: "weak-signature", failureDetail: expect.stringMatching(/CN=localhost.*sha1/), signatureHashes: ["sha1", "sha256"] }],
    ["wrong-host", { trusted: true, hostname: { name: "127.0.0.1", matches: false } }],
    ["self-signed", { trusted: false, failure: "self-signed", leafSelfSigned: true, complete: true, presentedCount: 1 }],
    [
      "missing-intermediate",
      {
        trusted: false,
        failure: "unknown-issuer",
        complete: false,
        unknownIssuer: "CN=hardcheck lab intermediate,O=hardcheck lab",
        inOrder: true,
        presentedCount: 1,
        anchor: null,
      },
    ],
    ["weak-key", { trusted: true, smallestRsaBits: 1024 }],
    ["client-auth-only", { trusted: false, failure: "not-for-server-auth", leafServerAuth: false, leafExtendedKeyUsage: ["clientAuth"] }],
    ["tls13-only", { ...GOOD, source: "node-tls", inOrder: null, protocol: "TLSv1.3" }],
    ["smtp", { ...GOOD, source: "clear-text" }],
  ])("%s", async (name, expected) => {
    const facts = await chainOf(lab.endpoint(name));

    expect(facts["tls.chainValidation"]).toMatchObject(expected);
    expect(facts["tls.chainCertificates"][0]).toMatchObject({ position: 0, subject: expect.stringContaining("CN=") });
  });

  it("reports the path up to the lab root and each certificate's OCSP and CRL URLs", async () => {
    const facts = await chainOf(lab.endpoint("modern"));

    expect(facts["tls.chainValidation"].path).toEqual([
      "CN=localhost,O=hardcheck lab",
      "CN=hardcheck lab intermediate,O=hardcheck lab",
      "CN=hardcheck lab root,O=hardcheck lab",
    ]);
    expect(facts["tls.chainCertificates"][0]).toMatchObject({
      signatureAlgorithm: "sha256WithRSAEncryption",
      keyUsage: ["digitalSignature", "keyEncipherment"],
      extendedKeyUsage: ["serverAuth"],
      ocspUrls: [`http://127.0.0.1:${lab.ocspResponder.port}/`],
      crlUrls: [`http://127.0.0.1:${lab.crlServer.port}/lab.crl`],
      isCa: false,
    });
    expect(facts["tls.chainCertificates"][1]).toMatchObject({ isCa: true, keyUsage: ["keyCertSign", "cRLSign"] });
  });

  it("notes whether the server requests a client certificate, and how many issuers it names", async () => {
    const requesting = await lab.serveLeaf("good", ["-verify", "1", "-CAfile", lab.pki.rootPath, "-tls1_2"]);
    const tls13Only = await chainOf(lab.endpoint("tls13-only"));

    expect((await chainOf(lab.endpoint("modern")))["tls.clientCertificateRequest"]).toEqual({ requested: false, certificateAuthorities: null });
    expect((await chainOf(requesting))["tls.clientCertificateRequest"]).toEqual({ requested: true, certificateAuthorities: 1 });
    expect(tls13Only["tls.clientCertificateRequest"]).toEqual({ requested: null, certificateAuthorities: null });
  });

  it("counts a CertificateRequest's authorities for TLS 1.2 and 1.0 layouts and refuses a body that does not add up", () => {
    const authorities = Buffer.from([0x00, 0x08, 0x00, 0x02, 0x30, 0x00, 0x00, 0x02, 0x30, 0x00]);
    const tls12 = Buffer.concat([Buffer.from([0x01, 0x01, 0x00, 0x02, 0x04, 0x01]), authorities]);
    const tls10 = Buffer.concat([Buffer.from([0x01, 0x01]), authorities]);

    expect(countRequestedAuthorities(tls12, 0x0303)).toBe(2);
    expect(countRequestedAuthorities(tls10, 0x0301)).toBe(2);
    expect(countRequestedAuthorities(tls12.subarray(0, tls12.length - 1), 0x0303)).toBeNull();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.constantFrom(0x0301, 0x0303), (bytes, version) => {
        const count = countRequestedAuthorities(Buffer.from(bytes), version);
        expect(count === null || (Number.isInteger(count) && count >= 0)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it("without the lab root in the trust store the same chain is complete but not trusted", async () => {
    const facts = await chainOf(lab.endpoint("modern"), probeTestDeps());

    expect(facts["tls.chainValidation"]).toMatchObject({
      trusted: false,
      failure: "unknown-issuer",
      complete: true,
      unknownIssuer: "CN=hardcheck lab root,O=hardcheck lab",
      anchor: null,
    });
  });

  it("sees a misordered chain in the server's order", async () => {
    const server = extra.get("misordered") as LoopbackServer;
    const facts = await chainOf(parseEndpoint(`tls://127.0.0.1:${server.port}`));

    expect(facts["tls.chainValidation"]).toMatchObject({ inOrder: false, complete: true, trusted: true, presentedCount: 3 });
  });

  it("reads a 64 KB chain and counts the certificates that are not on the path", async () => {
    const server = extra.get("huge-chain") as LoopbackServer;
    const facts = await chainOf(parseEndpoint(`tls://127.0.0.1:${server.port}`));

    expect(facts["tls.chainValidation"]).toMatchObject({ presentedCount: 73, unusedCount: 71, inOrder: false, trusted: true });
  });

  it("a certificate beyond the size hardcheck reads is an error that names hardcheck's limit, not a defect of the server", () => {
    expect(() => parseCertificate(Buffer.alloc(MAX_CERTIFICATE_BYTES + 1, 0x30))).toThrow(
      /hardcheck reads certificates up to 1048576 bytes.*a limit of hardcheck/,
    );
  });

  it("a malformed certificate is an error with a reason", async () => {
    const server = extra.get("malformed-certificate") as LoopbackServer;

    await expect(chainOf(parseEndpoint(`tls://127.0.0.1:${server.port}`))).rejects.toThrow(/malformed certificate/);
  });
});
