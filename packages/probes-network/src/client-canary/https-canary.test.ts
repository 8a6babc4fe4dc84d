// The HTTPS canary against curl, validating (the canary CA trusted) and careless (--insecure).
import { fixedClock } from "@hardcheck/core";
import { afterEach, describe, expect, it } from "vitest";
import { type Canary, startCanary } from "./canary.js";
import { type CanaryCertificate, clientFactsFrom } from "./evidence.js";
import { runPinned, writeCaFile } from "./run-client.test-helper.js";

// Given a clock pinned well away from today, so that "expired" is decided by it and not by the date of the run.
const clock = fixedClock("2031-03-14T09:00:00Z");
const ROTATION: CanaryCertificate[] = ["self-signed", "wrong-host", "expired", "site"];

let canary: Canary | undefined;
let removeCa: (() => void) | undefined;
afterEach(async () => {
  await canary?.close();
  removeCa?.();
});

/** Several clients run one after another in each test, each with its own bound: the test's bound is their sum. */
const CLIENTS_TIMEOUT = { timeout: 90_000 };

async function curlEachCertificate(extraArgs: readonly string[]): Promise<Canary & { readonly clientOutput: string }> {
  const started = await startCanary({
    target: "concierge",
    listeners: [{ protocol: "https", host: "127.0.0.1", port: 0 }],
    certificates: ROTATION,
    clock,
    sessionTimeoutMs: 10_000,
  });
  canary = started;
  const ca = writeCaFile(started.caPem);
  removeCa = ca.remove;
  const port = started.listeners[0]?.port;
  const outputs: string[] = [];
  for (const _ of ROTATION) {
    // curl's own clock is the real one, so the canary's dates must be judged by faketime at the pinned instant.
    const run = await runPinned(
      "2031-03-14 09:00:00",
      "curl",
      [
        "-sS",
        "-o",
        "/dev/null",
        "--noproxy",
        "*",
        "--resolve",
        `localhost:${port}:127.0.0.1`,
        "--max-time",
        "10",
        "--cacert",
        ca.caPath,
        ...extraArgs,
        `https://localhost:${port}/ews/exchange.asmx?token=abc`,
      ],
      { env: { TZ: "UTC" } },
    );
    outputs.push(`curl exit ${run.code}: ${run.output.trim()}`);
  }
  await started.close();
  return Object.assign(started, { clientOutput: outputs.join("\n") });
}

describe("HTTPS canary with curl", CLIENTS_TIMEOUT, () => {
  it("curl validating: refuses self-signed, wrong-host and expired, goes on after the site chain", async () => {
    const { sessions, clientOutput } = await curlEachCertificate([]);

    expect(sessions, clientOutput).toHaveLength(4);
    const facts = clientFactsFrom(sessions);
    expect(facts["client.validation"]).toMatchObject({ accepted: ["site"], validates: true });
    expect([...facts["client.validation"].refused].sort()).toEqual(["expired", "self-signed", "wrong-host"]);
    expect(facts["client.hello"].sni).toEqual(["localhost"]);
    expect(facts["client.hello"].maxVersion).toBe("TLSv1.3");
    const site = sessions.find((session) => session.certificate === "site");
    expect(site).toMatchObject({ handshakeCompleted: true, continuedAfterHandshake: true, upgraded: null, endedBy: "client-close" });
    expect(site?.transcript).toContain("C: GET /ews/exchange.asmx?[query]");
    expect(site?.transcript).toContain("S: 503 Service Unavailable");
    const selfSigned = sessions.find((session) => session.certificate === "self-signed");
    expect(selfSigned).toMatchObject({ handshakeCompleted: false, endedBy: "alert" });
    expect(selfSigned?.clientAlert).toMatch(/unknown_ca|bad_certificate/);
  });

  it("curl --insecure: goes on after every certificate, so it does not validate", async () => {
    const { sessions, clientOutput } = await curlEachCertificate(["--insecure", "-u", "svc-ews:Pa55-canary-secret"]);

    expect(sessions, clientOutput).toHaveLength(4);
    const facts = clientFactsFrom(sessions);
    expect(facts["client.validation"].validates).toBe(false);
    expect([...facts["client.validation"].accepted].sort()).toEqual(["expired", "self-signed", "site", "wrong-host"]);
    expect(facts["client.upgrade"]).toMatchObject({ credentialsBeforeTls: false, tlsSessions: 4, plainSessions: 0 });
    expect(sessions[0]?.transcript).toContain("C: Authorization: Basic [secret]");
    expect(JSON.stringify(sessions)).not.toContain("Pa55-canary-secret");
    expect(JSON.stringify(sessions)).not.toContain(Buffer.from("svc-ews:Pa55-canary-secret").toString("base64"));
  });
});

describe("HTTPS canary on ::1", CLIENTS_TIMEOUT, () => {
  it("listens on the IPv6 loopback and its site leaf carries ::1 for curl to verify", async () => {
    const started = await startCanary({
      target: "concierge",
      listeners: [{ protocol: "https", host: "::1", port: 0 }],
      certificates: ["site"],
      clock,
      sessionTimeoutMs: 10_000,
    });
    canary = started;
    const ca = writeCaFile(started.caPem);
    removeCa = ca.remove;
    await runPinned(
      "2031-03-14 09:00:00",
      "curl",
      ["-sS", "-g", "-o", "/dev/null", "--noproxy", "*", "--max-time", "10", "--cacert", ca.caPath, `https://[::1]:${started.listeners[0]?.port}/`],
      {
        env: { TZ: "UTC" },
      },
    );
    await started.close();

    expect(started.listeners[0]?.url).toMatch(/^https:\/\/\[::1\]:\d+$/);
    expect(started.sessions[0]).toMatchObject({ handshakeCompleted: true, continuedAfterHandshake: true });
    expect(started.sessions[0]?.peer).toMatch(/^\[::1\]:\d+$/);
  });
});
