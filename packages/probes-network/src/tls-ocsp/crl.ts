/**
 * Revocation by CRL: fetches the leaf's CRL distribution points over HTTP, reads the CRL with pkijs + asn1js,
 * verifies its signature against the issuer, judges its freshness at the scan clock and looks up the leaf's serial.
 */

import type { ProbeDeps } from "@hardcheck/core";
import { Enumerated, fromBER } from "asn1js";
import { type Certificate, CertificateRevocationList } from "pkijs";
import { fetchHttpBody } from "../connection/http-fetch.js";
import { describeSocketError } from "../connection/socket-errors.js";
import { REVOCATION_REASONS, SKEW_MS } from "./ocsp-messages.js";

/** Largest CRL read (our limit): large public CAs publish CRLs of a few MiB. */
export const MAX_CRL_BYTES = 10 * 1024 * 1024;
const REASON_CODE_OID = "2.5.29.21";

/** CRL status as hardcheck reports it. */
export type CrlStatus = "good" | "revoked" | "no-distribution-point" | "unreachable" | "invalid" | "stale" | "not-checked";

/** `tls.crl`: the leaf's revocation status according to the CRL of its first usable distribution point. */
export type TlsCrlFact = {
  /**
   * `good` / `revoked` (a verified, current CRL lists the serial or not); `no-distribution-point` (the certificate
   * names none); `unreachable` (no CRL fetched: refused, timed out, HTTP error, larger than our limit, no HTTP URL);
   * `invalid` (not a CRL, or its signature is not the issuer's); `stale` (outside thisUpdate..nextUpdate);
   * `not-checked` (fetching disabled, or the issuer is unknown).
   */
  status: CrlStatus;
  /** Why the status is not `good` or `revoked`; null otherwise. */
  reason: string | null;
  /** The distribution point the status comes from; null when none was tried. */
  url: string | null;
  thisUpdate: string | null;
  nextUpdate: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
  /** The CRL is signed by the leaf's issuer; null without a CRL. */
  signatureValid: boolean | null;
};

/** A CRL that cannot be read. */
export class CrlParseError extends Error {
  /** Stable code for reports and tests. */
  readonly code = "HC_CRL_PARSE";
  constructor(message: string) {
    super(`${message} — the distribution point did not serve a well-formed CRL`);
    this.name = "CrlParseError";
  }
}

/** A `tls.crl` fact without a CRL behind it. */
export const crlNotChecked = (status: CrlStatus, reason: string | null, url: string | null = null): TlsCrlFact => ({
  status,
  reason,
  url,
  thisUpdate: null,
  nextUpdate: null,
  revokedAt: null,
  revocationReason: null,
  signatureValid: null,
});

const PEM = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/;

/** A CRL from DER or PEM bytes; throws {@link CrlParseError} on anything else. */
export function readCrl(bytes: Uint8Array): CertificateRevocationList {
  let der = bytes;
  const text = Buffer.from(bytes.subarray(0, 64)).toString("latin1");
  if (text.includes("-----BEGIN")) {
    const match = PEM.exec(Buffer.from(bytes).toString("latin1"));
    if (!match) throw new CrlParseError("PEM without an X509 CRL block");
    der = Buffer.from((match[1] as string).replace(/\s+/g, ""), "base64");
  }
  try {
    const asn1 = fromBER(new Uint8Array(der));
    if (asn1.offset === -1) throw new Error(asn1.result.error);
    if (asn1.offset !== der.length) throw new Error("trailing bytes after the CRL");
    return new CertificateRevocationList({ schema: asn1.result });
  } catch (error) {
    throw new CrlParseError(error instanceof Error ? error.message : String(error));
  }
}

const hex = (view: Uint8Array): string =>
  Buffer.from(view)
    .toString("hex")
    .replace(/^(00)+(?=.)/, "");

