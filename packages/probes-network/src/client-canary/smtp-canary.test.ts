// The SMTP canary against real clients: openssl s_client -starttls smtp, curl as a mail client, gnutls-cli with a legacy priority.
import { fixedClock } from "@hardcheck/core";
import { afterEach, describe, expect, it } from "vitest";
import { type Canary, type CanaryListenerSpec, startCanary } from "./canary.js";
import { type CanaryCertificate, clientFactsFrom } from "./evidence.js";
import { runClient, runPinned, writeCaFile } from "./run-client.test-helper.js";

const NOW = "2031-03-14 09:00:00";
const clock = fixedClock("2031-03-14T09:00:00Z");
const SECRET = "Sm7p-canary-Secret";

let canary: Canary | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await canary?.close();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function startSmtpCanary(certificates: CanaryCertificate[], protocol: CanaryListenerSpec["protocol"] = "smtp") {
  const started = await startCanary({
    target: "concierge",
    listeners: [{ protocol, host: "127.0.0.1", port: 0 }],
    certificates,
    clock,
    sessionTimeoutMs: 10_000,
  });
  canary = started;
  const ca = writeCaFile(started.caPem);
  cleanups.push(ca.remove);
  return { canary: started, port: started.listeners[0]?.port ?? 0, caPath: ca.caPath };
}

/** openssl s_client over STARTTLS, sending EHLO and QUIT once TLS is up; its clock pinned by faketime. */
function sClient(port: number, args: readonly string[]) {
  return runPinned(NOW, "openssl", ["s_client", "-starttls", "smtp", "-connect", `127.0.0.1:${port}`, "-servername", "localhost", "-quiet", ...args], {
    input: "EHLO relay.example\r\nQUIT\r\n",
    holdStdinMs: 1_500,
    env: { TZ: "UTC" },
  });
}

describe("SMTP canary with openssl s_client -starttls smtp", () => {
  const rotation: CanaryCertificate[] = ["self-signed", "expired", "site"];

  it("validating (-verify_return_error, the canary CA trusted): refuses self-signed and expired, goes on after the site chain", async () => {
    const { canary: started, port, caPath } = await startSmtpCanary(rotation);
    for (const _ of rotation) await sClient(port, ["-verify_return_error", "-CAfile", caPath, "-verify_hostname", "localhost"]);
    await started.close();

    const facts = clientFactsFrom(started.sessions);
    expect(facts["client.validation"]).toMatchObject({ accepted: ["site"], validates: true });
    expect(facts["client.upgrade"]).toMatchObject({ protocol: "smtp", sessions: 3, tlsSessions: 3, plainSessions: 0, credentialsBeforeTls: false });
    expect(facts["client.hello"].versions).toContain("TLSv1.3");
    expect(facts["client.hello"].suiteClasses).not.toContain("3des");
    const site = started.sessions.find((session) => session.certificate === "site");
    expect(site).toMatchObject({ upgraded: true, handshakeCompleted: true, continuedAfterHandshake: true });
    expect(site?.transcript).toContain("C: STARTTLS");
    expect(site?.transcript).toContain("C: EHLO relay.example");
    expect(started.sessions.find((session) => session.certificate === "expired")?.clientAlert).toBe("certificate_expired");
  });

  it("careless (no verification): goes on after the self-signed and expired certificates", async () => {
    const { canary: started, port } = await startSmtpCanary(rotation);
    for (const _ of rotation) await sClient(port, []);
    await started.close();

    const facts = clientFactsFrom(started.sessions);
    expect(facts["client.validation"].validates).toBe(false);
    expect([...facts["client.validation"].accepted].sort()).toEqual(["expired", "self-signed", "site"]);
  });
});

