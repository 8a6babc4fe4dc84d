/**
 * Reads the ClientHello a client sends (the other direction of `client-hello.ts`): what a canary
 * listener learns about a client before any key is exchanged. Bytes come from a stranger, so every
 * read is bounds-checked and anything that is not a well-formed ClientHello throws {@link TlsParseError}.
 */
import { printable } from "../../connection/printable.js";
import { cipherSuiteByCode } from "./cipher-suites.js";
import { versionName } from "./client-hello.js";
import { TlsParseError } from "./parse-error.js";
import { Cursor } from "./server-flight.js";

/** Largest ClientHello accepted; real ones (post-quantum key shares included) stay far below. */
export const MAX_CLIENT_HELLO_BYTES = 64 * 1024;
/** Largest record TLS allows (2^14 plus expansion). */
const MAX_RECORD_LENGTH = 16_384 + 2_048;

/** A ClientHello as sent, code points kept; GREASE values (RFC 8701) left out. */
export type ClientHelloMessage = {
  /** Version in the record header of the first record (0x0301 from most clients, whatever they offer). */
  readonly recordVersion: number;
  /** The `legacy_version` field: the highest version offered when there is no supported_versions. */
  readonly legacyVersion: number;
  /** The supported_versions extension's list, in the client's order; empty when absent. */
  readonly supportedVersions: readonly number[];
  readonly cipherSuites: readonly number[];
  /** The host_name of the server_name extension, made printable; null when none was sent. */
  readonly serverName: string | null;
  readonly signatureAlgorithms: readonly number[];
  readonly groups: readonly number[];
  /** Extension types present, in the order sent. */
  readonly extensionTypes: readonly number[];
};

/** GREASE code points (RFC 8701): 0x0A0A, 0x1A1A, … 0xFAFA; a client sends them to keep servers tolerant, they offer nothing. */
function isGrease(code: number): boolean {
  return (code & 0x0f0f) === 0x0a0a && code >> 8 === (code & 0xff);
}

function list16(cursor: Cursor): number[] {
  const length = cursor.u16();
  if (length % 2 !== 0) throw new TlsParseError(`ClientHello list of ${length} bytes is not a list of 16-bit values`);
  const inner = new Cursor(cursor.take(length), "ClientHello list");
  const values: number[] = [];
  while (inner.remaining > 0) {
    const value = inner.u16();
    if (!isGrease(value)) values.push(value);
  }
  return values;
}

function readServerName(body: Buffer): string | null {
  const cursor = new Cursor(body, "server_name extension");
  const list = new Cursor(cursor.take(cursor.u16()), "server_name list");
  while (list.remaining > 0) {
    const type = list.u8();
    const name = list.take(list.u16());
    if (type === 0) return printable(name.toString("latin1"));
  }
  return null;
}

function readSupportedVersions(body: Buffer): number[] {
  const cursor = new Cursor(body, "supported_versions extension");
  const length = cursor.u8();
  if (length % 2 !== 0) throw new TlsParseError(`supported_versions list of ${length} bytes is not a list of versions`);
  const inner = new Cursor(cursor.take(length), "supported_versions list");
  const versions: number[] = [];
  while (inner.remaining > 0) {
    const version = inner.u16();
    if (!isGrease(version)) versions.push(version);
  }
  return versions;
}

