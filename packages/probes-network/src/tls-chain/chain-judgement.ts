/**
 * The one chain verdict every TLS probe reports: the path from the leaf through the presented
 * certificates to a trust anchor, validated at the scan's time, with the reason when it is not
 * trusted. `tls-handshake` (tls.trust) and `tls-chain` (tls.chainValidation) both read it, so the
 * two trust rules cannot disagree, and `--as-of` governs both.
 */
import type { X509Certificate } from "node:crypto";
import type { TrustStore } from "@hardcheck/core";
import { type ParsedCertificate, parseCertificate } from "../support/certificate-details.js";
import { BoundedMemo, MEMO_MAX_DER_BYTES } from "../support/certificate-memo.js";
import { anchorCandidates } from "../support/trust-anchors.js";
import { type ChainFailure, type ChainValidationResult, validatorFor } from "./chain-validators.js";

/**
 * Signature hashes clients refuse on any certificate but a self-signed root: OpenSSL from security
 * level 1 (Node's default) and every current browser.
 */
const REFUSED_SIGNATURE_HASHES: ReadonlySet<string> = new Set(["md2", "md4", "md5", "sha1"]);
/** Keys clients refuse outright at OpenSSL's security level 1 (80-bit security); the key-size rules judge against stricter tailorable minimums. */
const REFUSED_BELOW_BITS: Readonly<Record<string, number>> = { rsa: 1024, "rsa-pss": 1024, dsa: 1024, ec: 160 };

/** What {@link judgeChain} found. */
export type ChainJudgement = {
  /** The presented certificates in the order given. */
  readonly certificates: readonly ParsedCertificate[];
  /** Leaf, then each issuer found among the presented certificates. */
  readonly path: readonly ParsedCertificate[];
  /** {@link path} plus the trust anchor that issued its top, when that is another certificate. */
  readonly fullPath: readonly ParsedCertificate[];
  /** Presented certificates not on the path. */
  readonly unusedCount: number;
  readonly anchor: ParsedCertificate | null;
  readonly validator: ChainValidationResult["validator"];
  readonly trusted: boolean;
  readonly failure: ChainFailure | null;
  /** The failure in words, naming the certificate it concerns; null when trusted. */
  readonly failureDetail: string | null;
  /**
   * No intermediate is missing: the path ends at a self-signed certificate, at a certificate a trust
   * anchor issued, or at a CA certificate whose issuer (a root the server need not send) is unknown
   * — an untrusted root is a trust finding, not a missing intermediate.
   */
  readonly complete: boolean;
  /** Issuer name of the path's top when neither presented nor trusted; null otherwise. */
  readonly unknownIssuer: string | null;
  readonly leafServerAuth: boolean;
};

const issues = (child: ParsedCertificate, parent: X509Certificate): boolean => child.x509.checkIssued(parent) && child.x509.verify(parent.publicKey);

/** The leaf may authenticate a TLS server: not a CA, keyUsage absent or with digitalSignature/keyEncipherment, EKU absent or with serverAuth/any. */
export function leafMayAuthenticateServer(leaf: ParsedCertificate): boolean {
  const { isCa, keyUsage, extendedKeyUsage } = leaf.details;
  const keyUsageOk = keyUsage.length === 0 || keyUsage.some((usage) => usage === "digitalSignature" || usage === "keyEncipherment");
  const extendedKeyUsageOk = extendedKeyUsage.length === 0 || extendedKeyUsage.some((usage) => usage === "serverAuth" || usage === "anyExtendedKeyUsage");
  return !isCa && keyUsageOk && extendedKeyUsageOk;
}

/**
 * Builds the path from the presented certificates (leaf first, any order after it) and the trust
 * store, and judges it at `at` as a TLS client would: signatures, validity, CA flags, an anchor at the
 * end, no refused signature hash or key size, and a leaf meant for server authentication.
 */
