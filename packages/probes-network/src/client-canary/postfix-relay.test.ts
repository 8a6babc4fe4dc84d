// Debian Postfix as a relay client of the SMTP canary (relayhost = the canary): smtp_tls_security_level=verify refuses an
// untrusted certificate, =may goes on and hands over the mail, which the canary refuses. Postfix runs with libfaketime preloaded so
// its certificate checks use the canary's pinned clock.
import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { fixedClock } from "@hardcheck/core";
import { createLabDir, type LabProcess, reserveLoopbackPort, startLabProcess, tcpPortAnswers } from "@hardcheck/labs";
import { pinnedClockEnvironment } from "@hardcheck/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Canary, startCanary } from "./canary.js";
import { clientFactsFrom } from "./evidence.js";
import { outerClockRemoved } from "./run-client.test-helper.js";

const MASTER = "/usr/lib/postfix/sbin/master";
const clock = fixedClock("2031-03-14T09:00:00Z");

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** Postfix with one loopback smtpd to hand it a mail and an smtp client relaying everything to `relayPort`. */
async function startPostfixRelay(relayPort: number, securityLevel: "verify" | "may", caPem: string): Promise<{ injectPort: number }> {
  const lab = createLabDir("postfix-relay");
  stops.push(() => lab.remove());
  const { dir } = lab;
  const injectPort = await reserveLoopbackPort();
  for (const sub of ["conf", "queue", "data"]) mkdirSync(join(dir, sub), { mode: 0o755 });
  const postfixUid = Number(execFileSync("id", ["-u", "postfix"]).toString().trim());
  chownSync(join(dir, "data"), postfixUid, -1);
  const caPath = lab.write("canary-ca.pem", caPem);
  lab.write(
    "conf/main.cf",
    [
      "compatibility_level = 3.6",
      `queue_directory = ${dir}/queue`,
      `data_directory = ${dir}/data`,
      "mail_owner = postfix",
      "myhostname = concierge.lab.test",
      "inet_interfaces = 127.0.0.1",
      "inet_protocols = ipv4",
      `maillog_file_prefixes = ${dir}`,
      `maillog_file = ${dir}/maillog`,
      "mydestination =",
      "local_recipient_maps =",
      "alias_maps =",
      "mynetworks = 127.0.0.0/8",
      `relayhost = [127.0.0.1]:${relayPort}`,
      `smtp_tls_security_level = ${securityLevel}`,
      `smtp_tls_CAfile = ${caPath}`,
      // One attempt per mail: a deferred mail must not come back during the test.
      "minimal_backoff_time = 3600s",
      "maximal_backoff_time = 3600s",
      // The daemons master starts keep faketime's clock.
      "import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C LD_PRELOAD FAKETIME DONT_FAKE_MONOTONIC",
      "",
    ].join("\n"),
  );
  lab.write(
    "conf/master.cf",
    [
      `127.0.0.1:${injectPort} inet n - n - - smtpd`,
      "cleanup unix n - n - 0 cleanup",
      "qmgr unix n - n 300 1 qmgr",
      "tlsmgr unix - - n 1000? 1 tlsmgr",
      "rewrite unix - - n - - trivial-rewrite",
      "bounce unix - - n - 0 bounce",
      "defer unix - - n - 0 bounce",
      "trace unix - - n - 0 bounce",
      "verify unix - - n - 1 verify",
      "flush unix n - n 1000? 0 flush",
      "proxymap unix - - n - - proxymap",
      "smtp unix - - n - - smtp",
      "relay unix - - n - - smtp",
      "error unix - - n - - error",
      "retry unix - - n - - error",
      "discard unix - - n - - discard",
      "scache unix - - n - 1 scache",
      "anvil unix - - n - 1 anvil",
      "postlog unix-dgram n - n - 1 postlogd",
      "",
    ].join("\n"),
  );
  execFileSync("postfix", ["-c", join(dir, "conf"), "check"], { stdio: "pipe" });
  const master: LabProcess = await startLabProcess(MASTER, ["-c", join(dir, "conf"), "-d"], () => tcpPortAnswers(injectPort), {
    env: outerClockRemoved(pinnedClockEnvironment("2031-03-14 09:00:00")),
  });
  stops.push(() => master.stop());
  return { injectPort };
}

/** Hands Postfix one mail over SMTP (null sender, so a failed delivery bounces nowhere); every read bounded. */
function injectMail(port: number): Promise<string> {
  const script = ["EHLO tester.lab.test", "MAIL FROM:<>", "RCPT TO:<ops@site.example>", "DATA", "Subject: canary\r\n\r\nhello\r\n.", "QUIT"];
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let transcript = "";
    let step = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`Postfix did not take the mail: ${transcript}`));
    }, 10_000);
    socket.on("data", (chunk: Buffer) => {
      transcript += chunk.toString();
      // One command per complete reply (the last line has a space after the code).
      if (
        !/^\d{3} [^\n]*\r?\n$/m.test(
          chunk
            .toString()
            .split(/\r?\n(?=.)/)
            .pop() ?? "",
        )
      )
        return;
      const command = script[step++];
      if (command === undefined) return;
      socket.write(`${command}\r\n`);
    });
    socket.on("error", reject);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(transcript);
    });
  });
}

async function relayThroughCanary(securityLevel: "verify" | "may"): Promise<Canary> {
  const canary = await startCanary({
    target: "concierge",
    listeners: [{ protocol: "smtp", host: "127.0.0.1", port: 0 }],
    certificates: ["self-signed"],
    clock,
    sessionTimeoutMs: 10_000,
  });
  stops.push(() => canary.close());
  const { injectPort } = await startPostfixRelay(canary.listeners[0]?.port ?? 0, securityLevel, canary.caPem);
  const accepted = await injectMail(injectPort);
  expect(accepted).toMatch(/250 2\.0\.0 Ok: queued/);
  const deadline = performance.now() + 20_000;
  while (canary.sessions.length === 0 && performance.now() < deadline) await new Promise((wait) => setTimeout(wait, 100));
  await canary.close();
  return canary;
}

describe("Postfix as a relay client of the SMTP canary", () => {
  it("smtp_tls_security_level=verify: STARTTLS, then no mail after the self-signed certificate", async () => {
    const { sessions } = await relayThroughCanary("verify");

    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ upgraded: true, credentialsBeforeTls: null });
    expect(sessions[0]?.hello).not.toBeNull();
    expect(sessions[0]).toMatchObject({ handshakeCompleted: true, continuedAfterHandshake: false });
    // Postfix checks the certificate once the handshake is over and leaves with QUIT, which is not going on.
    expect(sessions[0]?.transcript.slice(-2)).toEqual(["C: QUIT", "S: 221 2.0.0 Bye"]);
    expect(clientFactsFrom(sessions)["client.validation"]).toMatchObject({ refused: ["self-signed"], validates: true });
  });

  it("smtp_tls_security_level=may: STARTTLS, then the mail goes on over the self-signed certificate", async () => {
    const { sessions } = await relayThroughCanary("may");

    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ upgraded: true, handshakeCompleted: true, continuedAfterHandshake: true });
    expect(sessions[0]?.transcript.some((line) => line.startsWith("C: MAIL FROM:<>"))).toBe(true);
    expect(clientFactsFrom(sessions)["client.validation"]).toMatchObject({ accepted: ["self-signed"], validates: false });
  });
});
