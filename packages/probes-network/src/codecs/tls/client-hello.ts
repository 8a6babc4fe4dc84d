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

/**
 * Writes a hello into one list of bytes: length prefixes are reserved and filled in once their body
 * is written. A scan sends thousands of hellos with hundreds of suites each; joining buffers of two
 * bytes cost more than the scan's own parsing.
 */
class HelloWriter {
  readonly #bytes: number[] = [];

  u8(value: number): void {
    this.#bytes.push(value & 0xff);
  }

  u16(value: number): void {
    this.#bytes.push((value >> 8) & 0xff, value & 0xff);
  }

  bytes(data: ArrayLike<number>): void {
    for (let index = 0; index < data.length; index++) this.#bytes.push((data[index] as number) & 0xff);
  }

  list16(values: readonly number[]): void {
    this.vector(2, () => {
      for (const value of values) this.u16(value);
    });
  }

  /** `body` behind its length in `size` bytes (big-endian). */
  vector(size: 1 | 2 | 3, body: () => void): void {
    const at = this.#bytes.length;
    for (let index = 0; index < size; index++) this.#bytes.push(0);
    body();
    const length = this.#bytes.length - at - size;
    for (let index = 0; index < size; index++) this.#bytes[at + index] = (length >> (8 * (size - 1 - index))) & 0xff;
  }

  extension(type: number, body: () => void = () => {}): void {
    this.u16(type);
    this.vector(2, body);
  }

  finish(): Buffer {
    return Buffer.from(this.#bytes);
  }
}

/** Random bytes drawn from a pool: a hello's random and session id need no secrecy (no key is ever made from them). */
let randomPool = Buffer.alloc(0);
let randomOffset = 0;
function poolRandom(length: number): Buffer {
  if (randomOffset + length > randomPool.length) {
    randomPool = randomBytes(4096);
    randomOffset = 0;
  }
  const chunk = randomPool.subarray(randomOffset, randomOffset + length);
  randomOffset += length;
  return chunk;
}

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
  const writer = new HelloWriter();
  writer.u8(22);
  // Record version 3.1 for every TLS hello is what servers tolerate best; SSL 3.0 needs 3.0.
  writer.u16(options.version === "SSLv3" ? 0x0300 : 0x0301);
  writer.vector(2, () => {
    writer.u8(1);
    writer.vector(3, () => {
      writer.u16(isTls13 ? VERSION_CODES["TLSv1.2"] : VERSION_CODES[options.version]);
      writer.bytes(options.random ?? poolRandom(32));
      // A 32-byte session id keeps TLS 1.3 middlebox-compatibility mode, which some servers expect.
      writer.vector(1, () => {
        if (isTls13) writer.bytes(poolRandom(32));
      });
      writer.list16(options.cipherSuites);
      writer.vector(1, () => writer.u8(0));
      // SSL 3.0 predates extensions; some SSL 3.0 stacks reject a hello that carries any.
      if (options.version !== "SSLv3") writer.vector(2, () => writeExtensions(writer, options));
    });
  });
  return writer.finish();
}

function writeExtensions(writer: HelloWriter, options: ClientHelloOptions): void {
  const { servername } = options;
  if (servername !== null) {
    writer.extension(0x0000, () =>
      writer.vector(2, () => {
        writer.u8(0);
        writer.vector(2, () => writer.bytes(Buffer.from(servername, "ascii")));
      }),
    );
  }
  if (options.requestOcspStaple) writer.extension(0x0005, () => writer.bytes([1, 0, 0, 0, 0]));
  const groups = options.groups ?? (options.offerFiniteFieldGroups === false ? OFFERED_GROUPS.filter((group) => group >> 8 !== 0x01) : OFFERED_GROUPS);
  writer.extension(0x000a, () => writer.list16(groups));
  writer.extension(0x000b, () => writer.vector(1, () => writer.bytes([0, 1, 2])));
  writer.extension(0x000d, () => writer.list16(OFFERED_SIGNATURE_SCHEMES));
  writer.extension(0x0017);
  writer.extension(0xff01, () => writer.u8(0));
  if (options.version === "TLSv1.3") {
    writer.extension(0x002b, () => writer.vector(1, () => writer.u16(VERSION_CODES["TLSv1.3"])));
    // An empty key_share makes a TLS 1.3 server answer with a HelloRetryRequest that already names its suite: no key needed.
    writer.extension(0x0033, () => writer.vector(2, () => {}));
    writer.extension(0x002d, () => writer.vector(1, () => writer.u8(1)));
  }
}
