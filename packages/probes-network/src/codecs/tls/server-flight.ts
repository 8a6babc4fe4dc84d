/**
 * Reads what a server sends back to a ClientHello: the ServerHello (or HelloRetryRequest) or an
 * alert, and — for TLS 1.2 and older, where they travel in clear text — the Certificate and
 * CertificateStatus messages. Accepts bytes in any fragmentation; throws only {@link TlsParseError}.
 */
import { TlsParseError } from "./parse-error.js";

/** The random a TLS 1.3 HelloRetryRequest carries in place of a real one (RFC 8446 §4.1.3). */
const HELLO_RETRY_RANDOM = Buffer.from("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c", "hex");

/** Largest record TLS allows (2^14 plus expansion); anything longer is not TLS. */
const MAX_RECORD_LENGTH = 16_384 + 2_048;
/** Enough for chains far longer than any real server sends (a 64 KB chain included). */
const MAX_BUFFERED_BYTES = 512 * 1024;

/** Alert descriptions by code (RFC 8446 §6 and the older ones still seen in the wild). */
const ALERT_NAMES: Readonly<Record<number, string>> = {
  0: "close_notify",
  10: "unexpected_message",
  20: "bad_record_mac",
  21: "decryption_failed",
  22: "record_overflow",
  30: "decompression_failure",
  40: "handshake_failure",
  41: "no_certificate",
  42: "bad_certificate",
  43: "unsupported_certificate",
  44: "certificate_revoked",
  45: "certificate_expired",
  46: "certificate_unknown",
  47: "illegal_parameter",
  48: "unknown_ca",
  49: "access_denied",
  50: "decode_error",
  51: "decrypt_error",
  60: "export_restriction",
  70: "protocol_version",
  71: "insufficient_security",
  80: "internal_error",
  86: "inappropriate_fallback",
  90: "user_canceled",
  100: "no_renegotiation",
  109: "missing_extension",
  110: "unsupported_extension",
  112: "unrecognized_name",
  113: "bad_certificate_status_response",
  115: "unknown_psk_identity",
  116: "certificate_required",
  120: "no_application_protocol",
};

/** The readable name of an alert code (`handshake_failure`), or `alert_<code>`. */
export function alertName(code: number): string {
  return ALERT_NAMES[code] ?? `alert_${code}`;
}

/** The parts of a ServerHello the scanner uses. */
export type ServerHello = {
  /** The version the server chose: supported_versions when present, else the legacy field. */
  readonly version: number;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  /** A TLS 1.3 HelloRetryRequest (asks for another key share; already names the suite). */
  readonly helloRetryRequest: boolean;
  /** The key-exchange group a TLS 1.3 server selected, when it said. */
  readonly selectedGroup: number | null;
  /** Extension types present, in the order sent. */
  readonly extensionTypes: readonly number[];
};

/** A server's first answer to a ClientHello. */
export type ServerAnswer =
  | { readonly kind: "hello"; readonly hello: ServerHello }
  | { readonly kind: "alert"; readonly level: number; readonly description: number; readonly name: string };

/** One complete handshake message. */
export type HandshakeMessage = { readonly type: number; readonly body: Buffer };

/** Bounds-checked reads that fail with {@link TlsParseError} instead of returning garbage. */
export class Cursor {
  #offset = 0;
  constructor(
    private readonly bytes: Buffer,
    private readonly what: string,
  ) {}
  get remaining(): number {
    return this.bytes.length - this.#offset;
  }
  take(length: number): Buffer {
    if (length > this.remaining) throw new TlsParseError(`${this.what} is truncated (wanted ${length} more bytes, ${this.remaining} left)`);
    const slice = this.bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return slice;
  }
  u8(): number {
    return this.take(1)[0] as number;
  }
  u16(): number {
    return this.take(2).readUInt16BE(0);
  }
  u24(): number {
    return this.take(3).readUIntBE(0, 3);
  }
}

