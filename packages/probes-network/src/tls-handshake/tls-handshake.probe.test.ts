import { X509Certificate } from "node:crypto";
import { type Endpoint, factsFrom, fixedClock, type JsonObject, type JsonValue, type ProbeDeps, parseEndpoint } from "@hardcheck/core";
import { probeTestDeps } from "@hardcheck/labs";
import {
  createTestPki,
  type IssuedLeaf,
  type LoopbackServer,
  startFullBacklogServer,
  startGarbageServer,
  startRefusingPort,
  startResettingServer,
  startTarpitServer,
  startTlsServer,
  type TestPki,
} from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMPLICIT_TLS_SCHEMES } from "../connection/tls-stream.js";
import { isoFromOpenSslDate, type TlsHandshakeFacts, tlsHandshakeFacts, tlsHandshakeProbe } from "./tls-handshake.probe.js";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Certificates keep whole seconds; so do the dates given to the lab CA, so facts compare exactly. */
const now = Math.floor(Date.now() / 1000) * 1000;
const validity = { notBefore: new Date(now - HOUR_MS), notAfter: new Date(now + 30 * DAY_MS) };
const loopbackNames = ["localhost", "127.0.0.1"];

type ServerKind =
  | "good"
  | "good-leaf-only"
  | "expired"
  | "self-signed"
  | "wrong-host"
  | "odd-names"
  | "tls12-only"
  | "alpn-http1"
  | "refusing"
  | "resetting"
  | "garbage"
  | "tarpit"
  | "full-backlog";

let pki: TestPki;
const leaves = new Map<string, IssuedLeaf>();
const servers = new Map<ServerKind, LoopbackServer>();

function leaf(name: string): IssuedLeaf {
  const issued = leaves.get(name);
  if (!issued) throw new Error(`no ${name} leaf`);
  return issued;
}

function endpointOf(kind: ServerKind, options: { scheme?: string; servername?: string } = {}): Endpoint {
  const server = servers.get(kind);
  if (!server) throw new Error(`no ${kind} server`);
  return parseEndpoint(`${options.scheme ?? "tls"}://127.0.0.1:${server.port}`, options.servername ? { servername: options.servername } : {});
}

function trustingLabCa(overrides: Parameters<typeof probeTestDeps>[0] = {}): ProbeDeps {
  return probeTestDeps({ trust: { caCertificates: [pki.caPem] }, ...overrides });
}

async function collectFacts(endpoint: Endpoint, deps: ProbeDeps, params: JsonObject = {}): Promise<TlsHandshakeFacts> {
  const outcome = await tlsHandshakeProbe.collect(endpoint, params, deps);
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(tlsHandshakeFacts, outcome);
}

beforeAll(async () => {
  pki = createTestPki();
  leaves.set("good", pki.issueLeaf({ commonName: "localhost", altNames: loopbackNames, ...validity }));
  leaves.set(
    "expired",
    pki.issueLeaf({ commonName: "localhost", altNames: loopbackNames, notBefore: new Date(now - 60 * DAY_MS), notAfter: new Date(now - DAY_MS) }),
  );
  leaves.set("self-signed", pki.issueLeaf({ commonName: "localhost", altNames: loopbackNames, selfSigned: true }));
  leaves.set("wrong-host", pki.issueLeaf({ commonName: "wrong.example", altNames: ["wrong.example"] }));
  leaves.set("odd-names", pki.issueLeaf({ commonName: "odd, name", altNames: ["weird, name.example", "::1", ...loopbackNames] }));

  const good = leaf("good");
  servers.set("good", await startTlsServer(good));
  servers.set("good-leaf-only", await startTlsServer({ certPem: good.certPem, keyPem: good.keyPem }));
  servers.set("expired", await startTlsServer(leaf("expired")));
  servers.set("self-signed", await startTlsServer(leaf("self-signed")));
  servers.set("wrong-host", await startTlsServer(leaf("wrong-host")));
  servers.set("odd-names", await startTlsServer(leaf("odd-names")));
  servers.set("tls12-only", await startTlsServer({ ...good, maxVersion: "TLSv1.2" }));
  servers.set("alpn-http1", await startTlsServer({ ...good, alpnProtocols: ["http/1.1"] }));
  servers.set("refusing", await startRefusingPort());
  servers.set("resetting", await startResettingServer());
  servers.set("garbage", await startGarbageServer("SSH-2.0-OpenSSH_9.6\r\n"));
  servers.set("tarpit", await startTarpitServer());
  servers.set("full-backlog", await startFullBacklogServer());
});

