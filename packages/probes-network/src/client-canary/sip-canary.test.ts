// The SIP-over-TLS canary against openssl s_client as the TLS client (no SIP user agent is packaged here): an OPTIONS
// request after a validated handshake is answered 503 with the request's dialog headers; a verifying client refuses the
// self-signed certificate before any request.
import { fixedClock } from "@hardcheck/core";
import { afterEach, describe, expect, it } from "vitest";
import { type Canary, startCanary } from "./canary.js";
import { clientFactsFrom } from "./evidence.js";
import { runPinned, writeCaFile } from "./run-client.test-helper.js";

const NOW = "2031-03-14 09:00:00";
const clock = fixedClock("2031-03-14T09:00:00Z");
const OPTIONS = [
  "OPTIONS sip:peer@127.0.0.1 SIP/2.0",
  "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-canary-1",
  "Max-Forwards: 70",
  "From: <sip:xpert@site.example>;tag=1",
  "To: <sip:peer@127.0.0.1>",
  "Call-ID: canary-call-1",
  "CSeq: 1 OPTIONS",
  'Authorization: Digest username="xpert", response="0123456789abcdef"',
  "Content-Length: 0",
  "",
  "",
].join("\r\n");

let canary: Canary | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await canary?.close();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("SIP-over-TLS canary", () => {
  it("a verifying client refuses the self-signed certificate; a careless one sends OPTIONS and gets 503", async () => {
    canary = await startCanary({
      target: "xpert",
      listeners: [{ protocol: "sips", host: "127.0.0.1", port: 0 }],
      certificates: ["self-signed", "self-signed"],
      clock,
      sessionTimeoutMs: 10_000,
    });
    const ca = writeCaFile(canary.caPem);
    cleanups.push(ca.remove);
    const port = String(canary.listeners[0]?.port);
    await runPinned(NOW, "openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-verify_return_error", "-CAfile", ca.caPath, "-quiet"], {
      input: OPTIONS,
      holdStdinMs: 1_500,
      env: { TZ: "UTC" },
    });
    const careless = await runPinned(NOW, "openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-quiet"], {
      input: OPTIONS,
      holdStdinMs: 1_500,
      env: { TZ: "UTC" },
    });
    await canary.close();

    const [verifying, accepting] = canary.sessions;
    expect(verifying).toMatchObject({ protocol: "sips", handshakeCompleted: false, continuedAfterHandshake: false });
    expect(accepting).toMatchObject({ protocol: "sips", handshakeCompleted: true, continuedAfterHandshake: true });
    expect(accepting?.transcript).toContain("C: OPTIONS sip:peer@127.0.0.1");
    expect(accepting?.transcript).toContain("C: Authorization: Digest [secret]");
    expect(JSON.stringify(canary.sessions)).not.toContain("0123456789abcdef");
    expect(careless.output).toContain("SIP/2.0 503 Service Unavailable");
    expect(careless.output).toContain("Call-ID: canary-call-1");
    expect(clientFactsFrom(canary.sessions.slice(1))["client.validation"].validates).toBe(false);
    expect(clientFactsFrom(canary.sessions.slice(0, 1))["client.validation"].validates).toBe(true);
  });
});
