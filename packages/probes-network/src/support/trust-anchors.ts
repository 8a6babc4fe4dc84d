/**
 * The scan's trust anchors, indexed once per trust store and scan by the names they carry, so that
 * finding the anchor above a chain parses only the anchors that can be it instead of every system root.
 */
import { X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import type { TrustStore } from "@hardcheck/core";

/** PEM anchors of a trust store: the configured CAs, plus the system roots when it trusts them. */
export function trustAnchorPems(trust: TrustStore): string[] {
  return trust.useSystemRoots ? [...trust.caCertificates, ...rootCertificates] : [...trust.caCertificates];
}

/** One anchor certificate: its PEM block, and its parse once asked for. */
type AnchorEntry = { readonly pem: string; x509?: X509Certificate };
type AnchorIndex = {
  readonly entries: readonly AnchorEntry[];
  /** Store positions of the anchors with a given subject key. */
  readonly bySubject: ReadonlyMap<string, readonly number[]>;
  /** Store positions of the anchors whose subject is not plain DER: a candidate for every lookup. */
  readonly unreadable: readonly number[];
};

const PEM_HEADER = "-----BEGIN CERTIFICATE-----";
const PEM_FOOTER = "-----END CERTIFICATE-----";
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const indexes = new WeakMap<TrustStore, AnchorIndex>();

function indexFor(trust: TrustStore): AnchorIndex {
  let index = indexes.get(trust);
  if (index) return index;
  const entries: AnchorEntry[] = [];
  const bySubject = new Map<string, number[]>();
  const unreadable: number[] = [];
  for (const pem of trustAnchorPems(trust)) {
    for (const block of pem.match(PEM_BLOCK) ?? []) {
      const names = certificateNames(pemToDer(block));
      const key = names && nameKey(names.subject);
      const position = entries.length;
      entries.push({ pem: block });
      if (key === null) unreadable.push(position);
      else {
        const positions = bySubject.get(key);
        if (positions) positions.push(position);
        else bySubject.set(key, [position]);
      }
    }
  }
  index = { entries, bySubject, unreadable };
  indexes.set(trust, index);
  return index;
}

function parsed(entry: AnchorEntry): X509Certificate {
  entry.x509 ??= new X509Certificate(entry.pem);
  return entry.x509;
}

/**
 * The anchors that can be `certificate` itself or its issuer, in trust-store order: those whose
 * subject names the same entity as the certificate's issuer or subject. Names are compared loosely
 * (case, white space, string type and attribute order ignored), so the list may hold an anchor that
 * does not issue the certificate: callers still check issuance and signature, and an anchor that
 * does is never left out. A certificate whose names are not plain DER gets every anchor, and an
 * anchor whose subject is not is offered for every certificate.
 */
export function anchorCandidates(trust: TrustStore, certificate: X509Certificate): readonly X509Certificate[] {
  const index = indexFor(trust);
  const names = certificateNames(certificate.raw);
  const issuerKey = names && nameKey(names.issuer);
  const subjectKey = names && nameKey(names.subject);
  if (issuerKey === null || subjectKey === null) return index.entries.map(parsed);
  const positions = new Set([...index.unreadable, ...(index.bySubject.get(issuerKey) ?? []), ...(index.bySubject.get(subjectKey) ?? [])]);
  return [...positions].sort((a, b) => a - b).map((position) => parsed(index.entries[position] as AnchorEntry));
}

/** The DER bytes of one PEM block (the decoder skips the line breaks). */
function pemToDer(block: string): Buffer {
  return Buffer.from(block.slice(PEM_HEADER.length, block.length - PEM_FOOTER.length), "base64");
}

/** A DER element: its tag, and where its contents start and end in the buffer. */
type Element = { readonly tag: number; readonly start: number; readonly end: number };

/** The DER element at `offset`, or null when it runs past `limit` or uses a length form DER forbids. */
function element(der: Buffer, offset: number, limit: number): Element | null {
  if (offset + 2 > limit) return null;
  const tag = der[offset] as number;
  let length = der[offset + 1] as number;
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4 || start + octets > limit) return null;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[start + i] as number);
    start += octets;
  }
  const end = start + length;
  return end <= limit ? { tag, start, end } : null;
}