/** Parses a ClientHello handshake body (without the 4-byte handshake header). */
export function parseClientHelloBody(body: Buffer, recordVersion: number): ClientHelloMessage {
  const cursor = new Cursor(body, "ClientHello");
  const legacyVersion = cursor.u16();
  cursor.take(32);
  const sessionIdLength = cursor.u8();
  if (sessionIdLength > 32) throw new TlsParseError(`ClientHello session id of ${sessionIdLength} bytes (at most 32)`);
  cursor.take(sessionIdLength);
  const cipherSuites = list16(cursor);
  if (cipherSuites.length === 0) throw new TlsParseError("ClientHello offers no cipher suite");
  cursor.take(cursor.u8());
  const hello = {
    recordVersion,
    legacyVersion,
    supportedVersions: [] as number[],
    cipherSuites,
    serverName: null as string | null,
    signatureAlgorithms: [] as number[],
    groups: [] as number[],
    extensionTypes: [] as number[],
  };
  // SSL 3.0-era hellos end here: extensions are optional.
  if (cursor.remaining === 0) return hello;
  const extensions = new Cursor(cursor.take(cursor.u16()), "ClientHello extensions");
  if (cursor.remaining > 0) throw new TlsParseError(`ClientHello has ${cursor.remaining} bytes after its extensions`);
  while (extensions.remaining > 0) {
    const type = extensions.u16();
    const data = extensions.take(extensions.u16());
    if (isGrease(type)) continue;
    hello.extensionTypes.push(type);
    if (type === 0x0000) hello.serverName = readServerName(data);
    else if (type === 0x000a) hello.groups = list16(new Cursor(data, "supported_groups extension"));
    else if (type === 0x000d) hello.signatureAlgorithms = list16(new Cursor(data, "signature_algorithms extension"));
    else if (type === 0x002b) hello.supportedVersions = readSupportedVersions(data);
  }
  return hello;
}

/** A ClientHello read from the start of a byte stream, and how many bytes (whole records) it took. */
export type ClientHelloRead = { readonly hello: ClientHelloMessage; readonly length: number };

/**
 * Reads the ClientHello at the start of `buffered` (one or more handshake records). Returns null
 * while more bytes are needed; throws {@link TlsParseError} when the bytes are not a ClientHello.
 *
 * @example
 * ```ts
 * const read = readClientHello(bufferedBytes);
 * if (read) console.log(read.hello.cipherSuites.length, "suites offered");
 * ```
 */
export function readClientHello(buffered: Buffer): ClientHelloRead | null {
  let offset = 0;
  let handshake = Buffer.alloc(0);
  let recordVersion = -1;
  while (buffered.length >= offset + 5) {
    const type = buffered[offset] as number;
    const major = buffered[offset + 1] as number;
    const length = buffered.readUInt16BE(offset + 3);
    if (type !== 22 || major !== 3) {
      throw new TlsParseError(`bytes ${printable(buffered.subarray(offset, offset + 5).toString("hex"))} do not start a TLS handshake record`);
    }
    if (length === 0 || length > MAX_RECORD_LENGTH) throw new TlsParseError(`handshake record of ${length} bytes`);
    if (recordVersion < 0) recordVersion = buffered.readUInt16BE(offset + 1);
    if (buffered.length < offset + 5 + length) break;
    handshake = Buffer.concat([handshake, buffered.subarray(offset + 5, offset + 5 + length)]);
    offset += 5 + length;
    if (handshake[0] !== 1) throw new TlsParseError(`first handshake message has type ${handshake[0]}, expected ClientHello (1)`);
    if (handshake.length >= 4) {
      const messageLength = handshake.readUIntBE(1, 3);
      if (messageLength > MAX_CLIENT_HELLO_BYTES) throw new TlsParseError(`ClientHello of ${messageLength} bytes (at most ${MAX_CLIENT_HELLO_BYTES})`);
      if (handshake.length >= 4 + messageLength) {
        return { hello: parseClientHelloBody(handshake.subarray(4, 4 + messageLength), recordVersion), length: offset };
      }
    }
  }
  if (buffered.length > MAX_CLIENT_HELLO_BYTES + 1024) throw new TlsParseError(`more than ${MAX_CLIENT_HELLO_BYTES} bytes without a complete ClientHello`);
  return null;
}