describe("SMTP canary with curl as a mail client", () => {
  const mail = (port: number, extra: readonly string[]) =>
    runClient("curl", [
      "-s",
      "--max-time",
      "5",
      `smtp://127.0.0.1:${port}`,
      "--mail-from",
      "concierge@site.example",
      "--mail-rcpt",
      "ops@site.example",
      "--user",
      `svc-mail:${SECRET}`,
      "--upload-file",
      "/dev/null",
      ...extra,
    ]);

  it("plain smtp:// with --user: AUTH PLAIN in clear is seen, the secret is not kept", async () => {
    const { canary: started, port } = await startSmtpCanary(["site"]);
    await mail(port, []);
    await started.close();

    const [session] = started.sessions;
    expect(session).toMatchObject({ upgraded: false, hello: null, credentialsBeforeTls: "AUTH PLAIN", handshakeCompleted: false });
    expect(clientFactsFrom(started.sessions)["client.upgrade"]).toMatchObject({
      credentialsBeforeTls: true,
      mechanismsBeforeTls: ["AUTH PLAIN"],
      plainSessions: 1,
    });
    const recorded = JSON.stringify(started.sessions);
    expect(recorded).not.toContain(SECRET);
    expect(recorded).not.toContain(Buffer.from(`\u0000svc-mail\u0000${SECRET}`).toString("base64"));
    expect(session?.transcript.some((line) => line.includes("[secret]"))).toBe(true);
  });

  it("--ssl-reqd with the canary CA: STARTTLS first, AUTH only inside TLS", async () => {
    const { canary: started, port, caPath } = await startSmtpCanary(["site"]);
    await runPinned(
      NOW,
      "curl",
      [
        "-s",
        "--max-time",
        "5",
        "--ssl-reqd",
        "--cacert",
        caPath,
        `smtp://localhost:${port}`,
        "--mail-from",
        "concierge@site.example",
        "--mail-rcpt",
        "ops@site.example",
        "--user",
        `svc-mail:${SECRET}`,
        "--upload-file",
        "/dev/null",
      ],
      { env: { TZ: "UTC" } },
    );
    await started.close();

    const [session] = started.sessions;
    expect(session).toMatchObject({ upgraded: true, credentialsBeforeTls: null, handshakeCompleted: true, continuedAfterHandshake: true });
    expect(JSON.stringify(started.sessions)).not.toContain(SECRET);
  });
});

describe("SMTP canary with gnutls-cli offering TLS 1.0, 3DES and RC4", () => {
  it("records the legacy offer in the ClientHello facts; a modern offer has none of it", async () => {
    const { canary: started, port } = await startSmtpCanary(["site"]);
    await runClient(
      "gnutls-cli",
      ["--starttls-proto=smtp", "--insecure", "--port", String(port), "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.0:+3DES-CBC:+ARCFOUR-128", "127.0.0.1"],
      { input: "", holdStdinMs: 1_500 },
    );
    await runClient("gnutls-cli", ["--starttls-proto=smtp", "--insecure", "--port", String(port), "127.0.0.1"], { input: "", holdStdinMs: 1_500 });
    await started.close();

    const [legacy, modern] = started.sessions;
    expect(legacy?.hello).toMatchObject({ versions: ["TLSv1"], maxVersion: "TLSv1" });
    expect(legacy?.hello?.suiteClasses).toEqual(expect.arrayContaining(["3des", "rc4"]));
    expect(modern?.hello?.maxVersion).toBe("TLSv1.3");
    expect(modern?.hello?.suiteClasses).not.toContain("3des");
    expect(modern?.hello?.suiteClasses).not.toContain("rc4");
  });
});

describe("SMTPS canary (implicit TLS)", () => {
  it("openssl s_client without -starttls: TLS from the first byte, then the greeting", async () => {
    const { canary: started, port, caPath } = await startSmtpCanary(["site"], "smtps");
    await runPinned(NOW, "openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-verify_return_error", "-CAfile", caPath, "-quiet"], {
      input: "EHLO relay.example\r\nQUIT\r\n",
      holdStdinMs: 1_500,
      env: { TZ: "UTC" },
    });
    await started.close();

    const [session] = started.sessions;
    expect(session).toMatchObject({ protocol: "smtps", upgraded: null, handshakeCompleted: true, continuedAfterHandshake: true });
    expect(session?.transcript).toContain("C: EHLO relay.example");
  });
});
