// Windows probes over the real ssh:// transport, against Debian's OpenSSH server on loopback whose
// session PATH starts with a FAKE `powershell` (test/fixtures/fake-powershell.cjs) answering from
// the Windows fixture sets. Windows cannot run here: this proves SSH, command line, encoding,
// batching and parsing end to end through the CLI, not PowerShell's behaviour on a real server.
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fixedClock, parseReport } from "@hardcheck/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SSHD_BINARY, startTestSshd, type TestSshd } from "../../probes-linux/test/sshd.js";
import { SECTION_IDS } from "../../probes-windows/src/commands/catalog.js";
import { planBatches } from "../../probes-windows/src/commands/powershell.js";
import { FIXTURE_COLLECTED_AT, type FixtureSet, fixtureBundle, fixtureSections } from "../../probes-windows/test/support/fixture-host.js";
import { main } from "../src/program.js";

const available = existsSync(SSHD_BINARY);
if (!available) console.warn(`SKIPPED Windows-over-SSH tests: ${SSHD_BINARY} is missing (openssh-server is in scripts/system-packages.txt)`);

const FIXTURE_SET: FixtureSet = "2022-hardened";
const dir = mkdtempSync(join(tmpdir(), "hc-win-ssh-"));
const bin = join(dir, "bin");
let sshd: TestSshd;

interface FakeCall {
  readonly program: string;
  readonly sections: string[];
}

/** Rules about the evidence itself: not applicable to a live host. */
const EVIDENCE_ONLY = ["WIN-EVIDENCE-INTACT", "WIN-EVIDENCE-FRESH"];

function answerWith(answers: { mode: "fixtures"; sections: Record<string, unknown> } | { mode: "garbage" }): void {
  writeFileSync(join(bin, "fake-powershell-answers.json"), JSON.stringify(answers));
  rmSync(join(bin, "fake-powershell-calls.log"), { force: true });
}

function fakeCalls(): FakeCall[] {
  const file = join(bin, "fake-powershell-calls.log");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as FakeCall);
}

const acceptedConnections = () => (sshd.log().match(/Accepted publickey/g) ?? []).length;

function sshTarget(id: string): string {
  return `  - { id: ${id}, os: windows, host: "ssh://${sshd.user}@127.0.0.1:${sshd.port}", ssh: { identityFile: "${sshd.identityFile}", knownHosts: "${sshd.knownHosts}" } }`;
}

async function scan(name: string, targets: string[]) {
  const config = join(dir, `${name}.yaml`);
  writeFileSync(config, `packs: [windows-baseline]\ntargets:\n${targets.join("\n")}\n`);
  let stderr = "";
  const code = await main(["scan", "-c", config, "-o", join(dir, `out-${name}`), "--stdout", "none"], {
    stdout: { write: () => true },
    stderr: { write: (text: string) => (stderr += text) },
    env: { NO_COLOR: "1" },
    cwd: dir,
    // The FAKE live host answers as the fixture server did when its bundle was collected: scan at that moment.
    clock: fixedClock(FIXTURE_COLLECTED_AT),
  });
  const written = join(dir, `out-${name}`, "hardcheck.json");
  if (!existsSync(written)) throw new Error(`scan "${name}" wrote no report (exit ${code}): ${stderr}`);
  const report = parseReport(JSON.parse(readFileSync(written, "utf8")), "hardcheck.json");
  return { code, stderr, report };
}

beforeAll(async () => {
  if (!available) return;
  mkdirSync(bin);
  copyFileSync(join(import.meta.dirname, "fixtures", "fake-powershell.cjs"), join(bin, "powershell"));
  chmodSync(join(bin, "powershell"), 0o755);
  // The fake's `#!/usr/bin/env node` needs node on the session's PATH, wherever this node lives.
  sshd = await startTestSshd({ extraConfig: [`SetEnv PATH=${bin}:${dirname(process.execPath)}:/usr/bin:/bin`] });
});

afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(available)("windows-baseline over ssh:// with a FAKE powershell on the session's PATH", () => {
  it("gives the verdicts the evidence bundle of the same fixture set gives, over one SSH connection", async () => {
    answerWith({ mode: "fixtures", sections: fixtureSections(FIXTURE_SET) });
    writeFileSync(join(dir, "bundle.json"), fixtureBundle(FIXTURE_SET));
    const before = acceptedConnections();

    const { stderr, report } = await scan("fixtures", [
      `  - { id: evidence, os: windows, host: "evidence:${join(dir, "bundle.json")}" }`,
      sshTarget("over-ssh"),
    ]);
    expect(stderr).not.toMatch(/HC_/);

    const verdicts = (target: string) =>
      Object.fromEntries(
        report.results.filter((result) => result.target === target && !EVIDENCE_ONLY.includes(result.ruleId)).map((result) => [result.ruleId, result.status]),
      );
    const overSsh = verdicts("over-ssh");
    expect(Object.keys(overSsh).length).toBeGreaterThan(10);
    expect(overSsh).toEqual(verdicts("evidence"));
    // Not vacuous: the hardened set passes its host rules live, as it does offline.
    expect(overSsh["WIN-FIREWALL"]).toBe("pass");
    expect(overSsh["WIN-SCHANNEL-PROTOCOLS"]).toBe("pass");
    expect(Object.values(overSsh)).not.toContain("error");
    // Bundle integrity and age are facts of evidence targets only.
    for (const rule of EVIDENCE_ONLY) {
      expect(report.results.find((result) => result.target === "over-ssh" && result.ruleId === rule)?.status).toBe("not-applicable");
      expect(report.results.find((result) => result.target === "evidence" && result.ruleId === rule)?.status).toBe("pass");
    }

    // Every section asked for exactly once, in the planned batches, from `powershell` (no pwsh fallback).
    const calls = fakeCalls();
    expect(calls.map((call) => call.program)).toEqual(calls.map(() => "powershell"));
    expect(calls.map((call) => call.sections).sort()).toEqual(planBatches().sort());
    expect(calls.flatMap((call) => call.sections).sort()).toEqual([...SECTION_IDS].sort());

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(acceptedConnections() - before).toBe(1);
  }, 20_000);

  it("a host whose powershell prints garbage costs that target's Windows checks (error with the reason), not the scan", async () => {
    answerWith({ mode: "garbage" });
    const { code, stderr, report } = await scan("garbage", [sshTarget("garbled")]);
    expect(code).toBe(1);
    expect(stderr).not.toMatch(/internal|stack/i);
    const live = report.results.filter((result) => result.target === "garbled" && !EVIDENCE_ONLY.includes(result.ruleId));
    // Only a rule the target's tags rule out is not judged at all (it needs the no-sql-server tag).
    expect(live.filter((result) => result.status === "not-applicable").map((result) => result.ruleId)).toEqual(["WIN-SQL-NOT-INSTALLED"]);
    const judged = live.filter((result) => result.status !== "not-applicable");
    expect(judged.length).toBeGreaterThan(10);
    for (const result of judged) {
      expect(`${result.ruleId} ${result.status}`).toBe(`${result.ruleId} error`);
      expect(result.message).toContain('powershell ran but printed output that is not JSON ("\u0007\u00ff this is not JSON ]]")');
    }
    // Garbage from a program that ran is no reason to try pwsh: one call per batch.
    expect(fakeCalls().map((call) => call.program)).toEqual(planBatches().map(() => "powershell"));
  }, 20_000);
});
