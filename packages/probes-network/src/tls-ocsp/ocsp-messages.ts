/** OCSP with pkijs + asn1js: builds requests (with a nonce) and reads and verifies responses, stapled or fetched. */
import { createHash, randomBytes } from "node:crypto";
import { Enumerated, fromBER, GeneralizedTime, OctetString } from "asn1js";
import { BasicOCSPResponse, Certificate, Extension, ExtKeyUsage, getCrypto, OCSPRequest, OCSPResponse, RelativeDistinguishedNames } from "pkijs";
import { derReadLimits } from "../support/certificate-details.js";
import { BoundedMemo, derKey, MEMO_MAX_DER_BYTES } from "../support/certificate-memo.js";

const NONCE_OID = "1.3.6.1.5.5.7.48.1.2";
const EXTENDED_KEY_USAGE_OID = "2.5.29.37";
const OCSP_SIGNING_OID = "1.3.6.1.5.5.7.3.9";
const BASIC_RESPONSE_OID = "1.3.6.1.5.5.7.48.1.1";
/** Clock skew tolerated on thisUpdate, as clients do. */
export const SKEW_MS = 5 * 60 * 1000;

const RESPONSE_STATUSES = ["successful", "malformedRequest", "internalError", "tryLater", "(unused)", "sigRequired", "unauthorized"];
/** CRLReason names by code (RFC 5280 §5.3.1), shared by OCSP answers and CRL entries. */
export const REVOCATION_REASONS = [
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

/** pkijs certificates read lately, by content: OCSP and CRL checks only read them. */
const pkijsCertificates = new BoundedMemo<Certificate>(128);

/** A pkijs certificate from DER; one of up to 16 KB is parsed once while it is among the last 128 read. */
export function pkijsCertificate(der: Uint8Array): Certificate {
  if (der.length > MEMO_MAX_DER_BYTES) return parsePkijsCertificate(der);
  return pkijsCertificates.get(derKey(der), () => parsePkijsCertificate(der));
}

function parsePkijsCertificate(der: Uint8Array): Certificate {
  const asn1 = fromBER(new Uint8Array(der), derReadLimits(der.length));
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
  /** Why `signatureValid` is false, in words; null when it is true. */
  signatureProblem: string | null;
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
export async function interpretOcspResponse(der: Uint8Array, leaf: Certificate, issuer: Certificate, sentNonce: Buffer | null, now: Date): Promise<OcspAnswer> {
  const { responseStatus, basic } = readOcspResponse(der);
  try {
    return await interpretBasicResponse(responseStatus, basic, leaf, issuer, sentNonce, now);
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
  now: Date,
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
    signatureProblem: null,
    nonceMatched: null,
  };
  if (!basic) return empty;
  const { signatureValid, delegatedResponder, signatureProblem } = await verifyResponseSigner(basic, issuer, now);
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
  if (!single) return { ...empty, signatureValid, delegatedResponder, signatureProblem, nonceMatched };
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
    signatureProblem,
    nonceMatched,
  };
}

type SignerVerdict = Pick<OcspAnswer, "signatureValid" | "delegatedResponder" | "signatureProblem">;

/**
 * RFC 6960 §4.2.2.2: a response is believed when the issuer itself signed it, or a responder
 * certificate the issuer signed with id-kp-OCSPSigning, valid now. The responder may be named by
 * subject or by key hash, and the issuer may leave its own certificate out of `certs` — the client
 * already has it. (pkijs's `verify` wants the signer among `certs` and its chain up to a root, so it
 * refuses the common issuer-signed shapes.)
 */
async function verifyResponseSigner(basic: BasicOCSPResponse, issuer: Certificate, now: Date): Promise<SignerVerdict> {
  const responderId = basic.tbsResponseData.responderID;
  if (respondentNamedBy(responderId, issuer)) {
    return (await signatureVerifiesWith(basic, issuer))
      ? { signatureValid: true, delegatedResponder: false, signatureProblem: null }
      : {
          signatureValid: false,
          delegatedResponder: false,
          signatureProblem: "the response names the issuer as its signer but does not verify with the issuer's key",
        };
  }
  const candidates = (basic.certs ?? []).filter((certificate) => respondentNamedBy(responderId, certificate));
  if (candidates.length === 0) {
    return {
      signatureValid: false,
      delegatedResponder: false,
      signatureProblem: "the responder named in the response is neither the issuer nor a certificate included in the response",
    };
  }
  let problem = "";
  for (const responder of candidates) {
    problem = await delegationProblem(responder, issuer, now);
    if (problem === "" && !(await signatureVerifiesWith(basic, responder))) problem = "the response does not verify with the responder certificate's key";
    if (problem === "") return { signatureValid: true, delegatedResponder: true, signatureProblem: null };
  }
  return { signatureValid: false, delegatedResponder: true, signatureProblem: problem };
}

/** Whether the ResponderID (by name or by SHA-1 of the key, RFC 6960 §4.2.1) designates `certificate`. */
function respondentNamedBy(responderId: unknown, certificate: Certificate): boolean {
  if (responderId instanceof RelativeDistinguishedNames) return certificate.subject.isEqual(responderId);
  if (responderId instanceof OctetString) {
    const keyHash = createHash("sha1").update(certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
    return keyHash.equals(Buffer.from(responderId.valueBlock.valueHexView));
  }
  return false;
}

async function signatureVerifiesWith(basic: BasicOCSPResponse, signer: Certificate): Promise<boolean> {
  try {
    // A copy on its own ArrayBuffer: WebCrypto takes no view that might sit on shared memory.
    const signed = new Uint8Array(basic.tbsResponseData.tbsView);
    return await getCrypto(true).verifyWithPublicKey(signed, basic.signature, signer.subjectPublicKeyInfo, basic.signatureAlgorithm);
  } catch {
    // An algorithm WebCrypto does not know (MD5, DSA) cannot prove anything.
    return false;
  }
}

/** Empty when `responder` may sign for `issuer` at `now`; otherwise the reason it may not. */
async function delegationProblem(responder: Certificate, issuer: Certificate, now: Date): Promise<string> {
  if (!responder.issuer.isEqual(issuer.subject) || !(await responder.verify(issuer).catch(() => false))) {
    return "the responder certificate in the response is not issued by the certificate's issuer";
  }
  const extendedKeyUsage = responder.extensions?.find((extension) => extension.extnID === EXTENDED_KEY_USAGE_OID)?.parsedValue;
  if (!(extendedKeyUsage instanceof ExtKeyUsage) || !extendedKeyUsage.keyPurposes.includes(OCSP_SIGNING_OID)) {
    return "the responder certificate lacks extendedKeyUsage OCSPSigning (id-kp-OCSPSigning), so the issuer did not delegate OCSP to it";
  }
  if (responder.notBefore.value.getTime() > now.getTime() || responder.notAfter.value.getTime() < now.getTime()) {
    return "the responder certificate is outside its validity period";
  }
  return "";
}

/** thisUpdate not in the future (beyond skew) and nextUpdate, when given, not passed. */
export function isFresh(answer: OcspAnswer, now: Date): boolean | null {
  if (answer.thisUpdate === null) return null;
  const time = now.getTime();
  if (Date.parse(answer.thisUpdate) > time + SKEW_MS) return false;
  return answer.nextUpdate === null || Date.parse(answer.nextUpdate) >= time - SKEW_MS;
}
