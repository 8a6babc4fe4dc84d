// The probe on its own, with @hardcheck/core/testing: each row starts a scripted service that plays
// the given dialogue on loopback, and the tester checks the fact the probe reads from it (and that
// the probe returns only the facts it declares).
import { ProbeTester, type ScriptEnd, type ScriptStep, startScriptedServer } from "@hardcheck/core/testing";
import { describe, expect, it } from "vitest";
import { bannerProbe } from "../banner-probe.mjs";

const tester = new ProbeTester({ limits: { connectTimeoutMs: 1_000 } });

const cases: ReadonlyArray<{ name: string; script: ScriptStep[]; afterScript?: ScriptEnd; greeting: string }> = [
  {
    name: "a mail server announcing its version",
    script: [{ send: "220 mail.example ESMTP Postfix 3.7.11\r\n" }],
    greeting: "220 mail.example ESMTP Postfix 3.7.11",
  },
  { name: "an SSH server", script: [{ send: "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n" }], greeting: "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" },
  { name: "a multi-line greeting: only the first line", script: [{ send: "220-mail.example ESMTP\r\n220 ready\r\n" }], greeting: "220-mail.example ESMTP" },
  { name: "a bare line feed", script: [{ send: "* OK IMAP4rev1\n" }], greeting: "* OK IMAP4rev1" },
  { name: "a service that hangs up without a word", script: [], greeting: "" },
  { name: "a service that stays silent past waitMs", script: [], afterScript: "hold", greeting: "" },
];

describe("service-banner probe", () => {
  it.each(cases)("$name", async ({ script, afterScript, greeting }) => {
    const server = await startScriptedServer(script, { afterScript: afterScript ?? "end" });
    try {
      await tester.check(bannerProbe, { subject: server.endpoint("tcp"), params: { waitMs: 200 }, facts: { "banner.greeting": greeting } });
    } finally {
      await server.close();
    }
  });

  it("fails, rather than reporting an empty greeting, when nothing listens", async () => {
    const server = await startScriptedServer([]);
    const endpoint = server.endpoint("tcp");
    await server.close();
    await expect(tester.run(bannerProbe, endpoint)).rejects.toThrow(/ECONNREFUSED/);
  });
});
