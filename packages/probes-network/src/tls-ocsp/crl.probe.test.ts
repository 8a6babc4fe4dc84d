import { readFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import type { Endpoint } from "@hardcheck/core";
import { factsFrom, fixedClock } from "@hardcheck/core";
import { probeTestDeps, startTlsLab, type TlsLab } from "@hardcheck/labs";
import { type LoopbackServer, reserveLoopbackPort, startTarpitServer } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CRL_BYTES } from "./crl.js";
import { type TlsOcspFacts, tlsOcspFacts, tlsOcspProbe } from "./tls-ocsp.probe.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const CONNECT_TIMEOUT_MS = 1_000;

let lab: TlsLab;
const endpoints = new Map<string, Endpoint>();
const extraServers: LoopbackServer[] = [];
let goodCrl: LoopbackServer;
let countedRequests = 0;

async function crlOf(endpoint: Endpoint, options: { clock?: Date; params?: { fetchCrl?: boolean } } = {}): Promise<TlsOcspFacts> {
  const deps = probeTestDeps({
    trust: { caCertificates: [] },
    limits: { connectTimeoutMs: CONNECT_TIMEOUT_MS },
    ...(options.clock ? { clock: fixedClock(options.clock) } : {}),
  });
  const outcome = await tlsOcspProbe.collect(endpoint, options.params ?? {}, deps);
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(tlsOcspFacts, outcome);
}

