/** Reads what TLS checks need from a DER certificate: Node's X509Certificate for names, keys and dates; pkijs for the fields Node does not expose (signature algorithm, key usages, AIA, CRL distribution points). */
import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { fromBER } from "asn1js";
import { Certificate } from "pkijs";
import { BoundedMemo, derKey, MEMO_MAX_DER_BYTES } from "./certificate-memo.js";

const SIGNATURE_ALGORITHMS: Readonly<Record<string, { name: string; hash: string }>> = {
  "1.2.840.113549.1.1.2": { name: "md2WithRSAEncryption", hash: "md2" },
  "1.2.840.113549.1.1.3": { name: "md4WithRSAEncryption", hash: "md4" },
  "1.2.840.113549.1.1.4": { name: "md5WithRSAEncryption", hash: "md5" },
  "1.2.840.113549.1.1.5": { name: "sha1WithRSAEncryption", hash: "sha1" },
  "1.2.840.113549.1.1.14": { name: "sha224WithRSAEncryption", hash: "sha224" },
  "1.2.840.113549.1.1.11": { name: "sha256WithRSAEncryption", hash: "sha256" },
  "1.2.840.113549.1.1.12": { name: "sha384WithRSAEncryption", hash: "sha384" },
  "1.2.840.113549.1.1.13": { name: "sha512WithRSAEncryption", hash: "sha512" },
  "1.2.840.113549.1.1.10": { name: "rsassaPss", hash: "pss" },
  "1.2.840.10045.4.1": { name: "ecdsa-with-SHA1", hash: "sha1" },
  "1.2.840.10045.4.3.1": { name: "ecdsa-with-SHA224", hash: "sha224" },
  "1.2.840.10045.4.3.2": { name: "ecdsa-with-SHA256", hash: "sha256" },
  "1.2.840.10045.4.3.3": { name: "ecdsa-with-SHA384", hash: "sha384" },
  "1.2.840.10045.4.3.4": { name: "ecdsa-with-SHA512", hash: "sha512" },
  "1.2.840.10040.4.3": { name: "dsa-with-SHA1", hash: "sha1" },
  "2.16.840.1.101.3.4.3.2": { name: "dsa-with-SHA256", hash: "sha256" },
  "1.3.101.112": { name: "Ed25519", hash: "none" },
  "1.3.101.113": { name: "Ed448", hash: "none" },
};

const KEY_USAGE_BITS = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
] as const;

const EXTENDED_KEY_USAGES: Readonly<Record<string, string>> = {
  "1.3.6.1.5.5.7.3.1": "serverAuth",
  "1.3.6.1.5.5.7.3.2": "clientAuth",
  "1.3.6.1.5.5.7.3.3": "codeSigning",
  "1.3.6.1.5.5.7.3.4": "emailProtection",
  "1.3.6.1.5.5.7.3.8": "timeStamping",
  "1.3.6.1.5.5.7.3.9": "OCSPSigning",
  "2.5.29.37.0": "anyExtendedKeyUsage",
};

const CURVE_BITS: Readonly<Record<string, number>> = {
  prime256v1: 256,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
  secp224r1: 224,
  prime192v1: 192,
};

/** Everything the chain and OCSP probes report about one certificate. */
export type CertificateDetails = {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
  /** `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, …, or the OID when unknown. */
  signatureAlgorithm: string;
  /** Hash of the signature: `sha1`, `sha256`, `md5`, … (`none` for EdDSA, `pss` for RSASSA-PSS). */
  signatureHash: string;
  keyType: string;
  keyBits: number | null;
  isCa: boolean;
  selfSigned: boolean;
  keyUsage: string[];
  extendedKeyUsage: string[];
  ocspUrls: string[];
  crlUrls: string[];
};

/** A certificate with its parsed forms, so probes parse each DER once. */
export type ParsedCertificate = { readonly der: Buffer; readonly x509: X509Certificate; readonly details: CertificateDetails };

/**
 * Largest certificate read. TLS allows 16 MB; real certificates are a few KB, and the largest
 * legitimate ones (thousands of subjectAltNames) a few hundred KB.
 */
export const MAX_CERTIFICATE_BYTES = 1024 * 1024;

/**
 * asn1js limits for a DER object of `length` bytes. Its default node limit (10,000) is smaller than
 * a valid certificate with 10,000 names; every node takes at least two bytes, so the byte size bounds
 * the node count and the byte cap is the only limit that matters.
 */
export function derReadLimits(length: number): { maxNodes: number; maxContentLength: number } {
  return { maxNodes: Math.max(10_000, length), maxContentLength: MAX_CERTIFICATE_BYTES };
}

/** Certificates parsed lately, by content: the same certificate served on many endpoints is parsed once. */
const parsedCertificates = new BoundedMemo<ParsedCertificate>(512);

/**
 * Parses a DER certificate; throws an Error naming the problem for malformed input, and saying so
 * when hardcheck's own size limit is the reason. The same bytes (up to 16 KB) give the same (frozen)
 * object while it is among the last 512 certificates parsed.
 */
export function parseCertificate(der: Buffer): ParsedCertificate {
  if (der.length > MEMO_MAX_DER_BYTES) return parseUncached(der);
  return parsedCertificates.get(derKey(der), () => parseUncached(der));
}