/** Judges a fetched CRL for `leaf` issued by `issuer`, at `now`. */
export async function judgeCrl(bytes: Uint8Array, url: string, leaf: Certificate, issuer: Certificate, now: Date): Promise<TlsCrlFact> {
  let crl: CertificateRevocationList;
  try {
    crl = readCrl(bytes);
  } catch (error) {
    if (error instanceof CrlParseError) return crlNotChecked("invalid", error.message, url);
    throw error;
  }
  let thisUpdate: Date;
  let nextUpdate: Date | null;
  try {
    thisUpdate = crl.thisUpdate.value;
    nextUpdate = crl.nextUpdate ? crl.nextUpdate.value : null;
  } catch {
    return crlNotChecked("invalid", "the CRL has no readable thisUpdate", url);
  }
  let signatureValid: boolean;
  try {
    signatureValid = await crl.verify({ issuerCertificate: issuer });
  } catch {
    signatureValid = false;
  }
  const dated = { url, thisUpdate: thisUpdate.toISOString(), nextUpdate: nextUpdate?.toISOString() ?? null, signatureValid };
  if (!signatureValid) return { ...crlNotChecked("invalid", "the CRL is not signed by the certificate's issuer", url), ...dated };
  if (thisUpdate.getTime() > now.getTime() + SKEW_MS)
    return { ...crlNotChecked("stale", `the CRL's thisUpdate ${dated.thisUpdate} is in the future`), ...dated };
  if (nextUpdate === null) return { ...crlNotChecked("stale", "the CRL has no nextUpdate, so its freshness is unknown"), ...dated };
  if (nextUpdate.getTime() < now.getTime()) return { ...crlNotChecked("stale", `the CRL expired at its nextUpdate ${dated.nextUpdate}`), ...dated };

  const serial = hex(leaf.serialNumber.valueBlock.valueHexView);
  const entry = (crl.revokedCertificates ?? []).find((candidate) => hex(candidate.userCertificate.valueBlock.valueHexView) === serial);
  if (!entry) return { ...crlNotChecked("good", null), ...dated };
  const reasonExtension = entry.crlEntryExtensions?.extensions.find((extension) => extension.extnID === REASON_CODE_OID);
  let revocationReason: string | null = null;
  if (reasonExtension) {
    const parsed = fromBER(reasonExtension.extnValue.valueBlock.valueHexView);
    if (parsed.offset !== -1 && parsed.result instanceof Enumerated) {
      const code = parsed.result.valueBlock.valueDec;
      revocationReason = REVOCATION_REASONS[code] ?? `reason ${code}`;
    }
  }
  return { ...crlNotChecked("revoked", null), ...dated, revokedAt: entry.revocationDate.value.toISOString(), revocationReason };
}

/** GETs a CRL; resolves with its bytes, rejects with a short reason (HTTP status, timeout, refused, our size limit). */
export function fetchCrl(url: URL, deps: Pick<ProbeDeps, "signal" | "limits">): Promise<Buffer> {
  return fetchHttpBody(
    url,
    { method: "GET", maxBytes: MAX_CRL_BYTES, tooLarge: `CRL larger than our limit of ${MAX_CRL_BYTES} bytes`, what: "CRL request" },
    deps,
  );
}

/**
 * The leaf's status from its distribution points, tried in order until one gives a usable answer
 * (good, revoked); otherwise the first point's problem. Only http URLs are fetched. Each URL is fetched
 * once per scan (`deps.scanCache`) and reused while its CRL is current.
 */
export async function checkCrl(urls: readonly string[], leaf: Certificate, issuer: Certificate | null, deps: ProbeDeps): Promise<TlsCrlFact> {
  if (urls.length === 0) return crlNotChecked("no-distribution-point", "the certificate names no CRL distribution point");
  if (issuer === null)
    return crlNotChecked("not-checked", "the issuer certificate is neither presented nor trusted, so no CRL can be verified", urls[0] ?? null);
  const outcomes: TlsCrlFact[] = [];
  for (const raw of urls) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      outcomes.push(crlNotChecked("unreachable", `distribution point "${raw.slice(0, 200)}" is not a URL`, raw));
      continue;
    }
    if (url.protocol !== "http:") {
      outcomes.push(crlNotChecked("unreachable", `distribution point ${url.protocol}// is not fetched (only http)`, raw));
      continue;
    }
    const fetchOnce = async (): Promise<{ bytes: Buffer } | { problem: string }> => {
      try {
        return { bytes: await fetchCrl(url, deps) };
      } catch (error) {
        if (deps.signal.aborted) throw error;
        return { problem: `${describeSocketError(error)} (${url.host})` };
      }
    };
    let fetched: { bytes: Buffer } | { problem: string };
    try {
      fetched = await deps.scanCache.remember(`tls-crl|${url.href}`, fetchOnce);
    } catch (error) {
      // The shared fetch died with the probe that started it (its timeout or cancellation): fetch ourselves.
      if (deps.signal.aborted) throw error;
      fetched = await fetchOnce();
    }
    const outcome =
      "bytes" in fetched ? await judgeCrl(fetched.bytes, raw, leaf, issuer, deps.clock.now()) : crlNotChecked("unreachable", fetched.problem, raw);
    if (outcome.status === "good" || outcome.status === "revoked") return outcome;
    outcomes.push(outcome);
  }
  return outcomes[0] as TlsCrlFact;
}
