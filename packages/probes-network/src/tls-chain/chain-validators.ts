/**
 * Chain validation behind one interface: node-forge validates RSA chains (the validator the
 * project is built around); node-forge cannot read EC keys, so chains with an EC certificate go
 * to a validator built on Node's X509Certificate. Both answer the same question the same way.
 */
import type { X509Certificate } from "node:crypto";
import forge from "node-forge";
import type { ParsedCertificate } from "../support/certificate-details.js";

/**
 * Why a chain is not trusted. Besides the plain failures: `weak-signature` (valid signatures a
 * client refuses anyway: MD5 or SHA-1 below a root), `weak-key` (RSA/DSA below 1024 bits, EC below
 * 160) and `not-for-server-auth` (the leaf is a CA or restricted to other purposes).
 */
export const CHAIN_FAILURES = [
  "expired",
  "not-yet-valid",
  "bad-signature",
  "unknown-issuer",
  "self-signed",
  "issuer-not-ca",
  "weak-signature",
  "weak-key",
  "not-for-server-auth",
] as const;

/** Why a chain is not trusted; null when it is. */
export type ChainFailure = (typeof CHAIN_FAILURES)[number];

/** A validator's answer. */
export type ChainValidationResult = {
  readonly validator: "node-forge" | "node-crypto";
  readonly trusted: boolean;
  readonly failure: ChainFailure | null;
};

/** Validates `path` (leaf first, each next certificate the issuer of the one before, no anchor) against `anchors` at `at`. */
export interface ChainValidator {
  readonly id: ChainValidationResult["validator"];
  /** False when this validator cannot read one of the certificates (forge and EC keys). */
  canValidate(path: readonly ParsedCertificate[], anchors: readonly ParsedCertificate[]): boolean;
  validate(path: readonly ParsedCertificate[], anchors: readonly ParsedCertificate[], at: Date): ChainValidationResult;
}

const forgeCache = new WeakMap<ParsedCertificate, forge.pki.Certificate | null>();

function toForge(certificate: ParsedCertificate): forge.pki.Certificate | null {
  if (forgeCache.has(certificate)) return forgeCache.get(certificate) ?? null;
  let parsed: forge.pki.Certificate | null = null;
  try {
    parsed = forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(certificate.der.toString("binary"))));
  } catch {
    // forge reads RSA keys only; the node-crypto validator takes the rest.
    parsed = null;
  }
  forgeCache.set(certificate, parsed);
  return parsed;
}

/** node-forge's verifyCertificateChain, for chains whose every certificate has an RSA key. */
export const forgeChainValidator: ChainValidator = {
  id: "node-forge",
  canValidate: (path, anchors) => [...path, ...anchors].every((certificate) => toForge(certificate) !== null),
  validate(path, anchors, at) {
    const store = forge.pki.createCaStore(anchors.map((anchor) => toForge(anchor) as forge.pki.Certificate));
    const chain = path.map((certificate) => toForge(certificate) as forge.pki.Certificate);
    try {
      forge.pki.verifyCertificateChain(store, chain, { validityCheckDate: at });
      return { validator: "node-forge", trusted: true, failure: null };
    } catch (error) {
      // forge refuses every critical extension it does not implement, among them a critical
      // subjectAltName (which RFC 5280 §4.2.1.6 requires when the subject is empty): that is forge's
      // limit, not the chain's fault, so node:crypto judges such a chain.
      if ((error as { error?: string } | undefined)?.error === "forge.pki.UnsupportedCertificate") return nodeCryptoChainValidator.validate(path, anchors, at);
      return { validator: "node-forge", trusted: false, failure: forgeFailure(error, path, at) };
    }
  },
};

/** forge's error codes (`forge.pki.certificateError`, which its type definitions leave out) mapped to ours. */
function forgeFailure(error: unknown, path: readonly ParsedCertificate[], at: Date): ChainFailure {
  const code = (error as { error?: string } | undefined)?.error;
  const message = String((error as { message?: string } | undefined)?.message ?? "");
  // forge says "not valid yet or has expired" for both; the dates tell which.
  if (code === "forge.pki.CertificateExpired")
    return path.some((certificate) => Date.parse(certificate.details.notBefore) > at.getTime()) ? "not-yet-valid" : "expired";
  if (code === "forge.pki.UnknownCertificateAuthority") return path.length === 1 && path[0]?.details.selfSigned ? "self-signed" : "unknown-issuer";
  if (/not.*CA|basic constraints|keyCertSign/i.test(message)) return "issuer-not-ca";
  return "bad-signature";
}

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

/** Validation with Node's X509Certificate: signatures, validity, CA flags, ending at an anchor. */
export const nodeCryptoChainValidator: ChainValidator = {
  id: "node-crypto",
  canValidate: () => true,
  validate(path, anchors, at) {
    const fail = (failure: ChainFailure): ChainValidationResult => ({ validator: "node-crypto", trusted: false, failure });
    const time = at.getTime();
    for (const certificate of path) {
      if (new Date(certificate.x509.validTo).getTime() < time) return fail("expired");
      if (new Date(certificate.x509.validFrom).getTime() > time) return fail("not-yet-valid");
    }
    for (let index = 0; index + 1 < path.length; index++) {
      const child = path[index] as ParsedCertificate;
      const parent = path[index + 1] as ParsedCertificate;
      if (!issuedBy(child.x509, parent.x509)) return fail("bad-signature");
      if (!parent.x509.ca) return fail("issuer-not-ca");
    }
    const top = path[path.length - 1];
    if (!top) return fail("unknown-issuer");
    const anchor = anchors.find((candidate) => candidate.x509.fingerprint256 === top.x509.fingerprint256 || issuedBy(top.x509, candidate.x509));
    if (!anchor) return fail(path.length === 1 && top.details.selfSigned ? "self-signed" : "unknown-issuer");
    if (new Date(anchor.x509.validTo).getTime() < time) return fail("expired");
    return { validator: "node-crypto", trusted: true, failure: null };
  },
};

/** The validator for a chain: node-forge when it can read every certificate, else node:crypto. */
export function validatorFor(path: readonly ParsedCertificate[], anchors: readonly ParsedCertificate[]): ChainValidator {
  return forgeChainValidator.canValidate(path, anchors) ? forgeChainValidator : nodeCryptoChainValidator;
}