/** The issuer and subject Name elements of a DER certificate, or null when it is not shaped as X.509 says. */
function certificateNames(der: Buffer): { issuer: Buffer; subject: Buffer } | null {
  const certificate = element(der, 0, der.length);
  if (certificate?.tag !== 0x30) return null;
  const tbs = element(der, certificate.start, certificate.end);
  if (tbs?.tag !== 0x30) return null;
  const fields: Element[] = [];
  for (let offset = tbs.start; offset < tbs.end && fields.length < 6; ) {
    const field = element(der, offset, tbs.end);
    if (!field) return null;
    fields.push(field);
    offset = field.end;
  }
  // version [0] is optional; then serialNumber, signature, issuer, validity, subject.
  const first = fields[0]?.tag === 0xa0 ? 1 : 0;
  const issuer = fields[first + 2];
  const subject = fields[first + 4];
  if (issuer?.tag !== 0x30 || subject?.tag !== 0x30) return null;
  return { issuer: der.subarray(issuer.start, issuer.end), subject: der.subarray(subject.start, subject.end) };
}

/** DirectoryString tags whose value is text: UTF8, Numeric, Printable, T61, IA5, Visible, Universal, BMP. */
const TEXT_TAGS: ReadonlySet<number> = new Set([0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e]);

/**
 * A loose key for a Name's contents: each attribute as its type and its value, text values decoded,
 * lower-cased and stripped of white space, any other value left out, the attributes sorted. It is
 * looser than the name comparison OpenSSL makes when checking issuance, so two names OpenSSL takes as
 * equal share a key. Null for a Name encoded in a way DER does not allow (indefinite or over-long
 * lengths, strings in pieces): OpenSSL reads some of those, so such a name is matched with every name.
 */
function nameKey(name: Buffer): string | null {
  const attributes: string[] = [];
  for (let rdnOffset = 0; rdnOffset < name.length; ) {
    const rdn = element(name, rdnOffset, name.length);
    if (rdn?.tag !== 0x31) return null;
    for (let offset = rdn.start; offset < rdn.end; ) {
      const pair = element(name, offset, rdn.end);
      if (pair?.tag !== 0x30) return null;
      const type = element(name, pair.start, pair.end);
      if (type?.tag !== 0x06) return null;
      const value = element(name, type.end, pair.end);
      if (!value || value.end !== pair.end) return null;
      const text = valueText(name, value);
      if (text === null) return null;
      attributes.push(`${name.toString("latin1", type.start, type.end)}=${text}`);
      offset = pair.end;
    }
    rdnOffset = rdn.end;
  }
  return attributes.sort().join("\u0000");
}

/** A value's text for {@link nameKey}: decoded and folded for text, `*` for any other primitive value, null when it cannot tell. */
function valueText(name: Buffer, value: Element): string | null {
  // Constructed (a string sent in pieces, or a structure): OpenSSL may decode what this does not.
  if (value.tag & 0x20) return null;
  // OpenSSL compares any other value by its bytes; leaving it out only makes the key looser.
  if (!TEXT_TAGS.has(value.tag)) return "*";
  let text: string;
  if (value.tag === 0x1e) {
    if ((value.end - value.start) % 2 !== 0) return null;
    text = Buffer.from(name.subarray(value.start, value.end)).swap16().toString("utf16le");
  } else if (value.tag === 0x1c) {
    if ((value.end - value.start) % 4 !== 0) return null;
    const codePoints: number[] = [];
    for (let i = value.start; i < value.end; i += 4) codePoints.push(name.readUInt32BE(i));
    if (codePoints.some((point) => point > 0x10ffff)) return null;
    text = String.fromCodePoint(...codePoints);
  } else text = name.toString(value.tag === 0x0c ? "utf8" : "latin1", value.start, value.end);
  return text.toLowerCase().replace(/\s+/g, "");
}