export function judgeChain(certificates: readonly ParsedCertificate[], trust: TrustStore, at: Date): ChainJudgement {
  const leaf = certificates[0];
  if (!leaf) throw new Error("server presented no certificate");
  // A chain of ordinary size is remembered; a long chain or a large certificate (a hostile server's) is judged afresh.
  const memo =
    certificates.length <= MEMO_MAX_CHAIN && certificates.every((certificate) => certificate.der.length <= MEMO_MAX_DER_BYTES) ? memoFor(trust) : null;
  const { path, unusedCount, anchor, fullPath } = memo
    ? memo.paths.get(fingerprints(certificates), () => buildPath(certificates, trust))
    : buildPath(certificates, trust);
  const top = path[path.length - 1] as ParsedCertificate;
  const anchors = anchor ? [anchor] : [];
  // A validator reads the time only to compare it with each certificate's validity: the same chain
  // judged at two instants that no notBefore or notAfter separates gets the same answer.
  // The anchor is named apart because it may be the path's own top (a presented root), which fullPath does not repeat.
  const validate = () => validatorFor(path, anchors).validate(path, anchors, at);
  const validation = memo
    ? memo.validations.get(`${fingerprints(fullPath)}|${anchor?.details.fingerprintSha256 ?? "-"}|${validityAt(fullPath, at)}`, validate)
    : validate();
  const leafServerAuth = leafMayAuthenticateServer(leaf);
  const verdict = validation.trusted
    ? clientRefusal(fullPath, leafServerAuth)
    : { failure: validation.failure, detail: describeFailure(validation.failure, fullPath, at) };
  const unknownIssuer = anchor === null && !top.details.selfSigned ? top.details.issuer : null;
  return {
    certificates,
    path,
    fullPath,
    unusedCount,
    anchor,
    validator: validation.validator,
    trusted: verdict.failure === null,
    failure: verdict.failure,
    failureDetail: verdict.detail,
    complete: top.details.selfSigned || anchor !== null || (path.length > 1 && top.details.isCa),
    unknownIssuer,
    leafServerAuth,
  };
}

/** The path through the presented certificates to a trust anchor: it depends on the certificates and the trust store, never on the time. */
type ChainPath = {
  readonly path: readonly ParsedCertificate[];
  readonly unusedCount: number;
  readonly anchor: ParsedCertificate | null;
  readonly fullPath: readonly ParsedCertificate[];
};

function buildPath(certificates: readonly ParsedCertificate[], trust: TrustStore): ChainPath {
  const leaf = certificates[0] as ParsedCertificate;
  const path: ParsedCertificate[] = [leaf];
  // A list, not a set: a server may present the same certificate twice, and each copy off the path counts.
  const unused = certificates.slice(1);
  for (let current = leaf; !current.details.selfSigned; ) {
    const index = unused.findIndex((candidate) => issues(current, candidate.x509));
    const issuer = unused[index];
    if (!issuer) break;
    unused.splice(index, 1);
    path.push(issuer);
    current = issuer;
  }
  const top = path[path.length - 1] as ParsedCertificate;
  const anchorX509 = anchorCandidates(trust, top.x509).find((candidate) => candidate.fingerprint256 === top.x509.fingerprint256 || issues(top, candidate));
  const anchor = anchorX509 ? parseAnchor(anchorX509) : null;
  const fullPath = anchor && anchor.x509.fingerprint256 !== top.x509.fingerprint256 ? [...path, anchor] : path;
  return { path, unusedCount: unused.length, anchor, fullPath };
}

/** Paths and validations judged lately under one trust store: a chain served on many endpoints is built and verified once. */
type ChainMemo = { readonly paths: BoundedMemo<ChainPath>; readonly validations: BoundedMemo<ChainValidationResult> };
const chainMemos = new WeakMap<TrustStore, ChainMemo>();
/** Longest presented chain remembered: real servers send two to four certificates. */
const MEMO_MAX_CHAIN = 10;