/** IANA TLS SignatureScheme names (RFC 8446 §4.2.3 and the registry's later additions). */
const SIGNATURE_SCHEMES: Readonly<Record<number, string>> = {
  513: "rsa_pkcs1_sha1",
  514: "dsa_sha1",
  515: "ecdsa_sha1",
  257: "rsa_pkcs1_md5",
  769: "rsa_pkcs1_sha224",
  770: "dsa_sha224",
  771: "ecdsa_sha224",
  1025: "rsa_pkcs1_sha256",
  1026: "dsa_sha256",
  1027: "ecdsa_secp256r1_sha256",
  1056: "rsa_pkcs1_sha256_legacy",
  1281: "rsa_pkcs1_sha384",
  1282: "dsa_sha384",
  1283: "ecdsa_secp384r1_sha384",
  1537: "rsa_pkcs1_sha512",
  1538: "dsa_sha512",
  1539: "ecdsa_secp521r1_sha512",
  2052: "rsa_pss_rsae_sha256",
  2053: "rsa_pss_rsae_sha384",
  2054: "rsa_pss_rsae_sha512",
  2055: "ed25519",
  2056: "ed448",
  2057: "rsa_pss_pss_sha256",
  2058: "rsa_pss_pss_sha384",
  2059: "rsa_pss_pss_sha512",
  2074: "ecdsa_brainpoolP256r1tls13_sha256",
  2075: "ecdsa_brainpoolP384r1tls13_sha384",
  2076: "ecdsa_brainpoolP512r1tls13_sha512",
  2308: "mldsa44",
  2309: "mldsa65",
  2310: "mldsa87",
};

/** IANA TLS Supported Groups names. */
const GROUP_NAMES: Readonly<Record<number, string>> = {
  ...Object.fromEntries(
    [
      "sect163k1",
      "sect163r1",
      "sect163r2",
      "sect193r1",
      "sect193r2",
      "sect233k1",
      "sect233r1",
      "sect239k1",
      "sect283k1",
      "sect283r1",
      "sect409k1",
      "sect409r1",
      "sect571k1",
      "sect571r1",
      "secp160k1",
      "secp160r1",
      "secp160r2",
      "secp192k1",
      "secp192r1",
      "secp224k1",
      "secp224r1",
      "secp256k1",
      "secp256r1",
      "secp384r1",
      "secp521r1",
      "brainpoolP256r1",
      "brainpoolP384r1",
      "brainpoolP512r1",
      "x25519",
      "x448",
      "brainpoolP256r1tls13",
      "brainpoolP384r1tls13",
      "brainpoolP512r1tls13",
    ].map((name, index) => [index + 1, name]),
  ),
  256: "ffdhe2048",
  257: "ffdhe3072",
  258: "ffdhe4096",
  259: "ffdhe6144",
  260: "ffdhe8192",
  512: "MLKEM512",
  513: "MLKEM768",
  514: "MLKEM1024",
  4587: "SecP256r1MLKEM768",
  4588: "X25519MLKEM768",
  4589: "SecP384r1MLKEM1024",
  25497: "X25519Kyber768Draft00",
};

/** Signalling suite values that are not in the suite registry. */
const SIGNALLING_SUITES: Readonly<Record<number, string>> = {
  255: "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
  22016: "TLS_FALLBACK_SCSV",
};

const hex = (code: number) => `0x${code.toString(16).padStart(4, "0")}`;

/** The name of a cipher suite code point a client offered: IANA name, signalling value name, or `0xNNNN`. */
export function offeredSuiteName(code: number): string {
  const known = cipherSuiteByCode(code);
  if (!known.name.startsWith("UNKNOWN_")) return known.name;
  return SIGNALLING_SUITES[code] ?? hex(code);
}

/** The IANA name of a signature scheme, or `0xNNNN`. */
export function signatureSchemeName(code: number): string {
  return SIGNATURE_SCHEMES[code] ?? hex(code);
}

/** The IANA name of a supported group, or `0xNNNN`. */
export function groupName(code: number): string {
  return GROUP_NAMES[code] ?? hex(code);
}

/** The versions a ClientHello offers: its supported_versions list, else the one `legacy_version` it names (the lowest it accepts is not on the wire). */
export function offeredVersions(hello: ClientHelloMessage): string[] {
  const codes = hello.supportedVersions.length > 0 ? hello.supportedVersions : [hello.legacyVersion];
  return [...new Set(codes.map(versionName))];
}
