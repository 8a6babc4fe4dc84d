// The wire layer on its own: hello encoding, answer parsing, and fuzzing of every parser a server's bytes reach.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALL_CIPHER_SUITES, cipherSuiteByCode } from "./cipher-suites.js";
import { buildClientHello, type ClientHelloOptions } from "./client-hello.js";
import { TlsParseError } from "./parse-error.js";
import { parseCertificateList, parseCertificateStatus, parseServerHello, ServerFlightReader } from "./server-flight.js";

const record = (type: number, body: Uint8Array) => Buffer.concat([Buffer.from([type, 3, 3, body.length >> 8, body.length & 0xff]), body]);
const handshake = (type: number, body: Uint8Array) =>
  Buffer.concat([Buffer.from([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]), body]);

function serverHelloBody(version: number, suite: number, extensions?: Buffer): Buffer {
  const parts: Buffer[] = [
    Buffer.from([version >> 8, version & 0xff]),
    Buffer.alloc(32, 1),
    Buffer.from([0]),
    Buffer.from([suite >> 8, suite & 0xff]),
    Buffer.from([0]),
  ];
  if (extensions) parts.push(Buffer.from([extensions.length >> 8, extensions.length & 0xff]), extensions);
  return Buffer.concat(parts);
}

/** Runs `action`; anything it throws other than `allowed` fails the property. */
function onlyThrows(allowed: new (...args: never[]) => Error, action: () => void): boolean {
  try {
    action();
    return true;
  } catch (error) {
    if (error instanceof allowed) return true;
    throw error;
  }
}

