/** OCSP with pkijs + asn1js: builds requests (with a nonce) and reads and verifies responses, stapled or fetched. */
import { randomBytes } from "node:crypto";
import { Enumerated, fromBER, GeneralizedTime, OctetString } from "asn1js";
import { BasicOCSPResponse, Certificate, Extension, OCSPRequest, OCSPResponse } from "pkijs";

const NONCE_OID = "1.3.6.1.5.5.7.48.1.2";
const BASIC_RESPONSE_OID = "1.3.6.1.5.5.7.48.1.1";
/** Clock skew tolerated on thisUpdate, as clients do. */
const SKEW_MS = 5 * 60 * 1000;

const RESPONSE_STATUSES = ["successful", "malformedRequest", "internalError", "tryLater", "(unused)", "sigRequired", "unauthorized"];
const REVOCATION_REASONS = [
  "unspecified",
  "keyCompromise",
  "cACompromise",
  "affiliationChanged",
  "superseded",
  "cessationOfOperation",
  "certificateHold",
  "(unused)",
  "removeFromCRL",
  "privilegeWithdrawn",
  "aACompromise",
];

/** An OCSP response that cannot be read; the only error {@link readOcspResponse} throws. */
export class OcspParseError extends Error {
  /** Stable code for reports and tests. */
  readonly code = "HC_OCSP_PARSE";
  constructor(message: string) {
    super(`${message} — the OCSP responder did not answer with a well-formed OCSP response`);
    this.name = "OcspParseError";
  }
}

/** A pkijs certificate from DER. */
export function pkijsCertificate(der: Uint8Array): Certificate {
  const asn1 = fromBER(new Uint8Array(der));
  if (asn1.offset === -1) throw new Error(`certificate is not DER: ${asn1.result.error}`);
  return new Certificate({ schema: asn1.result });
}

/** A DER OCSP request for `leaf` with a random nonce. */
export async function buildOcspRequest(leaf: Certificate, issuer: Certificate): Promise<{ der: Buffer; nonce: Buffer }> {
  const request = new OCSPRequest();
  await request.createForCertificate(leaf, { hashAlgorithm: "SHA-1", issuerCertificate: issuer });
  const nonce = randomBytes(16);
  request.tbsRequest.requestExtensions = [new Extension({ extnID: NONCE_OID, extnValue: new OctetString({ valueHex: nonce }).toBER(false) })];
  return { der: Buffer.from(request.toSchema(true).toBER(false)), nonce };
}

/** What one OCSP response says about one certificate. */
export type OcspAnswer = {
  /** `successful`, or the responder's error status. */
  responseStatus: string;
  /** `good`, `revoked`, `unknown`; null when the response has no entry for the certificate or is not successful. */
  certificateStatus: "good" | "revoked" | "unknown" | null;
  revokedAt: string | null;
  revocationReason: string | null;
  thisUpdate: string | null;
  nextUpdate: string | null;
  /** The signature verifies and the signer is the issuer or a responder it delegated to (OCSPSigning). */
  signatureValid: boolean;
  /** Signed by a delegated responder certificate rather than the issuer itself. */
  delegatedResponder: boolean;
  /** The nonce sent came back; null when none was sent or none returned. */
  nonceMatched: boolean | null;
};

/** Reads the outer OCSPResponse; throws only {@link OcspParseError}. Exported for the fuzz tests. */
export function readOcspResponse(der: Uint8Array): { responseStatus: string; basic: BasicOCSPResponse | null } {
  let response: OCSPResponse;
  try {
    const asn1 = fromBER(new Uint8Array(der));
    if (asn1.offset === -1) throw new Error(asn1.result.error);
    response = new OCSPResponse({ schema: asn1.result });
  } catch (error) {
    throw new OcspParseError(`not an OCSPResponse (${(error as Error).message})`);
  }
  const statusCode = response.responseStatus.valueBlock.valueDec;
  const responseStatus = RESPONSE_STATUSES[statusCode] ?? `status_${statusCode}`;
  if (responseStatus !== "successful") return { responseStatus, basic: null };
  if (!response.responseBytes || response.responseBytes.responseType !== BASIC_RESPONSE_OID) {
    throw new OcspParseError("successful response without a basic OCSP response");
  }
  try {
    const inner = fromBER(response.responseBytes.response.valueBlock.valueHexView);
    if (inner.offset === -1) throw new Error(inner.result.error);
    return { responseStatus, basic: new BasicOCSPResponse({ schema: inner.result }) };
  } catch (error) {
    throw new OcspParseError(`basic OCSP response is malformed (${(error as Error).message})`);
  }
}

