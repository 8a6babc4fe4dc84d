import { type Endpoint, factsFrom, type ProbeDeps, parseEndpoint } from "@hardcheck/core";
import { type PostfixLab, type PostfixService, probeTestDeps, startPostfixLab } from "@hardcheck/labs";
import { type LoopbackServer, startGarbageServer, startResettingServer, startTarpitServer } from "@hardcheck/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ehloCapabilities, frameSmtpReply, parseSmtpReply } from "../codecs/smtp/reply.js";
import { type SmtpCapabilitiesFacts, smtpCapabilitiesFacts, smtpCapabilitiesProbe } from "./smtp-capabilities.probe.js";

let postfix: PostfixLab;
const hostile = new Map<string, LoopbackServer>();

beforeAll(async () => {
  postfix = await startPostfixLab();
  hostile.set("reset", await startResettingServer());
  hostile.set("tarpit", await startTarpitServer());
  hostile.set("garbage", await startGarbageServer("SSH-2.0-OpenSSH_9.6\r\n"));
  hostile.set("oversized", await startGarbageServer(`220-${"x".repeat(70_000)}\r\n`));
  hostile.set("wrong-greeting", await startGarbageServer("554 5.3.2 go away\r\n"));
}, 30_000);

afterAll(async () => {
  await postfix?.close();
  for (const server of hostile.values()) await server.close();
});

function postfixEndpoint(service: PostfixService): Endpoint {
  return parseEndpoint(`smtp://127.0.0.1:${postfix.ports[service]}`);
}

function depsWith(credentials?: Record<string, string>): ProbeDeps {
  const base = probeTestDeps({ trust: { caCertificates: [postfix.caPem] } });
  return { ...base, target: { ...base.target, ...(credentials ? { credentials } : {}) } };
}

async function factsOf(endpoint: Endpoint, deps: ProbeDeps): Promise<SmtpCapabilitiesFacts> {
  const outcome = await smtpCapabilitiesProbe.collect(endpoint, {}, deps);
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(smtpCapabilitiesFacts, outcome);
}

describe("smtp-capabilities against Postfix", () => {
  // Given three real Postfix services, when the probe talks to each, then it reports what each offers.
  it.each<{ service: PostfixService; authBeforeTls: boolean; startTlsOffered: boolean; clearAuthCode: number; afterTlsAuth: string[] | null }>([
    { service: "auth-after-tls", authBeforeTls: false, startTlsOffered: true, clearAuthCode: 503, afterTlsAuth: ["LOGIN", "PLAIN"] },
    { service: "auth-in-clear", authBeforeTls: true, startTlsOffered: true, clearAuthCode: 334, afterTlsAuth: ["LOGIN", "PLAIN"] },
    { service: "no-starttls", authBeforeTls: true, startTlsOffered: false, clearAuthCode: 334, afterTlsAuth: null },
  ])("$service", async ({ service, authBeforeTls, startTlsOffered, clearAuthCode, afterTlsAuth }) => {
    const facts = await factsOf(postfixEndpoint(service), depsWith());

    expect(facts["smtp.banner"]).toEqual({ code: 220, text: "mail.lab.test ESMTP Postfix" });
    expect(facts["smtp.implicitTls"]).toBe(false);
    expect(facts["smtp.authBeforeTls"]).toBe(authBeforeTls);
    expect(facts["smtp.beforeTls"]?.authMechanisms).toEqual(authBeforeTls ? ["LOGIN", "PLAIN"] : []);
    expect(facts["smtp.startTls"].offered).toBe(startTlsOffered);
    expect(facts["smtp.startTls"].upgraded).toBe(startTlsOffered);
    expect(facts["smtp.clearTextAuth"]?.replyCode).toBe(clearAuthCode);
    expect(facts["smtp.afterTls"]?.authMechanisms ?? null).toEqual(afterTlsAuth);
    if (afterTlsAuth) expect(facts["smtp.afterTls"]?.extensions).not.toContain("STARTTLS");
    expect(facts["smtp.authentication"]).toEqual({ outcome: "not-configured", detail: null });
    expect(facts["smtp.transcript"][0]).toBe("S: 220 mail.lab.test ESMTP Postfix");
  });

  it("logs in over STARTTLS with the configured account and keeps the password out of the facts", async () => {
    process.env.HC_TEST_SMTP_USER = postfix.account.username;
    process.env.HC_TEST_SMTP_PASSWORD = postfix.account.password;
    const credentials = { "smtp.username": "env:HC_TEST_SMTP_USER", "smtp.password": "env:HC_TEST_SMTP_PASSWORD" };

    const facts = await factsOf(postfixEndpoint("auth-after-tls"), depsWith(credentials));

    expect(facts["smtp.authentication"]).toEqual({ outcome: "accepted", detail: null });
    expect(JSON.stringify(facts)).not.toContain(postfix.account.password);
  });

  it("reports a wrong password as rejected", async () => {
    process.env.HC_TEST_SMTP_USER = postfix.account.username;
    process.env.HC_TEST_SMTP_WRONG = "not-the-password";
    const facts = await factsOf(
      postfixEndpoint("auth-after-tls"),
      depsWith({ "smtp.username": "env:HC_TEST_SMTP_USER", "smtp.password": "env:HC_TEST_SMTP_WRONG" }),
    );

    expect(facts["smtp.authentication"].outcome).toBe("rejected");
    expect(JSON.stringify(facts)).not.toContain("not-the-password");
  });

  it("keeps every other fact when a credential reference does not resolve", async () => {
    delete process.env.HC_TEST_SMTP_SURELY_UNSET;
    const facts = await factsOf(
      postfixEndpoint("auth-after-tls"),
      depsWith({ "smtp.username": "env:HC_TEST_SMTP_SURELY_UNSET", "smtp.password": "env:HC_TEST_SMTP_SURELY_UNSET" }),
    );

    expect(facts["smtp.authentication"]).toEqual({
      outcome: "error",
      detail: "HC_CONFIG_INVALID: secret reference env:HC_TEST_SMTP_SURELY_UNSET: environment variable HC_TEST_SMTP_SURELY_UNSET is not set",
    });
    expect(facts["smtp.startTls"].upgraded).toBe(true);
  });

  it("does not send credentials where STARTTLS is missing", async () => {
    process.env.HC_TEST_SMTP_USER = postfix.account.username;
    process.env.HC_TEST_SMTP_PASSWORD = postfix.account.password;
    const facts = await factsOf(
      postfixEndpoint("no-starttls"),
      depsWith({ "smtp.username": "env:HC_TEST_SMTP_USER", "smtp.password": "env:HC_TEST_SMTP_PASSWORD" }),
    );

    expect(facts["smtp.authentication"].outcome).not.toBe("accepted");
    expect(["tls-failed", "error"]).toContain(facts["smtp.authentication"].outcome);
  });
});

