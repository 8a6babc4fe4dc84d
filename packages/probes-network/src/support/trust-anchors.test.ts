import { createSign, generateKeyPairSync, X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import type { TrustStore } from "@hardcheck/core";
import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { anchorCandidates } from "./trust-anchors.js";

type NameAttribute = { shortName: string; value: string; valueTagClass?: number };

const keys = forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });

/** A certificate signed by `keys`, with the subject and issuer attributes given as they are to be encoded. */
function certificate(serial: string, subject: NameAttribute[], issuer: NameAttribute[]): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date("2026-01-01T00:00:00Z");
  cert.validity.notAfter = new Date("2036-01-01T00:00:00Z");
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions([{ name: "basicConstraints", cA: true }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

const { PRINTABLESTRING, UTF8, BMPSTRING } = forge.asn1.Type;

// Certificates built byte by byte, for name encodings no certificate library writes.
const length = (n: number) => {
  if (n < 128) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};
const tlv = (tag: number, ...parts: (Buffer | string)[]) => {
  const content = Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part, "latin1") : part)));
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
};
const indefinite = (tag: number, ...parts: Buffer[]) => Buffer.concat([Buffer.from([tag, 0x80]), ...parts, Buffer.from([0, 0])]);
const sequence = (...parts: Buffer[]) => tlv(0x30, ...parts);
const rdn = (...parts: Buffer[]) => tlv(0x31, ...parts);
const CN = tlv(0x06, Buffer.from([0x55, 0x04, 0x03]));
const O = tlv(0x06, Buffer.from([0x55, 0x04, 0x0a]));
const attribute = (type: Buffer, value: Buffer) => sequence(type, value);
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, "utf8"));
const printableString = (text: string) => tlv(0x13, text);
const bmpString = (text: string) => tlv(0x1e, Buffer.from(text, "utf16le").swap16());
const ecdsaWithSha256 = sequence(tlv(0x06, Buffer.from([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02])));
const anchorKey = generateKeyPairSync("ec", { namedCurve: "P-256" });
const leafKey = generateKeyPairSync("ec", { namedCurve: "P-256" });
let serial = 0x10;

/** A certificate with exactly these issuer and subject bytes, signed by `signer`; `version: false` leaves the version field out (a v1 certificate). */
function built(issuer: Buffer, subject: Buffer, key: typeof anchorKey, signer: typeof anchorKey, version = true): X509Certificate {
  const spki = key.publicKey.export({ type: "spki", format: "der" });
  const validity = sequence(tlv(0x17, "260101000000Z"), tlv(0x17, "360101000000Z"));
  const basicConstraints = tlv(
    0xa3,
    sequence(sequence(tlv(0x06, Buffer.from([0x55, 0x1d, 0x13])), tlv(0x01, Buffer.from([0xff])), tlv(0x04, sequence(tlv(0x01, Buffer.from([0xff])))))),
  );
  const tbs = sequence(
    ...(version ? [tlv(0xa0, tlv(0x02, Buffer.from([2])))] : []),
    tlv(0x02, Buffer.from([serial++])),
    ecdsaWithSha256,
    issuer,
    validity,
    subject,
    spki,
    ...(version ? [basicConstraints] : []),
  );
  const signature = createSign("sha256").update(tbs).sign(signer.privateKey);
  return new X509Certificate(sequence(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature]))));
}
const toPem = (certificate: X509Certificate) => certificate.toString();