describe("cipher suite registry", () => {
  it("holds every IANA code point once and classifies names", () => {
    expect(new Set(ALL_CIPHER_SUITES.map((suite) => suite.code)).size).toBe(ALL_CIPHER_SUITES.length);
    expect(ALL_CIPHER_SUITES.length).toBeGreaterThan(340);
    expect(cipherSuiteByCode(0x000a)).toMatchObject({ name: "TLS_RSA_WITH_3DES_EDE_CBC_SHA", classes: ["3des", "64-bit-block", "cbc", "no-forward-secrecy"] });
    expect(cipherSuiteByCode(0x0003).classes).toEqual(["export", "md5", "no-forward-secrecy", "rc4"]);
    expect(cipherSuiteByCode(0xc02f)).toMatchObject({ name: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", classes: [], tls13: false });
    expect(cipherSuiteByCode(0x1301)).toMatchObject({ tls13: true, classes: [] });
    expect(cipherSuiteByCode(0x0018).classes).toContain("anonymous");
    expect(cipherSuiteByCode(0x0001).classes).toContain("null");
    expect(cipherSuiteByCode(0xabcd).name).toBe("UNKNOWN_0xABCD");
    // The signalling values must never be offered: TLS_FALLBACK_SCSV would make servers refuse pinned versions.
    expect(ALL_CIPHER_SUITES.some((suite) => suite.code === 0x5600 || suite.code === 0x00ff)).toBe(false);
  });
});

describe("buildClientHello", () => {
  it.each([
    ["SSLv3", 0x0300, 0x0300, false],
    ["TLSv1", 0x0301, 0x0301, true],
    ["TLSv1.2", 0x0301, 0x0303, true],
    ["TLSv1.3", 0x0301, 0x0303, true],
  ] as const)("%s: record and hello versions, lengths that add up", (version, recordVersion, helloVersion, hasExtensions) => {
    const hello = buildClientHello({ version, cipherSuites: [0x002f, 0x1301], servername: "portal.example", random: new Uint8Array(32) });

    expect(hello[0]).toBe(22);
    expect(hello.readUInt16BE(1)).toBe(recordVersion);
    expect(hello.readUInt16BE(3)).toBe(hello.length - 5);
    expect(hello[5]).toBe(1);
    expect(hello.readUIntBE(6, 3)).toBe(hello.length - 9);
    expect(hello.readUInt16BE(9)).toBe(helloVersion);
    expect(hello.includes(Buffer.from("portal.example"))).toBe(hasExtensions);
  });
});

describe("buildClientHello, byte for byte", () => {
  // Hellos as the scanner sends them, kept in fixtures/built-hellos.json; a TLS 1.3 hello's session id is random, so it
  // is zeroed before comparing.
  const built = JSON.parse(readFileSync(new URL("./fixtures/built-hellos.json", import.meta.url), "utf8")) as Record<string, string>;
  const legacy = ALL_CIPHER_SUITES.filter((suite) => !suite.tls13).map((suite) => suite.code);
  const modern = ALL_CIPHER_SUITES.filter((suite) => suite.tls13).map((suite) => suite.code);
  const random = Uint8Array.from({ length: 32 }, (_, index) => index * 7);
  const cases: Record<string, ClientHelloOptions> = {
    "TLSv1.2, every suite, SNI": { version: "TLSv1.2", cipherSuites: legacy, servername: "portal.example", random },
    "TLSv1.3, SNI": { version: "TLSv1.3", cipherSuites: modern, servername: "portal.example", random },
    "TLSv1.3, no SNI": { version: "TLSv1.3", cipherSuites: modern, servername: null, random },
    SSLv3: { version: "SSLv3", cipherSuites: [0x000a, 0x0005, 0x0004], servername: "ignored.example", random },
    "TLSv1.2, staple, no finite-field groups": {
      version: "TLSv1.2",
      cipherSuites: [0xc02f, 0x009e, 0x0033],
      servername: "mail.example",
      requestOcspStaple: true,
      offerFiniteFieldGroups: false,
      random,
    },
    "TLSv1, one group": { version: "TLSv1", cipherSuites: [0xc013], servername: null, groups: [0x0017], random },
    "TLSv1.1, no suites left but one": { version: "TLSv1.1", cipherSuites: [0x002f], servername: "a.b", random },
  };

  it.each(Object.keys(cases))("%s", (name) => {
    const options = cases[name] as ClientHelloOptions;
    const hello = buildClientHello(options);
    if (options.version === "TLSv1.3") {
      expect(hello[43]).toBe(32);
      hello.fill(0, 44, 76);
    }
    expect(hello.toString("hex")).toBe(built[name]);
  });

  it("draws a fresh random and session id for every hello", () => {
    const hellos = Array.from({ length: 300 }, () => buildClientHello({ version: "TLSv1.3", cipherSuites: [0x1301], servername: null }));
    const randoms = new Set(hellos.map((hello) => hello.subarray(11, 43).toString("hex")));
    const sessions = new Set(hellos.map((hello) => hello.subarray(44, 76).toString("hex")));
    expect(randoms.size).toBe(300);
    expect(sessions.size).toBe(300);
    expect(randoms.has(sessions.values().next().value as string)).toBe(false);
  });
});

describe("ServerFlightReader", () => {
  it("reads a ServerHello split across records and chunks, with supported_versions and key_share", () => {
    const extensions = Buffer.from([0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x02, 0x00, 0x1d]);
    const message = handshake(2, serverHelloBody(0x0303, 0x1302, extensions));
    const bytes = Buffer.concat([record(22, message.subarray(0, 10)), record(22, message.subarray(10))]);
    const reader = new ServerFlightReader();

    for (const byte of bytes) {
      expect(reader.firstAnswer()).toBeNull();
      reader.push(Uint8Array.of(byte));
    }

    expect(reader.firstAnswer()).toEqual({
      kind: "hello",
      hello: { version: 0x0304, cipherSuite: 0x1302, compressionMethod: 0, helloRetryRequest: false, selectedGroup: 0x1d, extensionTypes: [0x2b, 0x33] },
    });
  });

  it("reads an alert, the certificate list and the stapled OCSP response", () => {
    const alertReader = new ServerFlightReader();
    alertReader.push(record(21, Uint8Array.of(2, 40)));
    expect(alertReader.firstAnswer()).toEqual({ kind: "alert", level: 2, description: 40, name: "handshake_failure" });

    const certificates = parseCertificateList(Buffer.from([0, 0, 10, 0, 0, 2, 0xaa, 0xbb, 0, 0, 2, 0xcc, 0xdd]));
    expect(certificates.map((der) => der.toString("hex"))).toEqual(["aabb", "ccdd"]);
    expect(parseCertificateStatus(Buffer.from([1, 0, 0, 2, 0x30, 0x00])).toString("hex")).toBe("3000");
  });

  it.each([
    ["HTTP instead of TLS", Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n"), /do not start a TLS record/],
    ["an oversized record", Buffer.from([22, 3, 3, 0xff, 0xff]), /exceeds the TLS maximum/],
    ["a truncated ServerHello", record(22, handshake(2, Buffer.from([3, 3, 0]))), /ServerHello is truncated/],
    ["a Certificate before the ServerHello", record(22, handshake(11, Buffer.alloc(3))), /expected ServerHello/],
  ])("refuses %s with TlsParseError", (_, bytes, message) => {
    const reader = new ServerFlightReader();

    expect(() => {
      reader.push(bytes);
      reader.firstAnswer();
    }).toThrow(TlsParseError);
    expect(() => {
      const again = new ServerFlightReader();
      again.push(bytes);
      again.firstAnswer();
    }).toThrow(message);
  });
});

describe("fuzzing: server bytes never raise anything but TlsParseError", () => {
  const recordArbitrary = fc
    .tuple(fc.integer({ min: 18, max: 26 }), fc.integer({ min: 0, max: 4 }), fc.uint8Array({ maxLength: 300 }))
    .map(([type, minor, body]) => Buffer.concat([Buffer.from([type, 3, minor, body.length >> 8, body.length & 0xff]), body]));
  const handshakeRecordArbitrary = fc
    .tuple(fc.constantFrom(2, 11, 14, 22), fc.uint8Array({ maxLength: 200 }), fc.integer({ min: -3, max: 3 }))
    .map(([type, body, lengthSkew]) => {
      const length = Math.max(0, body.length + lengthSkew);
      return record(22, Buffer.concat([Buffer.from([type, 0, length >> 8, length & 0xff]), body]));
    });

  it("arbitrary bytes and record-shaped noise, in arbitrary chunks", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), recordArbitrary, handshakeRecordArbitrary), { maxLength: 8 }), (chunks) =>
        onlyThrows(TlsParseError, () => {
          const reader = new ServerFlightReader();
          for (const chunk of chunks) {
            reader.push(chunk);
            reader.firstAnswer();
          }
          void reader.flightComplete;
          for (const message of reader.messages) {
            if (message.type === 2) parseServerHello(message.body);
            if (message.type === 11) parseCertificateList(message.body);
            if (message.type === 22) parseCertificateStatus(message.body);
          }
        }),
      ),
      { numRuns: 2_000 },
    );
  });

  it("mutations of a valid ServerHello", () => {
    const valid = handshake(2, serverHelloBody(0x0303, 0xc02f, Buffer.from([0xff, 0x01, 0x00, 0x01, 0x00])));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(valid.length), (edits, cut) =>
        onlyThrows(TlsParseError, () => {
          const mutated = Buffer.from(valid);
          for (const [offset, value] of edits) mutated[offset] = value;
          const reader = new ServerFlightReader();
          reader.push(record(22, mutated.subarray(0, cut)));
          reader.firstAnswer();
        }),
      ),
      { numRuns: 2_000 },
    );
  });
});