/** Streams more than our CRL limit, without a content-length. */
async function startOversizeServer(): Promise<LoopbackServer> {
  const server = createHttpServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/pkix-crl" });
    const chunk = Buffer.alloc(1024 * 1024, 0x30);
    let sent = 0;
    const more = () => {
      while (sent <= MAX_CRL_BYTES + chunk.length) {
        sent += chunk.length;
        if (!response.write(chunk)) {
          response.once("drain", more);
          return;
        }
      }
      response.end();
    };
    response.on("error", () => {});
    more();
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  const goodPort = await reserveLoopbackPort();
  const impostorPort = await reserveLoopbackPort();
  const refusedPort = await reserveLoopbackPort();
  const countedPort = await reserveLoopbackPort();
  const tarpit = await startTarpitServer();
  const oversize = await startOversizeServer();
  extraServers.push(tarpit, oversize);
  const crlOnly = (crlUrl: string, revoke = false) => ({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"], ocspUrl: null, crlUrl, revoke });
  lab = await startTlsLab([], {
    extraLeaves: {
      crlGood: crlOnly(`http://127.0.0.1:${goodPort}/intermediate.crl`),
      crlRevoked: crlOnly(`http://127.0.0.1:${goodPort}/intermediate.crl`, true),
      crlImpostor: crlOnly(`http://127.0.0.1:${impostorPort}/intermediate.crl`),
      crlRefused: crlOnly(`http://127.0.0.1:${refusedPort}/intermediate.crl`),
      crlTarpit: crlOnly(`http://127.0.0.1:${tarpit.port}/intermediate.crl`),
      crlOversize: crlOnly(`http://127.0.0.1:${oversize.port}/intermediate.crl`),
      crlLdapOnly: crlOnly("ldap://127.0.0.1/cn=lab?certificateRevocationList"),
      crlCountedA: crlOnly(`http://127.0.0.1:${countedPort}/intermediate.crl`),
      crlCountedB: crlOnly(`http://127.0.0.1:${countedPort}/intermediate.crl`),
      neither: { commonName: "localhost", altNames: ["localhost", "127.0.0.1"], ocspUrl: null, crlUrl: null },
    },
  });
  goodCrl = await lab.startCrlServer(goodPort, lab.pki.makeCrl());
  await lab.startCrlServer(impostorPort, lab.pki.makeCrl({ signer: "impostor" }));
  const crlBytes = readFileSync(lab.pki.makeCrl());
  const counted = createHttpServer((_request, response) => {
    countedRequests++;
    response.writeHead(200, { "content-type": "application/pkix-crl", connection: "close" });
    response.end(crlBytes);
  });
  await new Promise<void>((resolve) => counted.listen({ host: "127.0.0.1", port: countedPort }, resolve));
  extraServers.push({
    port: countedPort,
    close: () =>
      new Promise<void>((resolve) => {
        counted.closeAllConnections();
        counted.close(() => resolve());
      }),
  });
  for (const name of ["crlCountedA", "crlCountedB", "crlGood", "crlRevoked", "crlImpostor", "crlRefused", "crlTarpit", "crlOversize", "crlLdapOnly", "neither"])
    endpoints.set(name, await lab.serveLeaf(name));
}, 60_000);

afterAll(async () => {
  await lab?.close();
  await Promise.all(extraServers.map((server) => server.close()));
});

const at = (name: string): Endpoint => endpoints.get(name) as Endpoint;

describe("tls-ocsp: revocation by CRL against real servers", () => {
  it("reads good from a current CRL signed by the issuer that does not list the leaf", async () => {
    const facts = await crlOf(at("crlGood"));
    expect(facts["tls.ocsp"].status).toBe("no-responder");
    expect(facts["tls.crl"]).toMatchObject({ status: "good", reason: null, signatureValid: true, revokedAt: null });
    expect(facts["tls.crl"].url).toBe(`http://127.0.0.1:${goodCrl.port}/intermediate.crl`);
    expect(Date.parse(facts["tls.crl"].nextUpdate as string)).toBeGreaterThan(Date.now() + 3 * 365 * DAY_MS);
  });

  it("reads revoked, with the date and reason, when the CRL lists the leaf's serial", async () => {
    const facts = await crlOf(at("crlRevoked"));
    expect(facts["tls.crl"]).toMatchObject({ status: "revoked", signatureValid: true, revocationReason: "keyCompromise" });
    expect(Math.abs(Date.parse(facts["tls.crl"].revokedAt as string) - Date.now())).toBeLessThan(DAY_MS);
  });

  it("calls a CRL stale when the scan clock is past its nextUpdate", async () => {
    const facts = await crlOf(at("crlGood"), { clock: new Date(Date.now() + 3651 * DAY_MS) });
    expect(facts["tls.crl"].status).toBe("stale");
    expect(facts["tls.crl"].reason).toMatch(/expired at its nextUpdate/);
  });

  it("calls a CRL stale when the scan clock is before its thisUpdate", async () => {
    const facts = await crlOf(at("crlGood"), { clock: new Date(Date.now() - 2 * DAY_MS) });
    expect(facts["tls.crl"].status).toBe("stale");
    expect(facts["tls.crl"].reason).toMatch(/in the future/);
  });

  it("does not believe a CRL signed by another key under the issuer's name", async () => {
    const facts = await crlOf(at("crlImpostor"));
    expect(facts["tls.crl"]).toMatchObject({ status: "invalid", signatureValid: false });
    expect(facts["tls.crl"].reason).toMatch(/not signed by the certificate's issuer/);
  });

  it("reports a refused distribution point as unreachable", async () => {
    const facts = await crlOf(at("crlRefused"));
    expect(facts["tls.crl"].status).toBe("unreachable");
    expect(facts["tls.crl"].reason).toMatch(/refused/i);
  });

  it("gives up on a distribution point that never answers within the timeout", async () => {
    const started = Date.now();
    const facts = await crlOf(at("crlTarpit"));
    expect(facts["tls.crl"].status).toBe("unreachable");
    expect(Date.now() - started).toBeLessThan(CONNECT_TIMEOUT_MS * 4);
  });

  it("stops reading at our size limit", async () => {
    const facts = await crlOf(at("crlOversize"));
    expect(facts["tls.crl"].status).toBe("unreachable");
    expect(facts["tls.crl"].reason).toContain(`larger than our limit of ${MAX_CRL_BYTES} bytes`);
  });

  it("reports an ldap distribution point as not fetched, with the reason", async () => {
    const facts = await crlOf(at("crlLdapOnly"));
    expect(facts["tls.crl"]).toMatchObject({ status: "unreachable", url: expect.stringMatching(/^ldap:/) });
    expect(facts["tls.crl"].reason).toMatch(/ldap:\/\/ is not fetched \(only http\)/);
  });

  it("says when the certificate names no distribution point", async () => {
    const facts = await crlOf(at("neither"));
    expect(facts["tls.crl"].status).toBe("no-distribution-point");
    expect(facts["tls.ocsp"].status).toBe("no-responder");
  });

  it("fetches nothing when fetchCrl is false", async () => {
    const facts = await crlOf(at("crlGood"), { params: { fetchCrl: false } });
    expect(facts["tls.crl"]).toMatchObject({ status: "not-checked", reason: expect.stringMatching(/fetchCrl: false/) });
  });
});

describe("tls-ocsp: one CRL fetch per URL per scan", () => {
  it("fetches a distribution point shared by two endpoints once", async () => {
    const deps = probeTestDeps({ trust: { caCertificates: [] }, limits: { connectTimeoutMs: CONNECT_TIMEOUT_MS } });
    const before = countedRequests;
    const first = await tlsOcspProbe.collect(at("crlCountedA"), {}, deps);
    const second = await tlsOcspProbe.collect(at("crlCountedB"), {}, deps);
    expect(factsFrom(tlsOcspFacts, first as { facts: TlsOcspFacts })["tls.crl"].status).toBe("good");
    expect(factsFrom(tlsOcspFacts, second as { facts: TlsOcspFacts })["tls.crl"].status).toBe("good");
    expect(countedRequests - before).toBe(1);
  });
});
