// The ClientHello reader on hellos captured from real clients (fixtures/client-hellos/README.md says how), and fuzzed.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildClientHello } from "./client-hello.js";
import { groupName, offeredSuiteName, offeredVersions, readClientHello, signatureSchemeName } from "./client-hello-reader.js";
import { TlsParseError } from "./parse-error.js";

const captured = (name: string) => Buffer.from(readFileSync(new URL(`./fixtures/client-hellos/${name}.hex`, import.meta.url), "utf8").trim(), "hex");

describe("readClientHello on real clients' hellos", () => {
  it.each([
    ["openssl-s-client", ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"], "canary.example", false],
    ["openssl-tls1", ["TLSv1"], null, false],
    ["curl", ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"], "localhost", false],
    ["gnutls-cli", ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"], "gnutls.example", false],
    ["gnutls-cli-legacy", ["TLSv1"], null, true],
  ])("%s: versions %j, SNI %s, 3DES and RC4 offered: %s", (name, versions, sni, legacySuites) => {
    const bytes = captured(name);

    const read = readClientHello(bytes);

    expect(read?.length).toBe(bytes.length);
    const hello = read?.hello;
    if (!hello) throw new Error("no hello");
    expect(offeredVersions(hello)).toEqual(versions);
    expect(hello.serverName).toBe(sni);
    const suites = hello.cipherSuites.map(offeredSuiteName);
    expect(suites.some((suite) => suite.includes("3DES"))).toBe(legacySuites);
    expect(suites.some((suite) => suite.includes("RC4"))).toBe(legacySuites);
    expect(suites.every((suite) => /^(TLS_|0x)/.test(suite))).toBe(true);
  });

  it("names the groups and signature schemes OpenSSL offers", () => {
    const hello = readClientHello(captured("openssl-s-client"))?.hello;

    expect(hello?.groups.map(groupName)).toContain("x25519");
    expect(hello?.groups.map(groupName)).toContain("secp256r1");
    expect(hello?.signatureAlgorithms.map(signatureSchemeName)).toContain("rsa_pss_rsae_sha256");
    expect(hello?.signatureAlgorithms.map(signatureSchemeName)).toContain("ecdsa_secp256r1_sha256");
    expect(hello?.cipherSuites.map(offeredSuiteName)).toContain("TLS_AES_256_GCM_SHA384");
    expect(hello?.cipherSuites.map(offeredSuiteName)).toContain("TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
  });

  it("waits for every byte of a hello split into single bytes, then reads it", () => {
    const bytes = captured("curl");

    for (let cut = 0; cut < bytes.length; cut += 37) expect(readClientHello(bytes.subarray(0, cut))).toBeNull();
    expect(readClientHello(bytes)?.hello.serverName).toBe("localhost");
  });

  it("reads a hello fragmented over two records, and ignores what follows it", () => {
    const record = captured("openssl-s-client");
    const message = record.subarray(5);
    const split = Buffer.concat([
      Buffer.from([22, 3, 1, 0, 40]),
      message.subarray(0, 40),
      Buffer.from([22, 3, 1, (message.length - 40) >> 8, (message.length - 40) & 0xff]),
      message.subarray(40),
    ]);

    const read = readClientHello(Buffer.concat([split, Buffer.from("trailing")]));

    expect(read?.length).toBe(split.length);
    expect(read?.hello.serverName).toBe("canary.example");
  });

  it("skips GREASE values and names unknown codes in hex", () => {
    const hello = buildClientHello({ version: "TLSv1.2", cipherSuites: [0x0a0a, 0xc02f, 0x1234], servername: "grease.example" });

    const read = readClientHello(hello)?.hello;

    expect(read?.cipherSuites.map(offeredSuiteName)).toEqual(["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "0x1234"]);
    expect(groupName(0xabcd)).toBe("0xabcd");
  });

  it("makes a hostile server name printable", () => {
    const hello = buildClientHello({ version: "TLSv1.2", cipherSuites: [0xc02f], servername: "evil\u001b[2Jname" });

    expect(readClientHello(hello)?.hello.serverName).toBe("evil\\x1b[2Jname");
  });

  it.each([
    ["HTTP instead of TLS", Buffer.from("GET / HTTP/1.1\r\n\r\n"), /do not start a TLS handshake record/],
    ["a ServerHello", Buffer.from([22, 3, 3, 0, 4, 2, 0, 0, 0]), /expected ClientHello/],
    ["an empty record", Buffer.from([22, 3, 1, 0, 0]), /handshake record of 0 bytes/],
    ["a truncated body", Buffer.from([22, 3, 1, 0, 8, 1, 0, 0, 4, 3, 3, 0, 0]), /truncated/],
  ])("refuses %s with TlsParseError", (_, bytes, message) => {
    expect(() => readClientHello(bytes)).toThrow(TlsParseError);
    expect(() => readClientHello(bytes)).toThrow(message);
  });
});

describe("fuzzing: client bytes never raise anything but TlsParseError", () => {
  const onlyTlsParseError = (action: () => void): boolean => {
    try {
      action();
      return true;
    } catch (error) {
      return error instanceof TlsParseError;
    }
  };

  it("mutations and cuts of real hellos", () => {
    const hellos = ["openssl-s-client", "curl", "gnutls-cli", "gnutls-cli-legacy"].map(captured);
    fc.assert(
      fc.property(
        fc.constantFrom(...hellos),
        fc.array(fc.tuple(fc.nat(2_000), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(2_000),
        (valid, edits, cut) =>
          onlyTlsParseError(() => {
            const mutated = Buffer.from(valid);
            for (const [offset, value] of edits) mutated[offset % mutated.length] = value;
            readClientHello(mutated.subarray(0, cut % (mutated.length + 1)));
          }),
      ),
      { numRuns: 3_000 },
    );
  });

  it("arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => onlyTlsParseError(() => readClientHello(Buffer.from(bytes)))),
      { numRuns: 2_000 },
    );
  });
});
