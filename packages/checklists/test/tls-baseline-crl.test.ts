// TLS-OCSP-NOT-REVOKED on leaves that name only a CRL distribution point (as private PKIs often do), through a real scan.
import { fileURLToPath } from "node:url";
import { configFromObject, Hardcheck, type ReportDocument } from "@hardcheck/core";
import { startTlsLab, type TlsLab } from "@hardcheck/labs";
import { register } from "@hardcheck/probes-network";
import { type LoopbackServer, reserveLoopbackPort, startTarpitServer } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PACK_FILE = fileURLToPath(new URL("../packs/tls-baseline.yaml", import.meta.url));
const CONNECT_TIMEOUT_MS = 1_500;

let lab: TlsLab;
let tarpit: LoopbackServer;
let report: ReportDocument;

beforeAll(async () => {
  const impostorPort = await reserveLoopbackPort();
  const refusedPort = await reserveLoopbackPort();
  tarpit = await startTarpitServer();
  const loopback = { commonName: "localhost", altNames: ["localhost", "127.0.0.1"], ocspUrl: null };
  lab = await startTlsLab([], {
    extraLeaves: {
      crlGood: loopback,
      crlRevoked: { ...loopback, revoke: true },
      crlImpostor: { ...loopback, crlUrl: `http://127.0.0.1:${impostorPort}/lab.crl` },
      crlRefused: { ...loopback, crlUrl: `http://127.0.0.1:${refusedPort}/lab.crl` },
      crlTarpit: { ...loopback, crlUrl: `http://127.0.0.1:${tarpit.port}/lab.crl` },
      neither: { ...loopback, crlUrl: null },
    },
  });
  await lab.startCrlServer(impostorPort, lab.pki.makeCrl({ signer: "impostor" }));
  const targets = [];
  for (const name of ["crlGood", "crlRevoked", "crlImpostor", "crlRefused", "crlTarpit", "neither"]) {
    const endpoint = await lab.serveLeaf(name);
    targets.push({ id: name, endpoints: [`tls://127.0.0.1:${endpoint.port}`] });
  }
  const config = configFromObject({
    packs: [PACK_FILE],
    trust: { caFile: lab.pki.rootPath, systemRoots: false },
    targets,
    limits: { connectTimeoutMs: CONNECT_TIMEOUT_MS, probeTimeoutMs: 15_000 },
  });
  const hardcheck = await Hardcheck.create({ plugins: [register], config });
  report = await hardcheck.scan(config, { selection: { rules: ["TLS-OCSP-NOT-REVOKED"] } });
}, 60_000);

afterAll(async () => {
  await lab?.close();
  await tarpit?.close();
});

const verdict = (target: string) => {
  const found = report.results.find((result) => result.target === target && result.ruleId === "TLS-OCSP-NOT-REVOKED");
  if (!found) throw new Error(`no TLS-OCSP-NOT-REVOKED result for ${target}`);
  return found;
};

describe("TLS-OCSP-NOT-REVOKED by CRL on the TLS lab", () => {
  it("passes on a current CRL signed by the issuer that does not list the leaf", () => {
    expect(verdict("crlGood").status).toBe("pass");
  });

  it("fails on a CRL that lists the leaf", () => {
    expect(verdict("crlRevoked").status).toBe("fail");
  });

  it("is not verified (error) on a CRL signed by another key", () => {
    expect(verdict("crlImpostor")).toMatchObject({ status: "error" });
    expect(verdict("crlImpostor").message).toContain('tls.crl.status = "invalid"');
  });

  it.each(["crlRefused", "crlTarpit"])("is not verified (error), never pass, when the distribution point %s is unreachable", (target) => {
    expect(verdict(target)).toMatchObject({ status: "error" });
    expect(verdict(target).message).toMatch(/^revocation not verified: neither the OCSP responder nor a CRL gave a usable answer/);
    expect(verdict(target).message).toContain('tls.crl.status = "unreachable"');
  });

  it("does not apply to a certificate that names neither an OCSP responder nor a CRL", () => {
    expect(verdict("neither")).toMatchObject({
      status: "not-applicable",
      message: expect.stringMatching(/^revocation not verified: the certificate names no OCSP responder and no CRL distribution point/),
    });
  });
});
