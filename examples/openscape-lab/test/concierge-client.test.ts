import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parseReport, resultsWithRules } from "@hardcheck/core";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const script = resolve(import.meta.dirname, "../concierge-client.mjs");

describe("the OpenScape lab's Concierge as a client", () => {
  let outDir: string | undefined;
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it("records real careless clients through the canary, and CL-LDAP1 and CL-SMTP1 fail through their client source", async () => {
    outDir = await mkdtemp(join(tmpdir(), "hardcheck-concierge-client-"));
    const { stdout, stderr } = await run(process.execPath, [script, "--out", outDir], { env: { ...process.env, NO_COLOR: "1" }, timeout: 120_000 });
    expect(stdout).toMatch(/concierge-client: 3 client session\(s\) recorded; 2\/2 items fail through the client source/);
    const runDir = join(outDir, "concierge-client");
    const evidence = await readFile(join(runDir, "client-evidence.json"), "utf8");
    const report = parseReport(JSON.parse(await readFile(join(runDir, "report", "hardcheck.json"), "utf8")), "hardcheck.json");
    const ldap = resultsWithRules(report).find((result) => result.ruleId === "CL-LDAP1");
    const smtp = resultsWithRules(report).find((result) => result.ruleId === "CL-SMTP1");
    // The directory connection: a simple bind in clear text, and StartTLS that went on after a self-signed certificate.
    expect(ldap?.message).toMatch(
      /^client client-ldap:\/\/127\.0\.0\.1:\d+: .*every session went to TLS.*no simple bind before TLS.*refuses a certificate it cannot trust/,
    );
    const ldapEvidence = Object.entries(ldap?.evidence ?? {}).find(([label]) => label.startsWith("client "))?.[1];
    expect(ldapEvidence).toMatchObject({
      "client.upgrade": { protocol: "ldap", sessions: 2, plainSessions: 1, credentialsBeforeTls: true, mechanismsBeforeTls: ["simple bind"] },
      "client.validation": { accepted: ["self-signed"], validates: false },
    });
    // The mail connection went to TLS and authenticated inside it, but accepted any certificate (and still offers TLS 1.0 and 1.1).
    expect(smtp?.message).toMatch(
      /^client client-smtp:\/\/127\.0\.0\.1:\d+: TLS 1\.2 or newer only: .*; refuses a certificate it cannot trust: client\.validation\.validates equal true — got false/,
    );
    expect(smtp?.message).not.toMatch(/no AUTH before TLS/);
    // The servers were not scanned in this run: the network sources are named as not checked.
    expect(smtp?.message).toMatch(/not checked: network \(/);
    // Neither password the clients sent is kept anywhere.
    for (const text of [evidence, JSON.stringify(report), stdout, stderr]) {
      expect(text).not.toContain("Lab-directory-Secret-7");
      expect(text).not.toContain("Lab-relay-Secret-9");
    }
  });
});
