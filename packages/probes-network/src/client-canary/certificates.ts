/**
 * The certificates a canary presents: a canary CA made per run, and one chain per
 * {@link CanaryCertificate}. Keys come from node:crypto (forge's pure-JS RSA generation takes
 * seconds); forge builds and signs. Every date is taken from the injected clock.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { isIP } from "node:net";
import forge from "node-forge";
import type { CanaryCertificate } from "./evidence.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** A chain to present and its key, PEM-encoded. */
export type CanaryChain = {
  /** Leaf first, then its issuers. */
  readonly chainPem: string;
  readonly keyPem: string;
};

/** The site's own chain and key, when the technician supplies them (`--cert/--key`). */
export type SiteChain = CanaryChain;

/** What {@link createCanaryCertificates} needs. */
export type CanaryCertificateOptions = {
  /** The instant the certificates are judged at: valid ones are valid then, the expired one expired before it. */
  readonly now: Date;
  /** Names the client uses to reach the canary (host names and IP literals): every trusted leaf except `wrong-host` carries them. */
  readonly names: readonly string[];
  /** The site's chain for `site`; the canary CA issues one when absent. */
  readonly site?: SiteChain;
  /** Base URL of the canary's revocation responder (`http://127.0.0.1:PORT`), named by the `revocation` leaf. */
  readonly revocationBaseUrl?: string;
};

/** The canary CA and the chain presented for each certificate. */
export type CanaryCertificates = {
  /** The canary CA, PEM: what the technician imports into the appliance's trust store for the `site` test. */
  readonly caPem: string;
  readonly chains: Readonly<Record<CanaryCertificate, CanaryChain>>;
  /** Serial number (hex) of the `revocation` leaf, which the responder reports revoked. */
  readonly revokedSerial: string;
  /** Signs the CRL and OCSP answers of the responder as the canary CA. */
  readonly caSigner: { readonly certificate: forge.pki.Certificate; readonly key: forge.pki.rsa.PrivateKey };
};

/** The name the `wrong-host` leaf is issued for: reserved (RFC 2606), so no client can expect it. */
export const WRONG_HOST_NAME = "wrong-host.hardcheck.invalid";

function rsaKeys(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey; keyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey,
    privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
    keyPem: privateKey,
  };
}

/** A positive serial of 16 random bytes, as forge wants it (hex). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01;
  return bytes.toString("hex");
}

const wholeSeconds = (time: number) => new Date(Math.floor(time / 1000) * 1000);

/** authorityInfoAccess with one OCSP responder URL, DER-encoded (forge has no encoder for it). */
function authorityInfoAccess(ocspUrl: string): forge.asn1.Asn1 {
  const { asn1 } = forge;
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer("1.3.6.1.5.5.7.48.1").getBytes()),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 6, false, ocspUrl),
    ]),
  ]);
}

type LeafSpec = {
  readonly names: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly issuer: { readonly certificate: forge.pki.Certificate; readonly key: forge.pki.rsa.PrivateKey } | null;
  readonly revocationBaseUrl?: string;
};

function issue(spec: LeafSpec, keys: ReturnType<typeof rsaKeys>): forge.pki.Certificate {
  const certificate = forge.pki.createCertificate();
  const subject = [
    { name: "commonName", value: spec.names[0] ?? "hardcheck canary" },
    { name: "organizationName", value: "hardcheck canary" },
  ];
  certificate.publicKey = keys.publicKey;
  certificate.serialNumber = serialNumber();
  certificate.validity.notBefore = spec.notBefore;
  certificate.validity.notAfter = spec.notAfter;
  certificate.setSubject(subject);
  certificate.setIssuer(spec.issuer ? spec.issuer.certificate.subject.attributes : subject);
  const extensions: object[] = [
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    { name: "subjectKeyIdentifier" },
    { name: "subjectAltName", altNames: spec.names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })) },
  ];
  if (spec.revocationBaseUrl !== undefined) {
    extensions.push({ id: "1.3.6.1.5.5.7.1.1", name: "authorityInfoAccess", value: authorityInfoAccess(`${spec.revocationBaseUrl}/ocsp`) });
    extensions.push({ name: "cRLDistributionPoints", altNames: [{ type: 6, value: `${spec.revocationBaseUrl}/canary.crl` }] });
  }
  certificate.setExtensions(extensions);
  certificate.sign(spec.issuer?.key ?? keys.privateKey, forge.md.sha256.create());
  return certificate;
}

/**
 * Makes the canary CA and every chain. Valid leaves run from a day before `now` to thirty days
 * after; the expired one ended a day before `now`.
 *
 * @example
 * ```ts
 * const certificates = createCanaryCertificates({ now: clock.now(), names: ["canary.example", "192.0.2.10"] });
 * certificates.chains["wrong-host"].chainPem;
 * ```
 */
export function createCanaryCertificates(options: CanaryCertificateOptions): CanaryCertificates {
  const now = options.now.getTime();
  const caKeys = rsaKeys();
  const ca = forge.pki.createCertificate();
  const caSubject = [
    { name: "commonName", value: `hardcheck canary CA ${randomBytes(4).toString("hex")}` },
    { name: "organizationName", value: "hardcheck canary" },
  ];
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serialNumber();
  ca.validity.notBefore = wholeSeconds(now - 2 * DAY_MS);
  ca.validity.notAfter = wholeSeconds(now + 60 * DAY_MS);
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());
  const caPem = forge.pki.certificateToPem(ca);
  const issuer = { certificate: ca, key: caKeys.privateKey };
  const leafKeys = rsaKeys();
  const valid = { notBefore: wholeSeconds(now - DAY_MS), notAfter: wholeSeconds(now + 30 * DAY_MS) };
  const chain = (certificate: forge.pki.Certificate, withCa: boolean): CanaryChain => ({
    chainPem: forge.pki.certificateToPem(certificate) + (withCa ? caPem : ""),
    keyPem: leafKeys.keyPem,
  });
  const revoked = issue({ names: options.names, ...valid, issuer, revocationBaseUrl: options.revocationBaseUrl ?? "http://127.0.0.1:9" }, leafKeys);
  return {
    caPem,
    chains: {
      site: options.site ?? chain(issue({ names: options.names, ...valid, issuer }, leafKeys), true),
      "self-signed": chain(issue({ names: options.names, ...valid, issuer: null }, leafKeys), false),
      "wrong-host": chain(issue({ names: [WRONG_HOST_NAME], ...valid, issuer }, leafKeys), true),
      expired: chain(issue({ names: options.names, notBefore: wholeSeconds(now - 60 * DAY_MS), notAfter: wholeSeconds(now - DAY_MS), issuer }, leafKeys), true),
      revocation: chain(revoked, true),
    },
    revokedSerial: revoked.serialNumber,
    caSigner: issuer,
  };
}
