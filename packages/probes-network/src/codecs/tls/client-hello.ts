/**
 * Builds ClientHello records byte by byte, so hardcheck can offer versions and suites the local
 * OpenSSL no longer implements (SSL 3.0, EXPORT, RC4, 3DES, NULL …) — only the server's first
 * answer is read, so no key is ever computed.
 */
import { randomBytes } from "node:crypto";

/** Protocol versions the scanner can offer, oldest first. */
export const TLS_VERSIONS = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;

/** A protocol version by the name Node.js and OpenSSL print (`TLSv1.2`). */
export type TlsVersionName = (typeof TLS_VERSIONS)[number];

/** Wire code of each version. */
export const VERSION_CODES: Readonly<Record<TlsVersionName, number>> = {
  SSLv3: 0x0300,
  TLSv1: 0x0301,
  "TLSv1.1": 0x0302,
  "TLSv1.2": 0x0303,
  "TLSv1.3": 0x0304,
};

/** The version name of a wire code, or a hex placeholder for codes outside SSL 3.0 … TLS 1.3. */
export function versionName(code: number): string {
  const found = TLS_VERSIONS.find((name) => VERSION_CODES[name] === code);
  return found ?? `0x${code.toString(16).padStart(4, "0")}`;
}

/** Named groups offered: modern curves first, then finite-field groups and the legacy binary/prime curves old servers only know. */
const OFFERED_GROUPS = [
  0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104, 0x0016, 0x0015, 0x0014, 0x0013, 0x0012, 0x0011, 0x0010, 0x000f, 0x000e,
  0x000d, 0x000c, 0x000b, 0x000a, 0x0009, 0x0008, 0x0007, 0x0006, 0x0005, 0x0004, 0x0003, 0x0002, 0x0001, 0x001a, 0x001b, 0x001c,
];

/** Signature schemes offered: everything a server might sign with, including SHA-1, MD5-era and DSA schemes. */
const OFFERED_SIGNATURE_SCHEMES = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502,
  0x0602, 0x0203, 0x0201, 0x0202, 0x0101, 0x081a, 0x081b, 0x081c,
];

/** What to put in one ClientHello. */
export type ClientHelloOptions = {
  /** The one version offered; TLS 1.3 is offered through supported_versions, older ones through the legacy field. */
  readonly version: TlsVersionName;
  /** Suites in the order of preference to express. */
  readonly cipherSuites: readonly number[];
  /** SNI host name; null sends no server_name extension (IP literals must not be sent). */
  readonly servername: string | null;
  /** Ask for a stapled OCSP response (status_request). */
  readonly requestOcspStaple?: boolean;
  /**
   * Offer the RFC 7919 finite-field groups (default true). A server that follows RFC 7919 strictly
   * refuses DHE when a client offers such groups and none matches, where it would otherwise use its
   * own configured group; leaving them out shows that group.
   */
  readonly offerFiniteFieldGroups?: boolean;
  /** Named groups to offer instead of the full list (code points), e.g. one curve to learn whether the server accepts it. */
  readonly groups?: readonly number[];
  /** Fixed random for reproducible tests; random otherwise. */
  readonly random?: Uint8Array;
};

const u8 = (value: number) => Buffer.from([value & 0xff]);
const u16 = (value: number) => Buffer.from([(value >> 8) & 0xff, value & 0xff]);
const u24 = (value: number) => Buffer.from([(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff]);
const vector16 = (body: Buffer) => Buffer.concat([u16(body.length), body]);
const vector8 = (body: Buffer) => Buffer.concat([u8(body.length), body]);
const list16 = (values: readonly number[]) => vector16(Buffer.concat(values.map(u16)));
const extension = (type: number, body: Buffer) => Buffer.concat([u16(type), vector16(body)]);

/**
 * A complete ClientHello record (record header included) offering one version.
 *
 * @example
 * ```ts
 * socket.write(buildClientHello({ version: "TLSv1.2", cipherSuites: [0xc02f, 0x009c], servername: "portal.example" }));
 * ```
 */
export function buildClientHello(options: ClientHelloOptions): Buffer {
  const isTls13 = options.version === "TLSv1.3";
  const legacyVersion = isTls13 ? VERSION_CODES["TLSv1.2"] : VERSION_CODES[options.version];
  const extensions: Buffer[] = [];
  // SSL 3.0 predates extensions; some SSL 3.0 stacks reject a hello that carries any.
  if (options.version !== "SSLv3") {
    if (options.servername !== null) {
      const name = Buffer.from(options.servername, "ascii");
      extensions.push(extension(0x0000, vector16(Buffer.concat([u8(0), vector16(name)]))));
    }
    if (options.requestOcspStaple) extensions.push(extension(0x0005, Buffer.from([1, 0, 0, 0, 0])));
    const groups = options.groups ?? (options.offerFiniteFieldGroups === false ? OFFERED_GROUPS.filter((group) => group >> 8 !== 0x01) : OFFERED_GROUPS);
    extensions.push(extension(0x000a, list16(groups)));
    extensions.push(extension(0x000b, vector8(Buffer.from([0, 1, 2]))));
    extensions.push(extension(0x000d, list16(OFFERED_SIGNATURE_SCHEMES)));
    extensions.push(extension(0x0017, Buffer.alloc(0)));
    extensions.push(extension(0xff01, Buffer.from([0])));
    if (isTls13) {
      extensions.push(extension(0x002b, vector8(u16(VERSION_CODES["TLSv1.3"]))));
      // An empty key_share makes a TLS 1.3 server answer with a HelloRetryRequest that already names its suite: no key needed.
      extensions.push(extension(0x0033, vector16(Buffer.alloc(0))));
      extensions.push(extension(0x002d, vector8(Buffer.from([1]))));
    }
  }
  const random = options.random ? Buffer.from(options.random) : randomBytes(32);
  // A 32-byte session id keeps TLS 1.3 middlebox-compatibility mode, which some servers expect.
  const sessionId = isTls13 ? randomBytes(32) : Buffer.alloc(0);
  const body = Buffer.concat([
    u16(legacyVersion),
    random,
    vector8(sessionId),
    list16(options.cipherSuites),
    vector8(Buffer.from([0])),
    ...(extensions.length > 0 ? [vector16(Buffer.concat(extensions))] : []),
  ]);
  const handshake = Buffer.concat([u8(1), u24(body.length), body]);
  // Record version 3.1 for every TLS hello is what servers tolerate best; SSL 3.0 needs 3.0.
  const recordVersion = options.version === "SSLv3" ? 0x0300 : 0x0301;
  return Buffer.concat([u8(22), u16(recordVersion), u16(handshake.length), handshake]);
}
