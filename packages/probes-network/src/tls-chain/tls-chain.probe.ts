/** The presented certificate chain, validated and described: order, completeness, trust, names, dates, algorithms, key sizes, usages. */
import { defineFacts, type EndpointProbe, type FactsOf, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import { unlessTlsNotOffered } from "../connection/tls-stream.js";
import { BUILTIN_NEGOTIATOR_TABLE } from "../negotiators/builtin.js";
import { type CertificateDetails, certificateNamesHost, type ParsedCertificate, parseCertificate } from "../support/certificate-details.js";
import { fetchPresentedChain } from "../tls-client/presented-chain.js";
import { defineTlsProbe, type TlsProbeFactory } from "../tls-client/tls-probe.js";
import { judgeChain } from "./chain-judgement.js";
import { CHAIN_FAILURES, type ChainFailure } from "./chain-validators.js";

/** One entry of `tls.chainCertificates`. */
export type TlsChainCertificateFact = CertificateDetails & {
  /** 0 for the leaf; the order the server sent them in. */
  position: number;
};

/** `tls.chainValidation`: the verdict-ready summary of the chain. */
export type TlsChainValidationFact = {
  /** `node-forge` for RSA chains, `node-crypto` when a certificate has an EC (or other non-RSA) key. */
  validator: "node-forge" | "node-crypto";
  trusted: boolean;
  /**
   * Why not trusted: `expired`, `not-yet-valid`, `bad-signature`, `unknown-issuer`, `self-signed`, `issuer-not-ca`,
   * `weak-signature`, `weak-key`, `not-for-server-auth`; null when trusted. The same verdict as `tls.trust`.
   */
  failure: ChainFailure | null;
  /** The failure in words, naming the certificate concerned; null when trusted. */
  failureDetail: string | null;
  /** `clear-text`: read in the server's order; `node-tls`: reordered by Node (TLS 1.3-only server), so `inOrder` is null. */
  source: "clear-text" | "node-tls";
  protocol: string;
  presentedCount: number;
  /** Each presented certificate is issued by the next one; null when the order could not be seen. */
  inOrder: boolean | null;
  /**
   * No intermediate is missing: the presented certificates reach a self-signed certificate, one a trust anchor
   * issued, or a CA certificate whose unknown issuer is a root the server need not send (an untrusted root is
   * `trusted: false`, not an incomplete chain). False when the top of the path is the leaf and its issuer is unknown.
   */
  complete: boolean;
  /** Issuer of the path's top when it is neither presented nor trusted (the missing intermediate or the untrusted root); null otherwise. */
  unknownIssuer: string | null;
  /** Presented certificates that are not on the path from the leaf (unneeded or unrelated). */
  unusedCount: number;
  /** Subjects from the leaf up to the trust anchor (included when found). */
  path: string[];
  /** Subject of the trust anchor the path ends at, or null. */
  anchor: string | null;
  leafSelfSigned: boolean;
  hostname: { name: string; matches: boolean };
  /** Every certificate on the path (anchor included) is within its validity period now. */
  validNow: boolean;
  /** Earliest end of validity on the path, ISO-8601. */
  earliestNotAfter: string;
  /** Signature hashes of the path's certificates other than self-signed roots, sorted: `sha1`, `sha256`, `md5`, … */
  signatureHashes: string[];
  /** Smallest RSA modulus on the path, or null when no RSA key. */
  smallestRsaBits: number | null;
  /** Smallest elliptic-curve key on the path, or null when no EC key. */
  smallestEcBits: number | null;
  leafIsCa: boolean;
  leafKeyUsage: string[];
  leafExtendedKeyUsage: string[];
  /** The leaf may authenticate a TLS server: not a CA, keyUsage absent or with digitalSignature/keyEncipherment, EKU absent or with serverAuth/any. */
  leafServerAuth: boolean;
  leafSubject: string;
  leafIssuer: string;
  leafFingerprintSha256: string;
};

/** `tls.clientCertificateRequest`: whether the server asks clients for a certificate (mutual TLS, as SIP trunks often do). */
export type TlsClientCertificateRequestFact = {
  /** True or false from the clear-text handshake; null when the server speaks only TLS 1.3, whose request is encrypted. */
  requested: boolean | null;
  /** Acceptable issuers the request names; null when not requested or unknown. */
  certificateAuthorities: number | null;
};

const issues = (child: ParsedCertificate, parent: ParsedCertificate): boolean =>
  child.x509.checkIssued(parent.x509) && child.x509.verify(parent.x509.publicKey);

/** The facts `tls-chain` produces, each with its schema and meaning. */
export const tlsChainFacts = defineFacts({
  "tls.chainCertificates": {
    description:
      "`[{ position, subject, issuer, serialNumber, notBefore, notAfter, fingerprintSha256, signatureAlgorithm, signatureHash, keyType, keyBits, isCa, selfSigned, keyUsage, extendedKeyUsage, ocspUrls, crlUrls }]` in the order sent, leaf at position 0.",
    schema: z.array(
      z
        .object({
          subject: z.string(),
          issuer: z.string(),
          serialNumber: z.string(),
          notBefore: z.string(),
          notAfter: z.string(),
          fingerprintSha256: z.string(),
          signatureAlgorithm: z.string(),
          signatureHash: z.string(),
          keyType: z.string(),
          keyBits: z.number().nullable(),
          isCa: z.boolean(),
          selfSigned: z.boolean(),
          keyUsage: z.array(z.string()),
          extendedKeyUsage: z.array(z.string()),
          ocspUrls: z.array(z.string()),
          crlUrls: z.array(z.string()),
        })
        .extend({ position: z.number() }) satisfies z.ZodType<TlsChainCertificateFact>,
    ),
  },
  "tls.chainValidation": {
    description:
      "`{ validator, trusted, failure, failureDetail, source, protocol, presentedCount, inOrder, complete, unknownIssuer, unusedCount, path, anchor, leafSelfSigned, hostname: { name, matches }, validNow, earliestNotAfter, signatureHashes, smallestRsaBits, smallestEcBits, leafIsCa, leafKeyUsage, leafExtendedKeyUsage, leafServerAuth, leafSubject, leafIssuer, leafFingerprintSha256 }`",
    schema: z.object({
      validator: z.enum(["node-forge", "node-crypto"]),
      trusted: z.boolean(),
      failure: z.enum(CHAIN_FAILURES).nullable(),
      failureDetail: z.string().nullable(),
      source: z.enum(["clear-text", "node-tls"]),
      protocol: z.string(),
      presentedCount: z.number(),
      inOrder: z.boolean().nullable(),
      complete: z.boolean(),
      unknownIssuer: z.string().nullable(),
      unusedCount: z.number(),
      path: z.array(z.string()),
      anchor: z.string().nullable(),
      leafSelfSigned: z.boolean(),
      hostname: z.object({ name: z.string(), matches: z.boolean() }),
      validNow: z.boolean(),
      earliestNotAfter: z.string(),
      signatureHashes: z.array(z.string()),
      smallestRsaBits: z.number().nullable(),
      smallestEcBits: z.number().nullable(),
      leafIsCa: z.boolean(),
      leafKeyUsage: z.array(z.string()),
      leafExtendedKeyUsage: z.array(z.string()),
      leafServerAuth: z.boolean(),
      leafSubject: z.string(),
      leafIssuer: z.string(),
      leafFingerprintSha256: z.string(),
    }) satisfies z.ZodType<TlsChainValidationFact>,
  },
  "tls.clientCertificateRequest": {
    description:
      "`{ requested, certificateAuthorities }`: whether the server's clear-text flight carries a CertificateRequest (mutual TLS, common on SIP trunks over `sips`) and how many acceptable issuers it names; `requested` is `null` for a TLS 1.3-only server, whose request is encrypted.",
    schema: z.object({ requested: z.boolean().nullable(), certificateAuthorities: z.number().nullable() }) satisfies z.ZodType<TlsClientCertificateRequestFact>,
  },
});
/** The facts `tls-chain` produces, as the collector checks them. */
export type TlsChainFacts = FactsOf<typeof tlsChainFacts>;

/**
 * Fetches the chain the server presents (one handshake; TLS 1.2 clear text when the server allows
 * it) and reports every certificate and a validation summary. Trust anchors: the scan's trust
 * store (trust.caFile / caDir, plus system roots when enabled).
 */
export const createTlsChainProbe: TlsProbeFactory = defineTlsProbe({
  meta: {
    id: "tls-chain",
    description: "Reads the presented certificate chain in server order and validates it: order, completeness, trust, names, dates, algorithms, keys, usages.",
    facts: tlsChainFacts,
  },
  collect: (endpoint, _params, deps, reach) =>
    unlessTlsNotOffered(async () => {
      if (!reach.schemes.includes(endpoint.scheme)) return notApplicable(`${endpoint.scheme} has no TLS layer hardcheck can reach`);
      const presented = await fetchPresentedChain(endpoint, deps, reach.negotiators);
      const certificates = presented.certificates.map(parseCertificate);
      const judgement = judgeChain(certificates, deps.trust, deps.clock.now());
      const { fullPath, anchor } = judgement;
      const leaf = certificates[0] as ParsedCertificate;

      const inOrder =
        presented.source === "node-tls"
          ? null
          : certificates.every((certificate, index) => index === certificates.length - 1 || issues(certificate, certificates[index + 1] as ParsedCertificate));
      const now = deps.clock.now().getTime();
      const keyBitsOf = (type: string) =>
        fullPath
          .filter((certificate) => certificate.details.keyType === type && certificate.details.keyBits !== null)
          .map((certificate) => certificate.details.keyBits as number);
      const rsaBits = keyBitsOf("rsa");
      const ecBits = keyBitsOf("ec");
      const leafDetails = leaf.details;
      const nameToCheck = endpoint.servername ?? endpoint.host;

      const facts: TlsChainFacts = {
        "tls.chainCertificates": certificates.map((certificate, position) => ({ position, ...certificate.details })),
        "tls.chainValidation": {
          validator: judgement.validator,
          trusted: judgement.trusted,
          failure: judgement.failure,
          failureDetail: judgement.failureDetail,
          source: presented.source,
          protocol: presented.protocol,
          presentedCount: certificates.length,
          inOrder,
          complete: judgement.complete,
          unknownIssuer: judgement.unknownIssuer,
          unusedCount: judgement.unusedCount,
          path: fullPath.map((certificate) => certificate.details.subject),
          anchor: anchor?.details.subject ?? null,
          leafSelfSigned: leafDetails.selfSigned,
          hostname: { name: nameToCheck, matches: certificateNamesHost(leaf.x509, nameToCheck) },
          validNow: fullPath.every((certificate) => Date.parse(certificate.details.notBefore) <= now && Date.parse(certificate.details.notAfter) >= now),
          earliestNotAfter: fullPath.map((certificate) => certificate.details.notAfter).sort()[0] as string,
          signatureHashes: [
            ...new Set(fullPath.filter((certificate) => !certificate.details.selfSigned).map((certificate) => certificate.details.signatureHash)),
          ].sort(),
          smallestRsaBits: rsaBits.length > 0 ? Math.min(...rsaBits) : null,
          smallestEcBits: ecBits.length > 0 ? Math.min(...ecBits) : null,
          leafIsCa: leafDetails.isCa,
          leafKeyUsage: leafDetails.keyUsage,
          leafExtendedKeyUsage: leafDetails.extendedKeyUsage,
          leafServerAuth: judgement.leafServerAuth,
          leafSubject: leafDetails.subject,
          leafIssuer: leafDetails.issuer,
          leafFingerprintSha256: leafDetails.fingerprintSha256,
        },
        "tls.clientCertificateRequest": presented.clientCertificateRequest ?? { requested: null, certificateAuthorities: null },
      };
      return { facts };
    }),
});

/** `tls-chain` over the built-in negotiators; instances build theirs with {@link createTlsChainProbe}. */
export const tlsChainProbe: EndpointProbe = createTlsChainProbe(BUILTIN_NEGOTIATOR_TABLE);
