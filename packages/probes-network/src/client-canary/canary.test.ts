// The canary's own behaviour: bounds, hostile clients, certificate rotation and the certificates' dates at the injected clock.
import { X509Certificate } from "node:crypto";
import { connect, type Socket } from "node:net";
import { fixedClock } from "@hardcheck/core";
import { afterEach, describe, expect, it } from "vitest";
import { buildClientHello } from "../codecs/tls/client-hello.js";
import { type Canary, type CanaryListenerSpec, clientEvidenceDocument, startCanary } from "./canary.js";
import { WRONG_HOST_NAME } from "./certificates.js";
import { alertFromTlsError } from "./conversation.js";

const clock = fixedClock("2031-03-14T09:00:00Z");
let canary: Canary | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await canary?.close();
  canary = undefined;
});

async function start(protocol: CanaryListenerSpec["protocol"], sessionTimeoutMs = 800) {
  canary = await startCanary({
    target: "concierge",
    listeners: [{ protocol, host: "127.0.0.1", port: 0 }],
    certificates: ["self-signed", "wrong-host", "expired", "site", "revocation"],
    clock,
    sessionTimeoutMs,
  });
  return canary;
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.on("error", reject);
    sockets.push(socket);
  });
}

const settled = (started: Canary, count: number) =>
  new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`only ${started.sessions.length} of ${count} sessions ended`)), 5_000);
    const poll = setInterval(() => {
      if (started.sessions.length >= count) {
        clearInterval(poll);
        clearTimeout(deadline);
        resolve();
      }
    }, 20);
  });

describe("canary bounds and hostile clients", () => {
  it("a client that connects and says nothing is cut at the session bound", async () => {
    const started = await start("smtp", 600);
    const before = performance.now();
    await open(started.listeners[0]?.port ?? 0);

    await settled(started, 1);

    expect(performance.now() - before).toBeLessThan(3_000);
    expect(started.sessions[0]).toMatchObject({ endedBy: "timeout", hello: null, upgraded: false, handshakeCompleted: false });
  });

  it("a client that sends HTTP where TLS is expected ends its session as an error, the canary keeps listening", async () => {
    const started = await start("https");
    const socket = await open(started.listeners[0]?.port ?? 0);
    socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await settled(started, 1);
    const second = await open(started.listeners[0]?.port ?? 0);
    second.write(buildClientHello({ version: "TLSv1.2", cipherSuites: [0x000a, 0x0005], servername: "mail.example" }));
    second.end();
    await settled(started, 2);

    expect(started.sessions[0]).toMatchObject({ endedBy: "error", hello: null });
    expect(started.sessions[1]?.hello).toMatchObject({ versions: ["TLSv1.2"], sni: "mail.example" });
    expect(started.sessions[1]?.hello?.suiteClasses).toEqual(expect.arrayContaining(["3des", "rc4"]));
  });

  it("control characters a client sends are escaped in the transcript", async () => {
    const started = await start("smtp");
    const socket = await open(started.listeners[0]?.port ?? 0);
    socket.write("EHLO evil\u001b[2J\u0007host\r\nQUIT\r\n");
    await settled(started, 1);

    const transcript = started.sessions[0]?.transcript.join("\n") ?? "";
    expect(transcript).toContain("C: EHLO evil\\x1b[2J\\x07host");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is that none is left.
    expect(transcript).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });

  it("an oversized LDAP message is refused without buffering it", async () => {
    const started = await start("ldap");
    const socket = await open(started.listeners[0]?.port ?? 0);
    socket.on("error", () => {});
    socket.write(Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff]));
    socket.write(Buffer.alloc(70_000, 0x41));
    await settled(started, 1);

    expect(started.sessions[0]?.endedBy).toBe("error");
  });

  it("close() ends open sessions and resolves once they are recorded", async () => {
    const started = await start("ldap", 60_000);
    await open(started.listeners[0]?.port ?? 0);
    await new Promise((resolve) => setTimeout(resolve, 100));

    await started.close();

    expect(started.sessions).toHaveLength(1);
    expect(started.sessions[0]?.endedBy).toBe("timeout");
  });
});

describe("canary certificates", () => {
  it("are dated by the injected clock: the expired leaf ended before it, the others span it", async () => {
    const started = await start("https");
    const now = Date.parse("2031-03-14T09:00:00Z");
    const leaf = (pem: string) => new X509Certificate(pem);

    for (const name of ["site", "self-signed", "wrong-host", "revocation"] as const) {
      const certificate = leaf(started.chains[name]);
      expect(Date.parse(certificate.validFrom)).toBeLessThan(now);
      expect(Date.parse(certificate.validTo)).toBeGreaterThan(now);
    }
    expect(Date.parse(leaf(started.chains.expired).validTo)).toBeLessThan(now);
    expect(leaf(started.chains["wrong-host"]).subjectAltName).toBe(`DNS:${WRONG_HOST_NAME}`);
    expect(leaf(started.chains.site).subjectAltName).toContain("IP Address:127.0.0.1");
    const selfSigned = leaf(started.chains["self-signed"]);
    expect(selfSigned.verify(selfSigned.publicKey)).toBe(true);
    expect(selfSigned.issuer).toBe(selfSigned.subject);
    const ca = leaf(started.caPem);
    expect(leaf(started.chains.site).checkIssued(ca)).toBe(true);
    expect(leaf(started.chains.revocation).infoAccess).toContain(`OCSP - URI:${started.revocationUrl}/ocsp`);
  });

  it("rotate one per connection on each listener", async () => {
    const started = await start("https");
    for (let index = 0; index < 6; index++) {
      const socket = await open(started.listeners[0]?.port ?? 0);
      socket.end();
      await settled(started, index + 1);
    }

    expect(started.sessions.map((session) => session.certificate)).toEqual(["self-signed", "wrong-host", "expired", "site", "revocation", "self-signed"]);
  });
});

describe("evidence document and alerts", () => {
  it("sorts sessions and validates the file shape", () => {
    const document = clientEvidenceDocument([], new Date("2031-03-14T09:00:00Z"));

    expect(document).toEqual({ kind: "hardcheck-client-evidence", version: 1, recordedAt: "2031-03-14T09:00:00.000Z", sessions: [] });
  });

  it.each([
    ["ERR_SSL_TLSV1_ALERT_UNKNOWN_CA", "unknown_ca"],
    ["ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED", "certificate_expired"],
    ["ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE", "bad_certificate"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", null],
  ])("names the alert of %s as %s", (code, alert) => {
    expect(alertFromTlsError(Object.assign(new Error("x"), { code }))).toBe(alert);
  });
});
