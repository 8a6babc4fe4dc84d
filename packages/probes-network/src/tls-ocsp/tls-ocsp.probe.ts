/** Revocation status of the server certificate: the stapled OCSP response, the responder and the CRLs named in the certificate, all verified. */

import type { X509Certificate } from "node:crypto";
import { defineFacts, type EndpointProbe, type FactsOf, notApplicable, type ProbeDeps } from "@hardcheck/core";
import { z } from "zod";
import { fetchHttpBody } from "../connection/http-fetch.js";
import { describeSocketError } from "../connection/socket-errors.js";
import { unlessTlsNotOffered } from "../connection/tls-stream.js";
import { BUILTIN_NEGOTIATOR_TABLE } from "../negotiators/builtin.js";
import { parseCertificate } from "../support/certificate-details.js";
import { anchorCandidates } from "../support/trust-anchors.js";
import { fetchPresentedChain } from "../tls-client/presented-chain.js";
import { defineTlsProbe, type TlsProbeFactory } from "../tls-client/tls-probe.js";
import { checkCrl, crlNotChecked, type TlsCrlFact } from "./crl.js";
import { buildOcspRequest, interpretOcspResponse, isFresh, type OcspAnswer, OcspParseError, pkijsCertificate } from "./ocsp-messages.js";

/** Largest responder answer read; real responses are a few KB. */
const MAX_RESPONSE_BYTES = 256 * 1024;

/** Revocation status as hardcheck reports it. */
export type OcspStatus = "good" | "revoked" | "unknown" | "unreachable" | "invalid" | "no-responder" | "not-checked";

/** A verified OCSP answer, from the responder or the staple. */
export type OcspCheckFact = {
  /**
   * `good`, `revoked`, `unknown` (what the response says); `unreachable` (no answer: refused, timed out, HTTP error);
   * `invalid` (an answer that is not a usable OCSP response, or has no entry for the certificate);
   * `no-responder` (the certificate names none); `not-checked` (no staple / querying disabled).
   */
  status: OcspStatus;
  /** Why the status is `unreachable` or `invalid`; null otherwise. */
  reason: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
  thisUpdate: string | null;
  nextUpdate: string | null;
  /** thisUpdate not in the future and nextUpdate not passed (5 minutes of clock skew allowed); null without a response. */
  fresh: boolean | null;
  /** Signed by the issuer or a responder it delegated to; null without a response. */
  signatureValid: boolean | null;
  delegatedResponder: boolean | null;
  /** Why signatureValid is false (wrong signer, no OCSPSigning delegation, bad signature); null otherwise. */
  signatureProblem: string | null;
  /** Responder only: the request's nonce came back. Null when the responder returned none. */
  nonceMatched: boolean | null;
};

/** `tls.ocsp`: the responder's answer, plus its URL. */
export type TlsOcspFact = OcspCheckFact & { responderUrl: string | null };

const notChecked = (status: OcspStatus, reason: string | null = null): OcspCheckFact => ({
  status,
  reason,
  revokedAt: null,
  revocationReason: null,
  thisUpdate: null,
  nextUpdate: null,
  fresh: null,
  signatureValid: null,
  delegatedResponder: null,
  signatureProblem: null,
  nonceMatched: null,
});

function fromAnswer(answer: OcspAnswer, now: Date): OcspCheckFact {
  if (answer.responseStatus !== "successful") return notChecked("invalid", `responder answered ${answer.responseStatus}`);
  if (answer.certificateStatus === null)
    return {
      ...notChecked("invalid", "response has no entry for this certificate"),
      signatureValid: answer.signatureValid,
      signatureProblem: answer.signatureProblem,
    };
  return {
    status: answer.certificateStatus,
    reason: null,
    revokedAt: answer.revokedAt,
    revocationReason: answer.revocationReason,
    thisUpdate: answer.thisUpdate,
    nextUpdate: answer.nextUpdate,
    fresh: isFresh(answer, now),
    signatureValid: answer.signatureValid,
    delegatedResponder: answer.delegatedResponder,
    signatureProblem: answer.signatureProblem,
    nonceMatched: answer.nonceMatched,
  };
}

/** Posts a DER request; resolves with the body, rejects with a short reason (HTTP status, timeout, refused). */
function postOcspRequest(url: URL, body: Buffer, deps: Pick<ProbeDeps, "signal" | "limits">): Promise<Buffer> {
  return fetchHttpBody(
    url,
    {
      method: "POST",
      body,
      headers: { "content-type": "application/ocsp-request", "content-length": body.length },
      maxBytes: MAX_RESPONSE_BYTES,
      tooLarge: `answer longer than ${MAX_RESPONSE_BYTES} bytes`,
      what: "OCSP request",
    },
    deps,
  );
}