function memoFor(trust: TrustStore): ChainMemo {
  let memo = chainMemos.get(trust);
  if (!memo) {
    memo = { paths: new BoundedMemo(64), validations: new BoundedMemo(256) };
    chainMemos.set(trust, memo);
  }
  return memo;
}

function fingerprints(certificates: readonly ParsedCertificate[]): string {
  return certificates.map((certificate) => certificate.details.fingerprintSha256).join(",");
}

/** Per certificate, `<` not valid yet, `>` ended, `=` valid at `at`: the only comparisons the validators make with the time. */
function validityAt(certificates: readonly ParsedCertificate[], at: Date): string {
  const time = at.getTime();
  return certificates
    .map((certificate) => (Date.parse(certificate.details.notBefore) > time ? "<" : Date.parse(certificate.details.notAfter) < time ? ">" : "="))
    .join("");
}

const anchorCache = new WeakMap<X509Certificate, ParsedCertificate>();
function parseAnchor(anchor: X509Certificate): ParsedCertificate {
  const cached = anchorCache.get(anchor);
  if (cached) return cached;
  const parsed = parseCertificate(Buffer.from(anchor.raw));
  anchorCache.set(anchor, parsed);
  return parsed;
}

/** A cryptographically valid path a client still refuses: weak signature hash, weak key, or a leaf not meant for servers. */
function clientRefusal(fullPath: readonly ParsedCertificate[], leafServerAuth: boolean): { failure: ChainFailure | null; detail: string | null } {
  const weaklySigned = fullPath.find((certificate) => !certificate.details.selfSigned && REFUSED_SIGNATURE_HASHES.has(certificate.details.signatureHash));
  if (weaklySigned) {
    return { failure: "weak-signature", detail: `${weaklySigned.details.subject} is signed with ${weaklySigned.details.signatureHash}, which clients refuse` };
  }
  const weakKey = fullPath.find((certificate) => {
    const minimum = REFUSED_BELOW_BITS[certificate.details.keyType];
    return minimum !== undefined && certificate.details.keyBits !== null && certificate.details.keyBits < minimum;
  });
  if (weakKey) {
    return {
      failure: "weak-key",
      detail: `${weakKey.details.subject} has a ${weakKey.details.keyBits}-bit ${weakKey.details.keyType} key, which clients refuse`,
    };
  }
  const leaf = fullPath[0] as ParsedCertificate;
  if (!leafServerAuth) {
    const usages = [...leaf.details.extendedKeyUsage, ...(leaf.details.isCa ? ["CA:true"] : [])].join(", ") || "its key usage";
    return { failure: "not-for-server-auth", detail: `${leaf.details.subject} is not meant for TLS server authentication (${usages})` };
  }
  return { failure: null, detail: null };
}

function describeFailure(failure: ChainFailure | null, fullPath: readonly ParsedCertificate[], at: Date): string | null {
  const time = at.getTime();
  const top = fullPath[fullPath.length - 1] as ParsedCertificate;
  switch (failure) {
    case null:
      return null;
    case "expired": {
      const ended = fullPath.find((certificate) => Date.parse(certificate.details.notAfter) < time);
      return ended ? `${ended.details.subject} ended ${ended.details.notAfter}` : "a certificate of the path has ended";
    }
    case "not-yet-valid": {
      const early = fullPath.find((certificate) => Date.parse(certificate.details.notBefore) > time);
      return early ? `${early.details.subject} is valid only from ${early.details.notBefore}` : "a certificate of the path is not valid yet";
    }
    case "self-signed":
      return `${top.details.subject} is self-signed and no trust anchor`;
    case "unknown-issuer":
      return `no trust anchor and no presented certificate issued ${top.details.subject} (issuer ${top.details.issuer})`;
    case "issuer-not-ca":
      return "a certificate of the path is issued by a certificate that is no CA";
    case "bad-signature":
      return "a signature on the path does not verify with its issuer's key";
    default:
      return failure;
  }
}
