// The TDS canary against real SQL Server clients: tedious (encrypt true or false, trustServerCertificate) and FreeTDS tsql
// (encryption requested or required). tedious runs in its own process under faketime so its clock is the canary's.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixedClock } from "@hardcheck/core";
import { afterEach, describe, expect, it } from "vitest";
import { type Canary, startCanary } from "./canary.js";
import { type CanaryCertificate, clientFactsFrom } from "./evidence.js";
import { runClient, runPinned } from "./run-client.test-helper.js";

const NOW = "2031-03-14 09:00:00";
const clock = fixedClock("2031-03-14T09:00:00Z");
const TEDIOUS = new URL("./fixtures/tedious-login.mjs", import.meta.url).pathname;

let canary: Canary | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await canary?.close();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function startTdsCanary(certificates: CanaryCertificate[]) {
  canary = await startCanary({
    target: "concierge",
    listeners: [{ protocol: "tds", host: "127.0.0.1", port: 0 }],
    certificates,
    clock,
    sessionTimeoutMs: 10_000,
  });
  return { started: canary, port: canary.listeners[0]?.port ?? 0 };
}

function tedious(port: number, options: Record<string, unknown>) {
  return runPinned(NOW, process.execPath, [TEDIOUS, String(port), JSON.stringify(options)], {
    env: { TZ: "UTC", DONT_FAKE_MONOTONIC: "1" },
    timeoutMs: 25_000,
  });
}

describe("TDS canary with tedious", { timeout: 90_000 }, () => {
  it("encrypt true, the canary CA trusted: TLS inside PRELOGIN, the self-signed certificate refused, LOGIN7 only over the site chain", async () => {
    const { started, port } = await startTdsCanary(["self-signed", "site"]);
    const options = { encrypt: true, trustServerCertificate: false, cryptoCredentialsDetails: { ca: started.caPem } };
    const refused = await tedious(port, options);
    const accepted = await tedious(port, options);
    await started.close();

    expect(refused.output).toMatch(/self.signed|certificate/i);
    expect(accepted.output).toMatch(/Login failed/);
    expect(started.sessions, `${refused.output}\n${accepted.output}`).toHaveLength(2);
    const facts = clientFactsFrom(started.sessions);
    expect(facts["client.validation"]).toMatchObject({ accepted: ["site"], refused: ["self-signed"], validates: true });
    expect(facts["client.upgrade"]).toMatchObject({ protocol: "tds", tlsSessions: 2, credentialsBeforeTls: false });
    expect(started.sessions[1]).toMatchObject({ upgraded: true, handshakeCompleted: true, continuedAfterHandshake: true });
    expect(started.sessions[1]?.transcript).toContain('C: LOGIN7 user "svc-concierge" [secret]');
  });

  it("encrypt true with trustServerCertificate: logs in over the self-signed certificate, so it does not validate", async () => {
    const { started, port } = await startTdsCanary(["self-signed"]);
    const run = await tedious(port, { encrypt: true, trustServerCertificate: true });
    await started.close();

    expect(run.output).toMatch(/Login failed/);
    expect(clientFactsFrom(started.sessions)["client.validation"]).toMatchObject({ accepted: ["self-signed"], validates: false });
  });

  it("encrypt false: it offers no encryption and sends LOGIN7 in clear; the canary keeps the mechanism, not the password", async () => {
    const { started, port } = await startTdsCanary(["site"]);
    const run = await tedious(port, { encrypt: false, trustServerCertificate: false });
    await started.close();

    const [session] = started.sessions;
    expect(started.sessions, run.output).toHaveLength(1);
    expect(session).toMatchObject({ upgraded: false, hello: null, credentialsBeforeTls: "SQL login" });
    // tedious 19 says outright that it does without encryption.
    expect(session?.transcript).toContain("C: PRELOGIN ENCRYPTION=ENCRYPT_NOT_SUP");
    expect(JSON.stringify(started.sessions)).not.toContain("Tds-canary-Secret");
  });
});

describe("TDS canary with FreeTDS tsql", { timeout: 90_000 }, () => {
  function tsql(port: number, encryption: "request" | "require") {
    const dir = mkdtempSync(join(tmpdir(), "hardcheck-freetds-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const conf = join(dir, "freetds.conf");
    writeFileSync(conf, `[canary]\n\thost = 127.0.0.1\n\tport = ${port}\n\ttds version = 7.4\n\tencryption = ${encryption}\n`);
    return runClient("tsql", ["-S", "canary", "-U", "svc-concierge", "-P", "Tds-canary-Secret"], {
      env: { FREETDSCONF: conf },
      input: "quit\n",
      timeoutMs: 10_000,
    });
  }

  it("encryption = request: sends LOGIN7 in clear to a server without encryption", async () => {
    const { started, port } = await startTdsCanary(["site"]);
    await tsql(port, "request");
    await started.close();

    expect(started.sessions[0]).toMatchObject({ upgraded: false, credentialsBeforeTls: "SQL login" });
    // It would have accepted encryption (ENCRYPT_OFF), but does not insist on it.
    expect(started.sessions[0]?.transcript).toContain("C: PRELOGIN ENCRYPTION=ENCRYPT_OFF");
    expect(JSON.stringify(started.sessions)).not.toContain("Tds-canary-Secret");
  });

  it("encryption = require: TLS inside PRELOGIN, and without a CA file it logs in over a self-signed certificate", async () => {
    const { started, port } = await startTdsCanary(["self-signed"]);
    await tsql(port, "require");
    await started.close();

    expect(started.sessions[0]).toMatchObject({ upgraded: true, credentialsBeforeTls: null, handshakeCompleted: true, continuedAfterHandshake: true });
    expect(started.sessions[0]?.hello?.versions).toContain("TLSv1.2");
    expect(clientFactsFrom(started.sessions)["client.validation"].validates).toBe(false);
  });
});

describe("TDS canary, TDS 8.0 strict", { timeout: 90_000 }, () => {
  it("tedious encrypt strict: TLS from the first byte, PRELOGIN and LOGIN7 inside it", async () => {
    const { started, port } = await startTdsCanary(["self-signed", "site"]);
    const options = { encrypt: "strict", trustServerCertificate: false, cryptoCredentialsDetails: { ca: started.caPem } };
    const refused = await tedious(port, options);
    const accepted = await tedious(port, options);
    await started.close();

    expect(accepted.output, refused.output).toMatch(/Login failed/);
    expect(started.sessions[1]).toMatchObject({ upgraded: null, handshakeCompleted: true, continuedAfterHandshake: true, credentialsBeforeTls: null });
    expect(clientFactsFrom(started.sessions)["client.validation"]).toMatchObject({ accepted: ["site"], refused: ["self-signed"], validates: true });
  });
});