/** One OCSP answer as judged, tied to `OcspCheckFact`. */
const ocspCheckSchema = z.object({
  status: z.enum(["good", "revoked", "unknown", "unreachable", "invalid", "no-responder", "not-checked"]),
  reason: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revocationReason: z.string().nullable(),
  thisUpdate: z.string().nullable(),
  nextUpdate: z.string().nullable(),
  fresh: z.boolean().nullable(),
  signatureValid: z.boolean().nullable(),
  delegatedResponder: z.boolean().nullable(),
  signatureProblem: z.string().nullable(),
  nonceMatched: z.boolean().nullable(),
}) satisfies z.ZodType<OcspCheckFact>;

/** The facts `tls-ocsp` produces, each with its schema and meaning. */
export const tlsOcspFacts = defineFacts({
  "tls.ocsp": {
    description:
      "Responder URL and its answer: status (good, revoked, unknown, unreachable, invalid, no-responder, not-checked), reason, revocation time and reason, thisUpdate/nextUpdate, fresh, signatureValid, delegatedResponder, nonceMatched",
    schema: ocspCheckSchema.extend({ responderUrl: z.string().nullable() }) satisfies z.ZodType<TlsOcspFact>,
  },
  "tls.ocspStaple": {
    description:
      "`{ present, status, reason, revokedAt, revocationReason, thisUpdate, nextUpdate, fresh, signatureValid, delegatedResponder, signatureProblem, nonceMatched }` — the stapled response (`nonceMatched` always null: staples carry no nonce).",
    schema: ocspCheckSchema.extend({ present: z.boolean() }) satisfies z.ZodType<OcspCheckFact & { present: boolean }>,
  },
  "tls.crlDistributionPoints": {
    description: "URLs from the leaf's CRL distribution points extension; `tls.crl` has what they say about the leaf.",
    schema: z.array(z.string()),
  },
  "tls.crl": {
    description:
      "The leaf's status from its CRL distribution points (http only, one fetch per URL per scan): status (good, revoked, no-distribution-point, unreachable, invalid, stale, not-checked), reason, url, thisUpdate/nextUpdate, revokedAt, revocationReason, signatureValid",
    schema: z.object({
      status: z.enum(["good", "revoked", "no-distribution-point", "unreachable", "invalid", "stale", "not-checked"]),
      reason: z.string().nullable(),
      url: z.string().nullable(),
      thisUpdate: z.string().nullable(),
      nextUpdate: z.string().nullable(),
      revokedAt: z.string().nullable(),
      revocationReason: z.string().nullable(),
      signatureValid: z.boolean().nullable(),
    }) satisfies z.ZodType<TlsCrlFact>,
  },
});
/** The facts `tls-ocsp` produces, as the collector checks them. */
export type TlsOcspFacts = FactsOf<typeof tlsOcspFacts>;

/**
 * Reads the presented chain and its stapled OCSP response (one handshake), verifies the staple,
 * and queries the OCSP responder from the leaf's authorityInfoAccess with a nonce. The issuer comes
 * from the presented chain, else from the trust anchors.
 *
 * Fetches the leaf's CRL distribution points (http) and checks the leaf's serial in the verified, current CRL.
 *
 * Parameters: `queryResponder` (boolean, default true) — false only reads the staple;
 * `fetchCrl` (boolean, default true) — false reports the CRL as not checked (no outbound request).
 */
