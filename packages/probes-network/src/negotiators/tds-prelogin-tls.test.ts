import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Endpoint, parseEndpoint } from "@hardcheck/core";
import { probeTestDeps, tediousLogin } from "@hardcheck/labs";
import { createTestPki, type LoopbackServer, startGarbageServer, startNamespacedServer, startScriptedServer, startTarpitServer } from "@hardcheck/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frameTdsPacket, PRELOGIN_OPTION, PRELOGIN_PACKET_BYTES, preloginPayload, TDS_HEADER_BYTES, TDS_PACKET, tdsPacket } from "../codecs/tds/prelogin.js";
import { tlsProbeSchemes } from "../connection/tls-stream.js";
import { encryptionAnswer, HandshakeEndTracker, startTdsFixture, type TdsFixture } from "../tds-prelogin/fixtures/tds-fixture.js";
import { type TlsChainFacts, tlsChainProbe } from "../tls-chain/tls-chain.probe.js";
import { type TlsHandshakeFacts, tlsHandshakeProbe } from "../tls-handshake/tls-handshake.probe.js";
import { type TlsVersionsSuitesFacts, tlsVersionsSuitesProbe } from "../tls-versions-suites/tls-versions-suites.probe.js";
import { BUILTIN_NEGOTIATOR_TABLE } from "./builtin.js";
import { TdsPreloginTlsStream } from "./tds-prelogin-tls.js";

