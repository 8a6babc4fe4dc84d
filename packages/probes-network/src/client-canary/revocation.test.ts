// The revocation canary: gnutls-cli --ocsp asks the responder the leaf names and is told "revoked"; without --ocsp it never asks.

import { X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fixedClock } from "@hardcheck/core";
import { afterEach, describe, expect, it } from "vitest";
import { type Canary, startCanary } from "./canary.js";
import { clientFactsFrom } from "./evidence.js";
import { runClient, runPinned, writeCaFile } from "./run-client.test-helper.js";

const NOW = "2031-03-14 09:00:00";
const clock = fixedClock("2031-03-14T09:00:00Z");

let canary: Canary | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await canary?.close();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function gnutlsAgainstRevocationLeaf(args: readonly string[]) {
  const started = await startCanary({
    target: "xpert",
    listeners: [{ protocol: "https", host: "127.0.0.1", port: 0 }],
    certificates: ["revocation"],
    clock,
    sessionTimeoutMs: 10_000,
  });
  canary = started;
  const ca = writeCaFile(started.caPem);
  cleanups.push(ca.remove);
  const run = await runPinned(NOW, "gnutls-cli", ["--x509cafile", ca.caPath, "--port", String(started.listeners[0]?.port), ...args, "127.0.0.1"], {
    input: "GET / HTTP/1.0\r\n\r\n",
    holdStdinMs: 2_000,
    env: { TZ: "UTC" },
  });
  await started.close();
  return { sessions: started.sessions, output: run.output };
}

describe("revocation canary", () => {
  it("gnutls-cli --ocsp asks the canary's responder, is told revoked and does not go on", async () => {
    const { sessions, output } = await gnutlsAgainstRevocationLeaf(["--ocsp"]);

    expect(output).toMatch(/Certificate was revoked/);
    const facts = clientFactsFrom(sessions);
    expect(facts["client.revocation"]).toMatchObject({ presented: true, ocspRequested: true, checked: true });
    expect(facts["client.validation"]).toMatchObject({ refused: ["revocation"], validates: true });
  });

  it("gnutls-cli without --ocsp never asks and goes on: the revocation leaf is accepted", async () => {
    const { sessions } = await gnutlsAgainstRevocationLeaf([]);

    const facts = clientFactsFrom(sessions);
    expect(facts["client.revocation"]).toMatchObject({ presented: true, ocspRequested: false, crlFetched: false, checked: false });
    expect(facts["client.validation"]).toMatchObject({ accepted: ["revocation"], validates: false });
  });

  it("serves a CRL that openssl verifies against the canary CA and that lists the revocation leaf; the fetch is recorded", async () => {
    const started = await startCanary({ target: "xpert", listeners: [{ protocol: "https", host: "127.0.0.1", port: 0 }], certificates: ["revocation"], clock });
    canary = started;
    const ca = writeCaFile(started.caPem);
    cleanups.push(ca.remove);
    const crlPath = join(dirname(ca.caPath), "canary.crl");
    const connection = await import("node:net").then(({ connect }) => connect(started.listeners[0]?.port ?? 0, "127.0.0.1"));
    connection.on("error", () => {});
    // A session holding the revocation leaf is open while the CRL is fetched.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const response = await fetch(`${started.revocationUrl}/canary.crl`, { signal: AbortSignal.timeout(5_000) });
    writeFileSync(crlPath, Buffer.from(await response.arrayBuffer()));
    connection.destroy();
    await started.close();

    const verified = await runClient("openssl", ["crl", "-inform", "DER", "-in", crlPath, "-CAfile", ca.caPath, "-noout", "-text"]);
    expect(verified.output).toMatch(/verify OK/);
    const leafSerial = new X509Certificate(started.chains.revocation).serialNumber;
    expect(verified.output.replace(/\s/g, "")).toContain(`SerialNumber:${leafSerial}`);
    expect(clientFactsFrom(started.sessions)["client.revocation"]).toMatchObject({ crlFetched: true, checked: true });
  });
});

describe("revocation responder against hostile requests", () => {
  it("answers malformedRequest to bytes that are not an OCSP request, 404 elsewhere, and cuts oversized bodies", async () => {
    const started = await startCanary({ target: "xpert", listeners: [{ protocol: "https", host: "127.0.0.1", port: 0 }], certificates: ["revocation"], clock });
    canary = started;
    const post = (path: string, body: Uint8Array) =>
      fetch(`${started.revocationUrl}${path}`, { method: "POST", body, signal: AbortSignal.timeout(5_000) }).then(
        async (response) => ({ status: response.status, body: Buffer.from(await response.arrayBuffer()) }),
        () => ({ status: -1, body: Buffer.alloc(0) }),
      );

    const garbage = await post("/ocsp", Buffer.from("not DER at all"));
    const elsewhere = await post("/admin", Buffer.from("x"));
    const oversized = await post("/ocsp", Buffer.alloc(100_000, 0x30));

    expect(garbage).toEqual({ status: 200, body: Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01]) });
    expect(elsewhere.status).toBe(404);
    expect(oversized.status).not.toBe(200);
  });
});
