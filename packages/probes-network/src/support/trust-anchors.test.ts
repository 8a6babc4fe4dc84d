import { X509Certificate } from "node:crypto";
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

  it("offers no anchor for a certificate none of them names", () => {
    const stranger = new X509Certificate(certificate("03", [{ shortName: "CN", value: "stranger.example" }], [{ shortName: "CN", value: "Nobody's CA" }]));
    expect(anchorCandidates({ caCertificates: [], useSystemRoots: true }, stranger)).toEqual([]);
  });

  it("keeps an anchor whose DER it cannot read as a candidate for every lookup, so a broken CA file still surfaces", () => {
    const broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
    const stranger = new X509Certificate(certificate("04", [{ shortName: "CN", value: "a.example" }], [{ shortName: "CN", value: "Some CA" }]));
    expect(() => anchorCandidates({ caCertificates: [broken], useSystemRoots: false }, stranger)).toThrow();
  });
});