const pki = createTestPki({ caCommonName: "hardcheck TDS TLS test CA" });
const leaf = pki.issueLeaf({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"] });
const fixtures = new Map<string, TdsFixture>();
const keyDir = mkdtempSync(join(tmpdir(), "hardcheck-tds-tls-"));
const servers = new Map<string, LoopbackServer>();

/** Answers PRELOGIN with ENCRYPT_ON, then misbehaves inside the handshake as `then` says. */
function startMisbehavingServer(then: "silent" | "tabular-result" | "oversized" | "close"): Promise<LoopbackServer> {
  return startScriptedServer((socket) => {
    let answered = false;
    socket.on("data", () => {
      if (answered) {
        if (then === "tabular-result") socket.write(tdsPacket(TDS_PACKET.tabularResult, Buffer.from([0xaa, 0x00, 0x00])));
        if (then === "oversized") socket.write(Buffer.from([0x12, 0x01, 0xfd, 0xe8, 0, 0, 1, 0]));
        if (then === "close") socket.end();
        return;
      }
      answered = true;
      socket.write(tdsPacket(TDS_PACKET.tabularResult, preloginPayload([[PRELOGIN_OPTION.encryption, Buffer.from([0x01])]])));
    });
  });
}

beforeAll(async () => {
  fixtures.set("forced", await startTdsFixture("forced", leaf));
  fixtures.set("optional", await startTdsFixture("optional", leaf));
  // TLS 1.0 and 1.1 with SHA-1 CBC suites: the defaults of an unpatched SQL Server 2016 and older.
  fixtures.set("legacy", await startTdsFixture("optional", { ...leaf, minVersion: "TLSv1", ciphers: "DEFAULT:@SECLEVEL=0" }));
  fixtures.set("unsupported", await startTdsFixture("unsupported", leaf));
  fixtures.set("strict", await startTdsFixture("strict", leaf));
  // 3DES is gone from Node's OpenSSL: the fixture relays the handshake inside PRELOGIN to gnutls-serv
  // (which binds every interface, so it runs in a network namespace of its own), with TLS 1.0 and 3DES on.
  writeFileSync(join(keyDir, "leaf.pem"), leaf.chainPem);
  writeFileSync(join(keyDir, "leaf.key"), leaf.keyPem, { mode: 0o600 });
  const gnutls = await startNamespacedServer({
    command: "gnutls-serv",
    args: [
      "-p",
      "4433",
      "--x509certfile",
      join(keyDir, "leaf.pem"),
      "--x509keyfile",
      join(keyDir, "leaf.key"),
      "--priority",
      "NORMAL:+3DES-CBC:+VERS-TLS1.0:+VERS-TLS1.1:-VERS-TLS1.3",
    ],
    innerPort: 4433,
  });
  servers.set("gnutls", gnutls);
  fixtures.set("3des", await startTdsFixture("forced", { backendPort: gnutls.port }));
  servers.set("http", await startGarbageServer("HTTP/1.1 400 Bad Request\r\n\r\n"));
  servers.set("tarpit", await startTarpitServer());
  for (const then of ["silent", "tabular-result", "oversized", "close"] as const) servers.set(then, await startMisbehavingServer(then));
});

afterAll(async () => {
  for (const fixture of fixtures.values()) await fixture.close();
  for (const server of servers.values()) await server.close();
  rmSync(keyDir, { recursive: true, force: true });
});

function endpoint(name: string): Endpoint {
  const port = fixtures.get(name)?.port ?? servers.get(name)?.port;
  if (port === undefined) throw new Error(`no server ${name}`);
  return parseEndpoint(`mssql://127.0.0.1:${port}`);
}

function deps() {
  return probeTestDeps({ trust: { caCertificates: [pki.caPem] }, limits: { connectTimeoutMs: 1_000 } });
}

async function factsOf<T>(probe: typeof tlsHandshakeProbe, target: Endpoint): Promise<T> {
  const outcome = await probe.collect(target, {}, deps());
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return outcome.facts as unknown as T;
}

describe("TLS probes inside TDS PRELOGIN, against the specification fixture (not a live SQL Server)", () => {
  it("are offered for mssql:// endpoints", () => {
    expect(tlsProbeSchemes(BUILTIN_NEGOTIATOR_TABLE)).toContain("mssql");
    expect(tlsHandshakeProbe.meta.schemes).toContain("mssql");
  });

  it.each(["forced", "optional"])("tls-handshake completes a handshake with a %s-encryption server and reads its certificate", async (mode) => {
    const facts = await factsOf<TlsHandshakeFacts>(tlsHandshakeProbe, endpoint(mode));

    expect(facts["tls.handshake"].protocol).toBe("TLSv1.2");
    expect(facts["tls.leaf"].subject).toContain("CN=localhost");
    expect(facts["tls.leaf"].fingerprintSha256).toBe(new X509Certificate(leaf.certPem).fingerprint256);
    expect(facts["tls.hostname"]).toEqual({ name: "127.0.0.1", matches: true });
    expect(facts["tls.trust"]).toEqual({ trusted: true, error: null, detail: null });
  });

  it("tls-versions-suites finds TLS 1.0 and 1.1 on a legacy server and only TLS 1.2 on a current one", async () => {
    const [current, legacy] = await Promise.all([
      factsOf<TlsVersionsSuitesFacts>(tlsVersionsSuitesProbe, endpoint("forced")),
      factsOf<TlsVersionsSuitesFacts>(tlsVersionsSuitesProbe, endpoint("legacy")),
    ]);

    expect(current["tls.versions"].accepted).toEqual(["TLSv1.2"]);
    expect(legacy["tls.versions"].accepted).toEqual(["TLSv1", "TLSv1.1", "TLSv1.2"]);
    expect(legacy["tls.suites"].byVersion.TLSv1?.suites).toContain("TLS_RSA_WITH_AES_128_CBC_SHA");
    expect(current["tls.suites"].byVersion.TLSv1).toBeUndefined();
    expect(current["tls.suites"].names).toContain("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  });

  it("tls-versions-suites finds 3DES and TLS 1.0 inside PRELOGIN (handshake relayed to gnutls-serv)", async () => {
    const facts = await factsOf<TlsVersionsSuitesFacts>(tlsVersionsSuitesProbe, endpoint("3des"));

    expect(facts["tls.versions"].accepted).toEqual(["TLSv1", "TLSv1.1", "TLSv1.2"]);
    expect(facts["tls.suites"].classes).toContain("3des");
    expect(facts["tls.suites"].suitesByClass["3des"]).toContain("TLS_RSA_WITH_3DES_EDE_CBC_SHA");
    const handshake = await factsOf<TlsHandshakeFacts>(tlsHandshakeProbe, endpoint("3des"));
    expect(handshake["tls.trust"]).toEqual({ trusted: true, error: null, detail: null });
  });

  it("tls-chain validates the presented chain", async () => {
    const facts = await factsOf<TlsChainFacts>(tlsChainProbe, endpoint("forced"));

    expect(facts["tls.chainValidation"]).toMatchObject({ trusted: true, source: "clear-text", protocol: "TLSv1.2", complete: true });
    expect(facts["tls.chainCertificates"][0]?.subject).toContain("CN=localhost");
  });
});

describe("TLS inside TDS PRELOGIN: refusals and hostile servers", () => {
  it("makes the TLS probes not applicable when the server answers ENCRYPT_NOT_SUP", async () => {
    const reason = expect.stringMatching(/^no TLS to assess: tds-prelogin-tls: PRELOGIN: server answered ENCRYPT_NOT_SUP — it has no certificate/);
    expect(await tlsHandshakeProbe.collect(endpoint("unsupported"), {}, deps())).toEqual({ notApplicable: reason });
    expect(await tlsChainProbe.collect(endpoint("unsupported"), {}, deps())).toEqual({ notApplicable: reason });
  });

  it("assesses a TDS 8.0 strict-only server with TLS from the first byte, as on tls://", async () => {
    const strict = endpoint("strict");
    const overMssql = await factsOf<TlsHandshakeFacts>(tlsHandshakeProbe, strict);
    const overTls = await factsOf<TlsHandshakeFacts>(tlsHandshakeProbe, parseEndpoint(`tls://127.0.0.1:${strict.port}`));
    const suites = await factsOf<TlsVersionsSuitesFacts>(tlsVersionsSuitesProbe, strict);

    expect(overMssql["tls.leaf"].fingerprintSha256).toBe(new X509Certificate(leaf.certPem).fingerprint256);
    expect(overMssql["tls.leaf"]).toEqual(overTls["tls.leaf"]);
    expect(suites["tls.versions"].accepted).toEqual(["TLSv1.2", "TLSv1.3"]);
  });

  it("says the port does not speak TDS", async () => {
    await expect(factsOf(tlsHandshakeProbe, endpoint("http"))).rejects.toThrow(/not speaking TDS on this port/);
  });

  it.each([
    { name: "tarpit", reason: /PRELOGIN: no reply within 1000 ms/ },
    { name: "silent", reason: /timed out after 1000 ms/ },
    { name: "tabular-result", reason: /TDS packet type 0x04 instead of PRELOGIN-wrapped TLS/ },
    { name: "oversized", reason: /TDS packet length 65000 exceeds/ },
    { name: "close", reason: /TLS handshake failed|socket disconnected|closed/i },
  ])("fails with a reason for a server that goes $name", async ({ name, reason }) => {
    const started = performance.now();
    await expect(factsOf(tlsHandshakeProbe, endpoint(name))).rejects.toThrow(reason);
    await expect(factsOf(tlsVersionsSuitesProbe, endpoint(name))).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(6_000);
  });
});

describe("the fixture's TLS inside PRELOGIN agrees with real TDS clients", () => {
  it("tedious (encrypt: true) completes the handshake inside PRELOGIN and sends LOGIN7 through TLS", async () => {
    const fixture = fixtures.get("forced") as TdsFixture;
    const before = fixture.nextSteps.length;
    await tediousLogin(fixture.port, { encrypt: true, trustServerCertificate: false, cryptoCredentialsDetails: { ca: pki.caPem } });

    expect(fixture.nextSteps.slice(before)).toEqual(["tls-handshake-in-prelogin", "login7-over-tls"]);
  });

  it("answers ENCRYPTION by the negotiation table of MS-TDS §2.2.6.5", () => {
    const [off, on, notSupported, required] = [0x00, 0x01, 0x02, 0x03];
    expect([off, on, notSupported].map((client) => encryptionAnswer("forced", client))).toEqual([required, on, required]);
    expect([off, on, notSupported].map((client) => encryptionAnswer("optional", client))).toEqual([off, on, notSupported]);
    expect([off, on, notSupported].map((client) => encryptionAnswer("unsupported", client))).toEqual([notSupported, notSupported, notSupported]);
  });
});

describe("TdsPreloginTlsStream framing", () => {
  /** A loopback pair: the client socket and everything the server side receives. */
  async function pair(): Promise<{ client: Socket; received: () => Buffer; serverSide: Promise<Socket>; close(): void }> {
    let serverSocket: Socket | undefined;
    const chunks: Buffer[] = [];
    let accept: (socket: Socket) => void = () => {};
    const serverSide = new Promise<Socket>((resolve) => {
      accept = resolve;
    });
    const server = createServer((socket) => {
      serverSocket = socket;
      socket.on("data", (chunk: Buffer) => chunks.push(chunk));
      accept(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    const client = connect(address.port, "127.0.0.1");
    await new Promise((resolve) => client.once("connect", resolve));
    return {
      client,
      received: () => Buffer.concat(chunks),
      serverSide,
      close: () => {
        client.destroy();
        serverSocket?.destroy();
        server.close();
      },
    };
  }

  const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

  it("sends the writes of one turn as one PRELOGIN message, split at the packet size, the last packet marked EOM", async () => {
    const loop = await pair();
    try {
      const stream = new TdsPreloginTlsStream(loop.client);
      stream.write(Buffer.alloc(3_000, 1));
      stream.write(Buffer.alloc(3_000, 2));
      await settle();
      const bytes = loop.received();
      const first = frameTdsPacket(bytes) as number;
      const second = frameTdsPacket(bytes.subarray(first)) as number;

      expect(first).toBe(PRELOGIN_PACKET_BYTES);
      expect(first + second).toBe(bytes.length);
      expect([bytes[0], bytes[1], bytes[6]]).toEqual([TDS_PACKET.preLogin, 0x00, 1]);
      expect([bytes[first], bytes[first + 1], bytes[first + 6]]).toEqual([TDS_PACKET.preLogin, 0x01, 2]);
      expect(bytes.length - 2 * TDS_HEADER_BYTES).toBe(6_000);
    } finally {
      loop.close();
    }
  });

  it("unwraps PRELOGIN packets split across reads, and passes bytes bare once the handshake is over", async () => {
    const loop = await pair();
    try {
      const stream = new TdsPreloginTlsStream(loop.client);
      const read: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => read.push(chunk));
      const server = await loop.serverSide;
      const wrapped = Buffer.concat([tdsPacket(TDS_PACKET.preLogin, Buffer.from("hello "), 1, false), tdsPacket(TDS_PACKET.preLogin, Buffer.from("world"), 2)]);
      server.write(wrapped.subarray(0, 5));
      await settle();
      server.write(wrapped.subarray(5));
      await settle();
      expect(Buffer.concat(read).toString()).toBe("hello world");

      stream.endHandshakeFraming();
      stream.write(Buffer.from("bare"));
      server.write(Buffer.from("raw reply"));
      await settle();

      expect(loop.received().toString()).toBe("bare");
      expect(Buffer.concat(read).toString()).toBe("hello worldraw reply");
    } finally {
      loop.close();
    }
  });
});

describe("HandshakeEndTracker (the fixture's view of where a side's handshake ends)", () => {
  const record = (type: number, length: number) => Buffer.concat([Buffer.from([type, 0x03, 0x03, length >> 8, length & 0xff]), Buffer.alloc(length, 0xee)]);
  const handshake = Buffer.concat([record(0x16, 70), record(0x14, 1), record(0x16, 40)]);

  it("ends after ChangeCipherSpec and the record after it, however the bytes are cut", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 20 }), (cuts) => {
        const tracker = new HandshakeEndTracker();
        const bytes = Buffer.concat([handshake, Buffer.from("application data")]);
        let offset = 0;
        let framed = 0;
        for (const cut of [...cuts, bytes.length]) {
          const chunk = bytes.subarray(offset, offset + cut);
          framed += tracker.handshakeBytes(chunk);
          offset += chunk.length;
          if (offset >= bytes.length) break;
        }
        expect(framed).toBe(handshake.length);
        expect(tracker.ended).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