/**
 * Reads and verifies an OCSP response for `leaf`, issued by `issuer`. Throws {@link OcspParseError}
 * for bytes that are not an OCSP response; a bad signature or a stale response are facts, not errors.
 */
export async function interpretOcspResponse(der: Uint8Array, leaf: Certificate, issuer: Certificate, sentNonce: Buffer | null): Promise<OcspAnswer> {
  const { responseStatus, basic } = readOcspResponse(der);
  try {
    return await interpretBasicResponse(responseStatus, basic, leaf, issuer, sentNonce);
  } catch (error) {
    // pkijs reaches into fields a hostile response may leave out; that is a malformed response, not a crash.
    throw new OcspParseError(`OCSP response could not be interpreted (${(error as Error).message})`);
  }
}

async function interpretBasicResponse(
  responseStatus: string,
  basic: BasicOCSPResponse | null,
  leaf: Certificate,
  issuer: Certificate,
  sentNonce: Buffer | null,
): Promise<OcspAnswer> {
  const empty: OcspAnswer = {
    responseStatus,
    certificateStatus: null,
    revokedAt: null,
    revocationReason: null,
    thisUpdate: null,
    nextUpdate: null,
    signatureValid: false,
    delegatedResponder: false,
    nonceMatched: null,
  };
  if (!basic) return empty;
  let signatureValid = false;
  try {
    signatureValid = await basic.verify({ trustedCerts: [issuer] });
  } catch {
    signatureValid = false;
  }
  const issuerDer = Buffer.from(issuer.toSchema().toBER(false));
  const delegatedResponder = (basic.certs ?? []).some((certificate) => !Buffer.from(certificate.toSchema().toBER(false)).equals(issuerDer));
  const status = await basic.getCertificateStatus(leaf, issuer).catch(() => ({ isForCertificate: false, status: 2 }));
  const leafSerial = Buffer.from(leaf.serialNumber.valueBlock.valueHexView);
  const single = status.isForCertificate
    ? basic.tbsResponseData.responses.find((candidate) => Buffer.from(candidate.certID.serialNumber.valueBlock.valueHexView).equals(leafSerial))
    : undefined;
  const nonceExtension = basic.tbsResponseData.responseExtensions?.find((extension) => extension.extnID === NONCE_OID);
  let nonceMatched: boolean | null = null;
  if (sentNonce && nonceExtension) {
    const inner = fromBER(nonceExtension.extnValue.valueBlock.valueHexView);
    const value =
      inner.offset !== -1 && inner.result instanceof OctetString
        ? Buffer.from(inner.result.valueBlock.valueHexView)
        : Buffer.from(nonceExtension.extnValue.valueBlock.valueHexView);
    nonceMatched = value.equals(sentNonce);
  }
  if (!single) return { ...empty, signatureValid, delegatedResponder, nonceMatched };
  const tag = single.certStatus.idBlock.tagNumber;
  let revokedAt: string | null = null;
  let revocationReason: string | null = null;
  if (tag === 1) {
    const parts = (single.certStatus as { valueBlock: { value?: unknown[] } }).valueBlock.value ?? [];
    const time = parts[0];
    if (time instanceof GeneralizedTime) revokedAt = time.toDate().toISOString();
    const reasonHolder = parts[1] as { valueBlock?: { value?: unknown[] } } | undefined;
    const reason = reasonHolder?.valueBlock?.value?.[0];
    if (reason instanceof Enumerated) revocationReason = REVOCATION_REASONS[reason.valueBlock.valueDec] ?? `reason_${reason.valueBlock.valueDec}`;
  }
  return {
    responseStatus,
    certificateStatus: tag === 0 ? "good" : tag === 1 ? "revoked" : "unknown",
    revokedAt,
    revocationReason,
    thisUpdate: single.thisUpdate.toISOString(),
    nextUpdate: single.nextUpdate ? single.nextUpdate.toISOString() : null,
    signatureValid,
    delegatedResponder,
    nonceMatched,
  };
}

/** thisUpdate not in the future (beyond skew) and nextUpdate, when given, not passed. */
export function isFresh(answer: OcspAnswer, now: Date): boolean | null {
  if (answer.thisUpdate === null) return null;
  const time = now.getTime();
  if (Date.parse(answer.thisUpdate) > time + SKEW_MS) return false;
  return answer.nextUpdate === null || Date.parse(answer.nextUpdate) >= time - SKEW_MS;
}