/** Parses a ServerHello handshake body (without the 4-byte handshake header). */
export function parseServerHello(body: Buffer): ServerHello {
  const cursor = new Cursor(body, "ServerHello");
  const legacyVersion = cursor.u16();
  const random = cursor.take(32);
  cursor.take(cursor.u8());
  const cipherSuite = cursor.u16();
  const compressionMethod = cursor.u8();
  const extensionTypes: number[] = [];
  let version = legacyVersion;
  let selectedGroup: number | null = null;
  const helloRetryRequest = random.equals(HELLO_RETRY_RANDOM);
  if (cursor.remaining > 0) {
    const extensions = new Cursor(cursor.take(cursor.u16()), "ServerHello extensions");
    while (extensions.remaining > 0) {
      const type = extensions.u16();
      const data = new Cursor(extensions.take(extensions.u16()), `ServerHello extension ${type}`);
      extensionTypes.push(type);
      if (type === 0x002b) version = data.u16();
      // HelloRetryRequest carries only the group; a full ServerHello carries group and key.
      if (type === 0x0033) selectedGroup = data.u16();
    }
  }
  if (version >> 8 !== 3) throw new TlsParseError(`ServerHello names version 0x${version.toString(16)}, which is no SSL/TLS version`);
  return { version, cipherSuite, compressionMethod, helloRetryRequest, selectedGroup, extensionTypes };
}

/** Parses a TLS 1.2-style Certificate message body into DER certificates, in the order sent. */
export function parseCertificateList(body: Buffer): Buffer[] {
  const cursor = new Cursor(body, "Certificate message");
  const list = new Cursor(cursor.take(cursor.u24()), "certificate list");
  const certificates: Buffer[] = [];
  while (list.remaining > 0) certificates.push(Buffer.from(list.take(list.u24())));
  return certificates;
}

/** The ephemeral key exchange a server chose, as Node's `getEphemeralKeyInfo` describes it. */
export type EphemeralKeyExchange = {
  /** `DH` (finite field) or `ECDH`. */
  readonly type: "DH" | "ECDH";
  /** Curve or group name (`X25519`, `prime256v1`); null for an explicit finite-field group. */
  readonly name: string | null;
  /** Prime size for DH, curve size for ECDH; null when unknown. */
  readonly bits: number | null;
};

/** Named groups by code point (RFC 8422, RFC 7919), with Node's names and sizes. */
const NAMED_GROUPS: Readonly<Record<number, { name: string; bits: number }>> = {
  23: { name: "prime256v1", bits: 256 },
  24: { name: "secp384r1", bits: 384 },
  25: { name: "secp521r1", bits: 521 },
  29: { name: "X25519", bits: 253 },
  30: { name: "X448", bits: 448 },
  26: { name: "brainpoolP256r1", bits: 256 },
  27: { name: "brainpoolP384r1", bits: 384 },
  28: { name: "brainpoolP512r1", bits: 512 },
};

/**
 * Reads the group from a TLS 1.2-and-older ServerKeyExchange body (RFC 5246 §7.4.3, RFC 8422 §5.4):
 * the prime's size for finite-field DH, the named curve for ECDH. Null for a suite without
 * ephemeral key exchange or a curve that is not named.
 */
export function parseServerKeyExchange(body: Buffer, suiteName: string): EphemeralKeyExchange | null {
  const cursor = new Cursor(body, "ServerKeyExchange");
  if (/^TLS_(ECDHE|ECDH_anon)_/.test(suiteName)) {
    if (cursor.u8() !== 3) return null;
    const code = cursor.u16();
    const known = NAMED_GROUPS[code];
    return { type: "ECDH", name: known?.name ?? `group_0x${code.toString(16).padStart(4, "0")}`, bits: known?.bits ?? null };
  }
  if (/^(TLS|SSL)_(DHE|DH_anon)_/.test(suiteName)) {
    const prime = cursor.take(cursor.u16());
    const first = prime.findIndex((byte) => byte !== 0);
    if (first < 0) return { type: "DH", name: null, bits: 0 };
    const bits = (prime.length - first - 1) * 8 + (32 - Math.clz32(prime[first] as number));
    return { type: "DH", name: null, bits };
  }
  return null;
}

/** The group a TLS 1.2-and-older ServerKeyExchange names: a finite-field group's prime and generator, or a named curve's code point. */
export type ServerKeyExchangeGroup =
  | { readonly kind: "finite-field"; readonly prime: bigint; readonly generator: bigint }
  | { readonly kind: "named-curve"; readonly code: number };

/**
 * Reads the group itself from a ServerKeyExchange body: p and g for DHE (RFC 5246 §7.4.3), the named
 * curve's code point for ECDHE (RFC 8422 §5.4). Null for a suite without ephemeral key exchange or
 * a curve that is not named.
 */