describe("anchorCandidates", () => {
  it("finds an anchor whose subject OpenSSL takes as the issuer even when the two names are encoded differently", () => {
    // The anchor's subject in UTF8String, mixed case, attributes in one order; the child's issuer in
    // PrintableString and BMPString, other case and spacing. OpenSSL's issuance check compares
    // canonical forms, so it takes these for one name: the index must not leave the anchor out.
    const anchorPem = certificate(
      "01",
      [
        { shortName: "O", value: "Example Trust", valueTagClass: UTF8 },
        { shortName: "CN", value: "Example Root CA", valueTagClass: UTF8 },
      ],
      [
        { shortName: "O", value: "Example Trust", valueTagClass: UTF8 },
        { shortName: "CN", value: "Example Root CA", valueTagClass: UTF8 },
      ],
    );
    const childPem = certificate(
      "02",
      [{ shortName: "CN", value: "Example Issuing CA", valueTagClass: UTF8 }],
      [
        { shortName: "O", value: "EXAMPLE   trust", valueTagClass: PRINTABLESTRING },
        { shortName: "CN", value: "example root ca", valueTagClass: BMPSTRING },
      ],
    );
    const anchor = new X509Certificate(anchorPem);
    const child = new X509Certificate(childPem);
    expect(Buffer.compare(anchor.raw, child.raw)).not.toBe(0);
    expect(child.checkIssued(anchor)).toBe(true);

    const trust: TrustStore = { caCertificates: [anchorPem], useSystemRoots: true };
    const candidates = anchorCandidates(trust, child);
    expect(candidates.map((candidate) => candidate.fingerprint256)).toEqual([anchor.fingerprint256]);
  });

  it("gives, for every system root, exactly the roots that are it or issue it, in store order", () => {
    const trust: TrustStore = { caCertificates: [], useSystemRoots: true };
    const roots = rootCertificates.map((pem) => new X509Certificate(pem));
    expect(roots.length).toBeGreaterThan(50);
    for (const root of roots) {
      const candidates = anchorCandidates(trust, root).map((candidate) => candidate.fingerprint256);
      const expected = roots.filter((other) => other.fingerprint256 === root.fingerprint256 || root.checkIssued(other)).map((other) => other.fingerprint256);
      // Every anchor OpenSSL would match is a candidate, and the candidates keep the store's order.
      expect(candidates.filter((fingerprint) => expected.includes(fingerprint))).toEqual(expected);
      // The index narrows: a root is not offered every other root.
      expect(candidates.length).toBeLessThan(5);
    }
  });

  const base = sequence(rdn(attribute(O, utf8("Example Trust"))), rdn(attribute(CN, utf8("Example Root CA"))));
  it.each([
    ["the same bytes", base, base, true],
    [
      "other case, spacing and string types",
      base,
      sequence(rdn(attribute(O, bmpString("  EXAMPLE\t TRUST "))), rdn(attribute(CN, printableString("example root ca")))),
      true,
    ],
    [
      "a multi-valued RDN in another order",
      sequence(rdn(attribute(O, utf8("X")), attribute(CN, utf8("Y")))),
      sequence(rdn(attribute(CN, utf8("y")), attribute(O, utf8("x")))),
      true,
    ],
    ["empty names", sequence(), sequence(), true],
    ["a version-less (v1) anchor", base, base, false],
    [
      "a string in pieces in the anchor's subject",
      sequence(rdn(attribute(CN, tlv(0x2c, tlv(0x04, "Example "), tlv(0x04, "Root"))))),
      sequence(rdn(attribute(CN, utf8("Example Root")))),
      true,
    ],
    [
      "a string in pieces in the child's issuer",
      sequence(rdn(attribute(CN, utf8("Child BER")))),
      sequence(rdn(attribute(CN, tlv(0x2c, tlv(0x04, "Child "), tlv(0x04, "BER"))))),
      true,
    ],
    [
      "an indefinite-length RDN in the anchor's subject",
      sequence(indefinite(0x31, attribute(CN, utf8("Indef CA")))),
      sequence(rdn(attribute(CN, utf8("Indef CA")))),
      true,
    ],
    [
      "an indefinite-length attribute in the child's issuer",
      sequence(rdn(attribute(CN, utf8("Indef CA")))),
      sequence(rdn(indefinite(0x30, CN, utf8("Indef CA")))),
      true,
    ],
    [
      "a five-octet length in the anchor's subject",
      sequence(rdn(attribute(CN, Buffer.from([0x0c, 0x85, 0, 0, 0, 0, 3, 0x41, 0x42, 0x43])))),
      sequence(rdn(attribute(CN, utf8("abc")))),
      true,
    ],
    [
      "bit strings that differ only in unused bits",
      sequence(rdn(attribute(tlv(0x06, Buffer.from([0x55, 0x04, 0x2d])), tlv(0x03, Buffer.from([1, 0xff]))))),
      sequence(rdn(attribute(tlv(0x06, Buffer.from([0x55, 0x04, 0x2d])), tlv(0x03, Buffer.from([1, 0xfe]))))),
      true,
    ],
  ] as const)("offers the anchor OpenSSL takes as the issuer: %s", (_label, anchorSubject, childIssuer, version) => {
    const anchor = built(anchorSubject, anchorSubject, anchorKey, anchorKey, version);
    const child = built(childIssuer, sequence(rdn(attribute(CN, utf8("leaf")))), leafKey, anchorKey);
    // OpenSSL's own verdict is the reference: every case here is one it accepts.
    expect(child.checkIssued(anchor) && child.verify(anchor.publicKey)).toBe(true);
    const candidates = anchorCandidates({ caCertificates: [toPem(anchor)], useSystemRoots: true }, child);
    expect(candidates.map((candidate) => candidate.fingerprint256)).toContain(anchor.fingerprint256);
  });

  it("offers no anchor for a certificate none of them names", () => {
    const stranger = new X509Certificate(certificate("03", [{ shortName: "CN", value: "stranger.example" }], [{ shortName: "CN", value: "Nobody's CA" }]));
    expect(anchorCandidates({ caCertificates: [], useSystemRoots: true }, stranger)).toEqual([]);
  });

  it("keeps an anchor whose DER it cannot read as a candidate for every lookup", () => {
    const broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
    const stranger = new X509Certificate(certificate("04", [{ shortName: "CN", value: "a.example" }], [{ shortName: "CN", value: "Some CA" }]));
    expect(() => anchorCandidates({ caCertificates: [broken], useSystemRoots: false }, stranger)).toThrow();
  });
});
