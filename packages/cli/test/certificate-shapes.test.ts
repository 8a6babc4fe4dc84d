// Certificates that are odd but valid must get verdicts, never a crashed probe: no subject, no or an
// empty subjectAltName, thousands of names, unusual name types, control characters in names and a
// long chain, each served by a real TLS server and scanned with the whole tls-baseline pack (every
// probe that parses certificates: tls-handshake, tls-chain, tls-ocsp, tls-versions-suites).
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { configFromObject, type ReportDocument, resultsWithRules } from "@hardcheck/core";
import { renderConsole, renderHtml, renderMarkdown } from "@hardcheck/reporters";
import { type LoopbackServer, startTlsServer } from "@hardcheck/testkit";
import forge from "node-forge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInstance } from "../src/instance.js";

const DAY = 86_400_000;
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const key = forge.pki.privateKeyFromPem(keyPem);
const publicKey = forge.pki.setRsaPublicKey(key.n, key.e);

type Attributes = forge.pki.CertificateField[];
interface Issuer {
  readonly subject: Attributes;
  readonly certificate: forge.pki.Certificate;
}

/** One certificate, all signed with the shared key (only the structure is under test). */
function certificate(options: { subject: Attributes; issuer?: Issuer; extensions: object[] }): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${randomBytes(8).toString("hex")}`;
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + 400 * DAY);
  cert.setSubject(options.subject);
  cert.setIssuer(options.issuer?.subject ?? options.subject);
  cert.setExtensions(options.extensions);
  cert.sign(key, forge.md.sha256.create());
  return cert;
}

const caExtensions = [
  { name: "basicConstraints", cA: true, critical: true },
  { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
];
const root: Issuer = (() => {
  const subject = [{ name: "commonName", value: "shapes root" }];
  return { subject, certificate: certificate({ subject, extensions: caExtensions }) };
})();

/** A chain of `length` intermediates under the root, the last one issuing the leaves. */
function intermediates(length: number): Issuer[] {
  const chain: Issuer[] = [];
  let issuer = root;
  for (let i = 1; i <= length; i++) {
    const subject = [{ name: "commonName", value: `shapes intermediate ${i}` }];
    issuer = { subject, certificate: certificate({ subject, issuer, extensions: caExtensions }) };
    chain.push(issuer);
  }
  return chain;
}

const serverAuth = [
  { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
  { name: "extKeyUsage", serverAuth: true },
];
const altNames = (...names: object[]) => ({ name: "subjectAltName", altNames: names });
const dns = (value: string) => ({ type: 2, value });
const ip = (ip: string) => ({ type: 7, ip });

/** The shapes, each a leaf (and how long a chain of intermediates issues it). */
const SHAPES: Record<string, { subject: Attributes; extensions: object[]; chain?: number }> = {
  "no-subject": { subject: [], extensions: [...serverAuth, { ...altNames(dns("localhost"), ip("127.0.0.1")), critical: true }] },
  "no-subject-alt-name": { subject: [{ name: "commonName", value: "127.0.0.1" }], extensions: serverAuth },
  "empty-subject-alt-name": { subject: [{ name: "commonName", value: "127.0.0.1" }], extensions: [...serverAuth, altNames()] },
  "unusual-name-types": {
    subject: [
      { name: "commonName", value: "127.0.0.1" },
      { name: "organizationalUnitName", value: "first" },
      { name: "organizationalUnitName", value: "second" },
      { name: "emailAddress", value: "ops@example.test" },
      { type: "0.9.2342.19200300.100.1.25", value: "test" },
    ],
    extensions: [
      ...serverAuth,
      altNames(
        { type: 1, value: "ops@example.test" },
        { type: 6, value: "https://example.test/" },
        { type: 8, value: "1.2.3.4" },
        ip("::1"),
        ip("127.0.0.1"),
        dns("*.example.test"),
      ),
    ],
  },
  "control-characters": {
    subject: [{ name: "commonName", value: "evil\u001b[2J\u0007\u202ename", valueTagClass: forge.asn1.Type.UTF8 as number }],
    extensions: [...serverAuth, altNames(dns("evil\u001b]0;title\u0007.example.test"), ip("127.0.0.1"))],
  },
  "three-thousand-names": {
    subject: [{ name: "commonName", value: "127.0.0.1" }],
    extensions: [...serverAuth, altNames(...Array.from({ length: 3000 }, (_, i) => dns(`host-${i}.example.test`)), ip("127.0.0.1"))],
  },
  "eight-intermediates": { subject: [{ name: "commonName", value: "127.0.0.1" }], extensions: [...serverAuth, altNames(ip("127.0.0.1"))], chain: 8 },
};

describe("certificates of unusual shape", () => {
  const servers = new Map<string, LoopbackServer>();
  let report: ReportDocument;

  beforeAll(async () => {
    for (const [shape, spec] of Object.entries(SHAPES)) {
      const chain = intermediates(spec.chain ?? 1);
      const issuer = chain.at(-1) ?? root;
      const leaf = certificate({ subject: spec.subject, issuer, extensions: spec.extensions });
      const pems = [leaf, ...chain.reverse().map((link) => link.certificate)].map((cert) => forge.pki.certificateToPem(cert));
      servers.set(shape, await startTlsServer({ certPem: pems[0] as string, keyPem, chainPem: pems.join("") }));
    }
    const { hardcheck } = await createInstance(undefined, process.cwd());
    const config = configFromObject({
      packs: ["tls-baseline"],
      targets: [...servers].map(([id, server]) => ({ id, endpoints: [`tls://127.0.0.1:${server.port}`] })),
    });
    const setup = await hardcheck.resolve(config);
    report = await hardcheck.run({ ...setup, trust: { caCertificates: [forge.pki.certificateToPem(root.certificate)], useSystemRoots: false } });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([...servers.values()].map((server) => server.close()));
  });

  it.each(Object.keys(SHAPES))("%s: every rule gets a verdict, none an error", (shape) => {
    const results = resultsWithRules(report).filter((result) => result.target === shape);
    expect(results.length).toBeGreaterThan(15);
    expect(results.filter((result) => result.status === "error").map((result) => `${result.ruleId}: ${result.message}`)).toEqual([]);
    // The chain is whole and issued by the trusted root, whatever the leaf looks like.
    const trusted = results.find((result) => result.ruleId === "TLS-CHAIN-TRUSTED");
    expect(trusted?.status, JSON.stringify(trusted?.evidence)).toBe("pass");
  });

  it("keeps terminal control characters of certificate names out of what a person reads", () => {
    const ofShape = { ...report, results: report.results.filter((result) => result.target === "control-characters" || result.target === "no-subject") };
    const outputs = [renderConsole(ofShape, { verbose: true }), renderMarkdown(ofShape), renderHtml(ofShape)];
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
    const unprintable = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    for (const output of outputs) expect(output).not.toMatch(unprintable);
    // The name itself is still shown, escaped.
    expect(outputs[2]).toContain("CN=evil");
  });
});