afterAll(async () => {
  for (const server of servers.values()) await server.close();
});

describe("tls-handshake facts", () => {
  it("describes a CA-signed leaf in full", async () => {
    const certificate = new X509Certificate(leaf("good").certPem);
    const ca = new X509Certificate(pki.caPem);

    const facts = await collectFacts(endpointOf("good"), trustingLabCa());

    expect(facts).toEqual({
      "tls.handshake": {
        protocol: "TLSv1.3",
        cipher: "TLS_AES_256_GCM_SHA384",
        cipherStandardName: "TLS_AES_256_GCM_SHA384",
        alpn: null,
        servername: null,
        source: "node-tls",
        clientRefusal: null,
        keyExchange: { type: "ECDH", name: "X25519", bits: 253 },
        dhBits: null,
      },
      "tls.leaf": {
        subject: "CN=localhost,O=hardcheck lab",
        issuer: "CN=hardcheck test CA,O=hardcheck lab",
        subjectAltNames: ["DNS:localhost", "IP Address:127.0.0.1"],
        notBefore: validity.notBefore.toISOString(),
        notAfter: validity.notAfter.toISOString(),
        serialNumber: certificate.serialNumber.toUpperCase(),
        fingerprintSha256: certificate.fingerprint256,
        selfSigned: false,
        keyType: "rsa",
        keyBits: 2048,
      },
      "tls.hostname": { name: "127.0.0.1", matches: true },
      "tls.trust": { trusted: true, error: null, detail: null },
      "tls.chain": [
        { subject: "CN=localhost,O=hardcheck lab", issuer: "CN=hardcheck test CA,O=hardcheck lab", fingerprintSha256: certificate.fingerprint256 },
        { subject: "CN=hardcheck test CA,O=hardcheck lab", issuer: "CN=hardcheck test CA,O=hardcheck lab", fingerprintSha256: ca.fingerprint256 },
      ],
    });
    expect(facts["tls.leaf"].serialNumber).toMatch(/^[0-9A-F]+$/);
    // Facts travel as JSON in reports: nothing may be lost in a round trip.
    expect(JSON.parse(JSON.stringify(facts))).toEqual(facts);
  });

  // Given a server and a trust configuration, when the probe handshakes, then these facts hold.
  it.each<{ case: string; server: ServerKind; trustLabCa: boolean; servername?: string; expected: Record<string, JsonValue> }>([
    {
      case: "lab CA not trusted, leaf sent alone",
      server: "good-leaf-only",
      trustLabCa: false,
      expected: { "tls.trust": { trusted: false, error: "unknown-issuer", detail: expect.stringContaining("issuer CN=hardcheck test CA") } },
    },
    {
      case: "lab CA not trusted, sent with the leaf",
      server: "good",
      trustLabCa: false,
      expected: { "tls.trust": { trusted: false, error: "unknown-issuer" } },
    },
    {
      case: "expired leaf",
      server: "expired",
      trustLabCa: true,
      expected: {
        "tls.trust": { trusted: false, error: "expired", detail: expect.stringMatching(/^CN=localhost,O=hardcheck lab ended /) },
        "tls.hostname": { name: "127.0.0.1", matches: true },
      },
    },
    {
      case: "self-signed leaf",
      server: "self-signed",
      trustLabCa: true,
      expected: {
        "tls.trust": { trusted: false, error: "self-signed" },
        "tls.leaf": { selfSigned: true, subject: "CN=localhost,O=hardcheck lab", issuer: "CN=localhost,O=hardcheck lab" },
      },
    },
    {
      case: "leaf for another host",
      server: "wrong-host",
      trustLabCa: true,
      expected: { "tls.trust": { trusted: true, error: null }, "tls.hostname": { name: "127.0.0.1", matches: false } },
    },
    {
      case: "leaf for another host, asked by server name",
      server: "wrong-host",
      trustLabCa: true,
      servername: "localhost",
      expected: { "tls.hostname": { name: "localhost", matches: false }, "tls.handshake": { servername: "localhost" } },
    },
    {
      case: "good leaf, asked by server name",
      server: "good",
      trustLabCa: true,
      servername: "localhost",
      expected: { "tls.hostname": { name: "localhost", matches: true }, "tls.handshake": { servername: "localhost" } },
    },
    {
      case: "names with special characters, printed as Node.js prints them",
      server: "odd-names",
      trustLabCa: true,
      expected: {
        "tls.leaf": {
          subject: "CN=odd\\, name,O=hardcheck lab",
          subjectAltNames: ['DNS:"weird\\u002c name.example"', "DNS:localhost", "IP Address:0:0:0:0:0:0:0:1", "IP Address:127.0.0.1"],
        },
      },
    },
    {
      case: "server limited to TLS 1.2",
      server: "tls12-only",
      trustLabCa: true,
      expected: {
        "tls.handshake": { protocol: "TLSv1.2", cipher: "ECDHE-RSA-AES128-GCM-SHA256", cipherStandardName: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
      },
    },
  ])("$case", async ({ server, trustLabCa, servername, expected }) => {
    const endpoint = endpointOf(server, servername ? { servername } : {});

    const facts = await collectFacts(endpoint, trustLabCa ? trustingLabCa() : probeTestDeps());

    expect(facts).toMatchObject(expected);
  });

  it("reports an expired leaf's dates in the past, as ISO-8601", async () => {
    const facts = await collectFacts(endpointOf("expired"), trustingLabCa());

    expect(facts["tls.leaf"].notAfter).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
    expect(Date.parse(facts["tls.leaf"].notAfter)).toBeLessThan(Date.now());
  });

  it("judges trust by the scan's clock, so --as-of governs it like every other date", async () => {
    const later = await collectFacts(endpointOf("good"), trustingLabCa({ clock: fixedClock(new Date(now + 60 * DAY_MS)) }));
    const earlier = await collectFacts(endpointOf("good"), trustingLabCa({ clock: fixedClock(new Date(now - DAY_MS)) }));

    expect(later["tls.trust"]).toMatchObject({ trusted: false, error: "expired", detail: expect.stringContaining("CN=localhost") });
    expect(earlier["tls.trust"]).toMatchObject({ trusted: false, error: "not-yet-valid" });
  });

  it("adds the configured CAs to the system roots", async () => {
    const withSystemRoots = await collectFacts(endpointOf("good"), trustingLabCa({ trust: { caCertificates: [pki.caPem], useSystemRoots: true } }));
    const withNothing = await collectFacts(endpointOf("good"), probeTestDeps({ trust: { useSystemRoots: true } }));

    expect(withSystemRoots["tls.trust"]).toEqual({ trusted: true, error: null, detail: null });
    expect(withNothing["tls.trust"]).toMatchObject({ trusted: false, error: "unknown-issuer" });
  });

  it.each<{ case: string; scheme: string; params: JsonObject; alpn: string | null }>([
    { case: "https offers h2 and http/1.1 by default", scheme: "https", params: {}, alpn: "http/1.1" },
    { case: "tls offers nothing by default", scheme: "tls", params: {}, alpn: null },
    { case: "the alpnProtocols parameter overrides the default", scheme: "tls", params: { alpnProtocols: ["http/1.1"] }, alpn: "http/1.1" },
  ])("ALPN: $case", async ({ scheme, params, alpn }) => {
    const facts = await collectFacts(endpointOf("alpn-http1", { scheme }), trustingLabCa(), params);

    expect(facts["tls.handshake"].alpn).toBe(alpn);
  });
});

describe("tls-handshake failures", () => {
  // Given a server that cannot complete a handshake, the probe rejects with a short message, in time.
  it.each<{ server: ServerKind; message: RegExp }>([
    { server: "refusing", message: /^connect ECONNREFUSED 127\.0\.0\.1:\d+$/ },
    { server: "resetting", message: /ECONNRESET/ },
    { server: "garbage", message: /^TLS handshake failed: wrong version number \(ERR_SSL_WRONG_VERSION_NUMBER\)$/ },
    { server: "tarpit", message: /^TLS handshake timed out after 300 ms \(127\.0\.0\.1:\d+\)$/ },
    { server: "full-backlog", message: /^connect timed out after 300 ms \(127\.0\.0\.1:\d+\)$/ },
  ])("rejects for a $server server", async ({ server, message }) => {
    const started = performance.now();

    const error = await tlsHandshakeProbe.collect(endpointOf(server), {}, trustingLabCa({ limits: { connectTimeoutMs: 300 } })).then(
      () => undefined,
      (reason: unknown) => reason,
    );

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("rejects and closes the socket when the signal aborts mid-handshake", async () => {
    const controller = new AbortController();
    const started = performance.now();
    const pending = tlsHandshakeProbe.collect(endpointOf("tarpit"), {}, trustingLabCa({ signal: controller.signal, limits: { connectTimeoutMs: 10_000 } }));
    setTimeout(() => controller.abort(new Error("scan cancelled")), 50);

    await expect(pending).rejects.toThrow("TLS handshake aborted: scan cancelled");
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("rejects at once when the signal has already fired", async () => {
    const controller = new AbortController();
    controller.abort();

    await expect(tlsHandshakeProbe.collect(endpointOf("good"), {}, trustingLabCa({ signal: controller.signal }))).rejects.toThrow(/^TLS handshake aborted: /);
  });

  it("rejects, rather than throws, when Node.js refuses the connection options", async () => {
    const outOfRange = { ...endpointOf("good"), port: 70_000 };

    await expect(tlsHandshakeProbe.collect(outOfRange, {}, trustingLabCa())).rejects.toThrow(/^cannot start TLS to 127\.0\.0\.1:70000: /);
  });

  it("rejects an alpnProtocols parameter that is not a list of names", async () => {
    await expect(tlsHandshakeProbe.collect(endpointOf("good"), { alpnProtocols: "h2" }, trustingLabCa())).rejects.toThrow(
      "parameter alpnProtocols must be an array of protocol names",
    );
  });
});

describe("tls-handshake scope", () => {
  it("declares the implicit-TLS schemes and those with a negotiator (SMTP, LDAP, TDS, RDP)", () => {
    expect([...tlsHandshakeProbe.meta.schemes].sort()).toEqual([...IMPLICIT_TLS_SCHEMES, "smtp", "ldap", "mssql", "rdp"].sort());
  });

  it.each(["snmp", "http", "tcp"])("says not-applicable for %s", async (scheme) => {
    const endpoint = { ...endpointOf("good"), scheme };

    expect(await tlsHandshakeProbe.collect(endpoint, {}, trustingLabCa())).toEqual({ notApplicable: `${scheme} has no TLS handshake hardcheck can reach` });
  });
});

describe("isoFromOpenSslDate", () => {
  it.each([
    { printed: "Mar  5 08:09:10 2027 GMT", iso: "2027-03-05T08:09:10.000Z" },
    { printed: "Dec 31 23:59:59 9999 GMT", iso: "9999-12-31T23:59:59.000Z" },
    { printed: "Jan  1 00:00:00 1970 GMT", iso: "1970-01-01T00:00:00.000Z" },
  ])("reads $printed", ({ printed, iso }) => {
    expect(isoFromOpenSslDate(printed)).toBe(iso);
  });

  it.each(["2027-03-05T08:09:10Z", "Foo  5 08:09:10 2027 GMT", "Mar  5 08:09:10 2027"])("refuses %s", (printed) => {
    expect(() => isoFromOpenSslDate(printed)).toThrow(`unexpected certificate date "${printed}"`);
  });
});
