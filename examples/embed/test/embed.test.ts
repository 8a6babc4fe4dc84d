import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestPki, startTlsServer } from "@hardcheck/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { checkEndpoint } from "../embed.js";

describe("the embedding example", () => {
  const pki = createTestPki({ caCommonName: "embed example CA" });
  let dir = "";
  let close: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await close?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("scans a loopback server and reads the verdicts", async () => {
    dir = await mkdtemp(join(tmpdir(), "hc-embed-"));
    writeFileSync(join(dir, "ca.pem"), pki.caPem);
    const server = await startTlsServer(pki.issueLeaf({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"] }));
    close = () => server.close();
    const lines = await checkEndpoint(`tls://127.0.0.1:${server.port}`, join(dir, "ca.pem"));
    expect(lines).toContain("TLS-CERT-TRUSTED pass — all conditions hold");
    expect(lines).toContain("TLS-CERT-SELF-SIGNED pass — all conditions hold");
    const untrusted = await checkEndpoint(`tls://127.0.0.1:${server.port}`);
    expect(untrusted.find((line) => line.startsWith("TLS-CERT-TRUSTED"))).toMatch(/^TLS-CERT-TRUSTED fail/);
  });
});