function parseUncached(der: Buffer): ParsedCertificate {
  if (der.length > MAX_CERTIFICATE_BYTES) {
    throw new Error(
      `server presented a certificate of ${der.length} bytes; hardcheck reads certificates up to ${MAX_CERTIFICATE_BYTES} bytes, so it cannot judge this one (a limit of hardcheck, not a defect of the certificate)`,
    );
  }
  let x509: X509Certificate;
  let pkijsCertificate: Certificate;
  try {
    x509 = new X509Certificate(der);
    const asn1 = fromBER(new Uint8Array(der).buffer, derReadLimits(der.length));
    if (asn1.offset === -1) throw new Error(asn1.result.error);
    pkijsCertificate = new Certificate({ schema: asn1.result });
  } catch (error) {
    throw new Error(`server presented a malformed certificate (${(error as Error).message})`, { cause: error });
  }
  const signatureOid = pkijsCertificate.signatureAlgorithm.algorithmId;
  const signature = SIGNATURE_ALGORITHMS[signatureOid] ?? { name: signatureOid, hash: "unknown" };
  const key = x509.publicKey;
  const extensionValue = (oid: string): unknown => pkijsCertificate.extensions?.find((extension) => extension.extnID === oid)?.parsedValue;
  return Object.freeze({
    der,
    x509,
    details: deepFreeze({
      subject: distinguishedName(x509.subject),
      issuer: distinguishedName(x509.issuer),
      serialNumber: x509.serialNumber.toUpperCase(),
      notBefore: new Date(x509.validFrom).toISOString(),
      notAfter: new Date(x509.validTo).toISOString(),
      fingerprintSha256: x509.fingerprint256,
      signatureAlgorithm: signature.name,
      signatureHash: signature.hash,
      keyType: key.asymmetricKeyType ?? "unknown",
      keyBits: keyBits(key.asymmetricKeyType, key.asymmetricKeyDetails),
      isCa: x509.ca,
      selfSigned: x509.issuer === x509.subject && x509.verify(key),
      keyUsage: keyUsageNames(extensionValue("2.5.29.15")),
      extendedKeyUsage: extendedKeyUsageNames(extensionValue("2.5.29.37")),
      ocspUrls: accessUrls(extensionValue("1.3.6.1.5.5.7.1.1"), "1.3.6.1.5.5.7.48.1"),
      crlUrls: distributionPointUrls(extensionValue("2.5.29.31")),
    }),
  });
}

/** Freezes the details and their lists: a parsed certificate is shared by every endpoint that serves it. */
function deepFreeze(details: CertificateDetails): CertificateDetails {
  for (const value of Object.values(details)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(details);
}

/** Whether `certificate` names `name` (RFC 9525: subjectAltName only, whole-label wildcards). */
export function certificateNamesHost(certificate: X509Certificate, name: string): boolean {
  if (isIP(name) !== 0) return certificate.checkIP(name) !== undefined;
  return certificate.checkHost(name, { subject: "never", wildcards: true, partialWildcards: false }) !== undefined;
}

/**
 * Node.js prints names one attribute per line in certificate order (`C=DE\nO=Example\nCN=host`);
 * reports read better most-specific-first on one line, as RFC 4514 writes them. Values keep
 * OpenSSL's RFC 2253 escaping, so commas inside values stay unambiguous.
 */
export function distinguishedName(printed: string | undefined): string {
  // Node leaves the field undefined for an empty name (a certificate whose identity is only in its
  // subjectAltName, as RFC 5280 §4.2.1.6 allows).
  return (printed ?? "")
    .split("\n")
    .filter((part) => part.length > 0)
    .reverse()
    .join(",");
}

/** Key size in bits: RSA/DSA modulus, EC curve size, EdDSA fixed sizes; null when unknown. */
export function keyBits(keyType: string | undefined, details: { modulusLength?: number; namedCurve?: string } | undefined): number | null {
  if (details?.modulusLength !== undefined) return details.modulusLength;
  if (details?.namedCurve !== undefined) return CURVE_BITS[details.namedCurve] ?? null;
  if (keyType === "ed25519") return 256;
  if (keyType === "ed448") return 448;
  return null;
}

function keyUsageNames(value: unknown): string[] {
  const bits = (value as { valueBlock?: { valueHexView?: Uint8Array } } | undefined)?.valueBlock?.valueHexView;
  if (!bits) return [];
  return KEY_USAGE_BITS.filter((_, index) => (((bits[index >> 3] ?? 0) >> (7 - (index & 7))) & 1) === 1);
}

function extendedKeyUsageNames(value: unknown): string[] {
  const purposes = (value as { keyPurposes?: string[] } | undefined)?.keyPurposes ?? [];
  return purposes.map((oid) => EXTENDED_KEY_USAGES[oid] ?? oid).sort();
}

type GeneralNameLike = { type?: number; value?: unknown };

function accessUrls(value: unknown, method: string): string[] {
  const descriptions = (value as { accessDescriptions?: { accessMethod: string; accessLocation: GeneralNameLike }[] } | undefined)?.accessDescriptions ?? [];
  return descriptions
    .filter((description) => description.accessMethod === method && description.accessLocation.type === 6)
    .map((description) => String(description.accessLocation.value));
}

function distributionPointUrls(value: unknown): string[] {
  const points = (value as { distributionPoints?: { distributionPoint?: unknown }[] } | undefined)?.distributionPoints ?? [];
  const urls: string[] = [];
  for (const point of points) {
    const names = Array.isArray(point.distributionPoint) ? (point.distributionPoint as GeneralNameLike[]) : [];
    for (const name of names) if (name.type === 6) urls.push(String(name.value));
  }
  return urls;
}