export function parseServerKeyExchangeGroup(body: Buffer, suiteName: string): ServerKeyExchangeGroup | null {
  const cursor = new Cursor(body, "ServerKeyExchange");
  if (/^TLS_(ECDHE|ECDH_anon)_/.test(suiteName)) {
    if (cursor.u8() !== 3) return null;
    return { kind: "named-curve", code: cursor.u16() };
  }
  if (/^(TLS|SSL)_(DHE|DH_anon)_/.test(suiteName)) {
    const prime = cursor.take(cursor.u16());
    const generator = cursor.take(cursor.u16());
    const toBigInt = (bytes: Buffer) => (bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString("hex")}`));
    return { kind: "finite-field", prime: toBigInt(prime), generator: toBigInt(generator) };
  }
  return null;
}

/** Parses a CertificateStatus message body: the DER OCSP response it staples. */
export function parseCertificateStatus(body: Buffer): Buffer {
  const cursor = new Cursor(body, "CertificateStatus message");
  const statusType = cursor.u8();
  if (statusType !== 1) throw new TlsParseError(`CertificateStatus has status type ${statusType}, expected 1 (ocsp)`);
  return Buffer.from(cursor.take(cursor.u24()));
}

/**
 * Accumulates the server's bytes. Feed it with {@link push}; ask {@link firstAnswer} after each chunk.
 *
 * @example
 * ```ts
 * const reader = new ServerFlightReader();
 * socket.on("data", (chunk) => { reader.push(chunk); const answer = reader.firstAnswer(); if (answer) done(answer); });
 * ```
 */
export class ServerFlightReader {
  #pending = Buffer.alloc(0);
  #handshakeBytes = Buffer.alloc(0);
  #alert: ServerAnswer | null = null;
  #messages: HandshakeMessage[] = [];
  /** After ChangeCipherSpec or application data, later handshake records are encrypted: stop reading them. */
  #encrypted = false;
  #received = 0;

  /** Adds bytes received from the server. */
  push(chunk: Uint8Array): void {
    this.#received += chunk.length;
    if (this.#received > MAX_BUFFERED_BYTES) throw new TlsParseError(`server sent more than ${MAX_BUFFERED_BYTES} bytes before the handshake could be read`);
    this.#pending = Buffer.concat([this.#pending, chunk]);
    this.#readRecords();
  }

  /** The ServerHello or alert, once enough bytes arrived; null while more are needed. */
  firstAnswer(): ServerAnswer | null {
    const first = this.#messages[0];
    if (first) {
      if (first.type !== 2) throw new TlsParseError(`server's first handshake message has type ${first.type}, expected ServerHello (2)`);
      return { kind: "hello", hello: parseServerHello(first.body) };
    }
    return this.#alert;
  }

  /** Complete clear-text handshake messages so far, in order. */
  get messages(): readonly HandshakeMessage[] {
    return this.#messages;
  }

  /** True once the server's clear-text flight is over (ServerHelloDone, or encryption started). */
  get flightComplete(): boolean {
    return this.#encrypted || this.#messages.some((message) => message.type === 14);
  }

  #readRecords(): void {
    while (this.#pending.length >= 5) {
      const type = this.#pending[0] as number;
      const versionMajor = this.#pending[1] as number;
      const length = this.#pending.readUInt16BE(3);
      if (type < 20 || type > 24 || versionMajor !== 3) {
        throw new TlsParseError(`bytes ${this.#pending.subarray(0, 5).toString("hex")} do not start a TLS record`);
      }
      if (length > MAX_RECORD_LENGTH) throw new TlsParseError(`record of ${length} bytes exceeds the TLS maximum`);
      if (this.#pending.length < 5 + length) return;
      const fragment = this.#pending.subarray(5, 5 + length);
      this.#pending = this.#pending.subarray(5 + length);
      if (this.#encrypted) continue;
      if (type === 22) {
        this.#handshakeBytes = Buffer.concat([this.#handshakeBytes, fragment]);
        this.#readMessages();
      } else if (type === 21) {
        if (fragment.length < 2) throw new TlsParseError(`alert record of ${fragment.length} bytes, expected 2`);
        if (this.#alert === null && this.#messages.length === 0) {
          const description = fragment[1] as number;
          this.#alert = { kind: "alert", level: fragment[0] as number, description, name: alertName(description) };
        }
      } else {
        this.#encrypted = true;
      }
    }
  }

  #readMessages(): void {
    while (this.#handshakeBytes.length >= 4) {
      const length = this.#handshakeBytes.readUIntBE(1, 3);
      if (this.#handshakeBytes.length < 4 + length) return;
      this.#messages.push({ type: this.#handshakeBytes[0] as number, body: Buffer.from(this.#handshakeBytes.subarray(4, 4 + length)) });
      this.#handshakeBytes = this.#handshakeBytes.subarray(4 + length);
    }
  }
}