export const createTlsOcspProbe: TlsProbeFactory = defineTlsProbe({
  meta: {
    id: "tls-ocsp",
    description:
      "Checks the server certificate's revocation status: verifies the stapled OCSP response, queries the responder and fetches the CRLs named in the certificate.",
    facts: tlsOcspFacts,
  },
  collect: (endpoint, params, deps, reach) =>
    unlessTlsNotOffered(async () => {
      if (!reach.schemes.includes(endpoint.scheme)) return notApplicable(`${endpoint.scheme} has no TLS layer hardcheck can reach`);
      const queryResponder = params.queryResponder === undefined ? true : params.queryResponder;
      if (typeof queryResponder !== "boolean") throw new Error("parameter queryResponder must be true or false");
      const fetchCrl = params.fetchCrl === undefined ? true : params.fetchCrl;
      if (typeof fetchCrl !== "boolean") throw new Error("parameter fetchCrl must be true or false");
      const presented = await fetchPresentedChain(endpoint, deps, reach.negotiators);
      const [leafDer, ...rest] = presented.certificates;
      const leaf = parseCertificate(leafDer as Buffer);
      const issuerX509 =
        rest
          .map((der) => parseCertificate(der as Buffer).x509)
          .find((candidate) => leaf.x509.checkIssued(candidate) && leaf.x509.verify(candidate.publicKey)) ??
        anchorCandidates(deps.trust, leaf.x509).find((candidate) => leaf.x509.checkIssued(candidate) && leaf.x509.verify(candidate.publicKey));
      const now = deps.clock.now();
      const leafPkijs = pkijsCertificate(leaf.der);
      const issuerPkijs = issuerX509 ? pkijsCertificate(issuerX509.raw) : null;

      let staple: OcspCheckFact & { present: boolean } = { ...notChecked("not-checked", "server stapled no OCSP response"), present: false };
      if (presented.stapledOcspResponse) {
        staple = issuerPkijs
          ? { ...(await checked(() => interpretOcspResponse(presented.stapledOcspResponse as Buffer, leafPkijs, issuerPkijs, null, now), now)), present: true }
          : { ...notChecked("invalid", "the issuer certificate is neither presented nor trusted, so the staple cannot be verified"), present: true };
      }

      const responderUrl = leaf.details.ocspUrls[0] ?? null;
      let responder: OcspCheckFact;
      if (responderUrl === null) responder = notChecked("no-responder");
      else if (!queryResponder) responder = notChecked("not-checked", "querying the responder is disabled (queryResponder: false)");
      else if (!issuerPkijs) responder = notChecked("invalid", "the issuer certificate is neither presented nor trusted, so no request can be built");
      else {
        // One certificate is often served on many endpoints: its responder is asked once per scan,
        // and the answer is reused until its nextUpdate.
        const key = `tls-ocsp|${responderUrl}|${(issuerX509 as X509Certificate).fingerprint256}|${leaf.x509.serialNumber}`;
        const ask = () => queryOcspResponder(responderUrl, leafPkijs, issuerPkijs, deps, now);
        try {
          responder = await deps.scanCache.remember(
            key,
            ask,
            (answer) => answer.nextUpdate === null || Date.parse(answer.nextUpdate) > deps.clock.now().getTime(),
          );
        } catch (error) {
          // The shared question died with the probe that asked it (its timeout or cancellation): ask ourselves.
          if (deps.signal.aborted) throw error;
          responder = await ask();
        }
      }

      const crl =
        fetchCrl || leaf.details.crlUrls.length === 0
          ? await checkCrl(leaf.details.crlUrls, leafPkijs, issuerPkijs, deps)
          : crlNotChecked("not-checked", "fetching CRLs is disabled (fetchCrl: false)", leaf.details.crlUrls[0] ?? null);

      const facts: TlsOcspFacts = {
        "tls.ocsp": { ...responder, responderUrl },
        "tls.ocspStaple": staple,
        "tls.crlDistributionPoints": leaf.details.crlUrls,
        "tls.crl": crl,
      };
      return { facts };
    }),
});

/** `tls-ocsp` over the built-in negotiators; instances build theirs with {@link createTlsOcspProbe}. */
export const tlsOcspProbe: EndpointProbe = createTlsOcspProbe(BUILTIN_NEGOTIATOR_TABLE);

async function checked(read: () => Promise<OcspAnswer>, now: Date): Promise<OcspCheckFact> {
  try {
    return fromAnswer(await read(), now);
  } catch (error) {
    if (error instanceof OcspParseError) return notChecked("invalid", error.message);
    throw error;
  }
}

async function queryOcspResponder(
  responderUrl: string,
  leaf: ReturnType<typeof pkijsCertificate>,
  issuer: ReturnType<typeof pkijsCertificate>,
  deps: ProbeDeps,
  now: Date,
): Promise<OcspCheckFact> {
  let url: URL;
  try {
    url = new URL(responderUrl);
  } catch {
    return notChecked("invalid", `responder URL "${responderUrl.slice(0, 200)}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return notChecked("invalid", `responder URL scheme ${url.protocol} is not http or https`);
  const { der, nonce } = await buildOcspRequest(leaf, issuer);
  let body: Buffer;
  try {
    body = await postOcspRequest(url, der, deps);
  } catch (error) {
    if (deps.signal.aborted) throw error;
    return notChecked("unreachable", `${describeSocketError(error)} (${url.host})`);
  }
  return checked(() => interpretOcspResponse(body, leaf, issuer, nonce, now), now);
}