describe("smtp-capabilities against hostile servers", () => {
  it.each([
    { server: "reset", reason: /ECONNRESET|closed/ },
    { server: "tarpit", reason: /SMTP greeting: no complete reply within 300 ms/ },
    { server: "garbage", reason: /SMTP greeting: "SSH-2.0-OpenSSH_9.6" is not an SMTP reply line/ },
    { server: "oversized", reason: /SMTP greeting: reply longer than 65536 bytes/ },
    { server: "wrong-greeting", reason: /server answered 554/ },
  ])("fails with a reason for a $server server", async ({ server, reason }) => {
    const port = hostile.get(server)?.port;
    const started = performance.now();
    await expect(
      smtpCapabilitiesProbe.collect(parseEndpoint(`smtp://127.0.0.1:${port}`), {}, probeTestDeps({ limits: { connectTimeoutMs: 300 } })),
    ).rejects.toThrow(reason);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("SMTP reply parsing", () => {
  it("reads AUTH mechanisms from both AUTH forms", () => {
    const reply = parseSmtpReply(Buffer.from("250-mx.example\r\n250-AUTH PLAIN login\r\n250-AUTH=CRAM-MD5\r\n250 STARTTLS\r\n"));
    expect(ehloCapabilities(reply)).toEqual({ extensions: ["AUTH", "STARTTLS"], authMechanisms: ["CRAM-MD5", "LOGIN", "PLAIN"], startTls: true });
  });

  it("frames only complete replies", () => {
    expect(frameSmtpReply(Buffer.from("250-a\r\n250 b"))).toBeNull();
    expect(frameSmtpReply(Buffer.from("250-a\r\n250 b\r\nextra"))).toBe(14);
  });

  it("never throws anything but an Error and never over-reads (fuzz)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const buffer = Buffer.from(bytes);
        try {
          const length = frameSmtpReply(buffer);
          if (length !== null) {
            expect(length).toBeLessThanOrEqual(buffer.length);
            ehloCapabilities(parseSmtpReply(buffer.subarray(0, length)));
          }
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it("frames every well-formed multi-line reply exactly (fuzz)", () => {
    const text = fc.string({ maxLength: 40 }).map((value) => value.replace(/[\r\n]/g, ""));
    fc.assert(
      fc.property(fc.integer({ min: 200, max: 599 }), fc.array(text, { minLength: 1, maxLength: 8 }), (code, lines) => {
        const wire = lines.map((line, index) => `${code}${index === lines.length - 1 ? " " : "-"}${line}\r\n`).join("");
        const buffer = Buffer.from(wire, "latin1");
        expect(frameSmtpReply(buffer)).toBe(buffer.length);
        expect(parseSmtpReply(buffer).lines).toEqual(lines.map((line) => Buffer.from(line, "latin1").toString("latin1")));
      }),
    );
  });
});
