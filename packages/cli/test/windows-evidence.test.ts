// End to end through the CLI: collector bundles of every fixture set judged by the real
// windows-baseline rules; an edited bundle shows up as a failing integrity check.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseReport } from "@hardcheck/core";
import { describe, expect, it } from "vitest";
import { FIXTURE_SETS, fixtureBundle } from "../../probes-windows/test/support/fixture-host.js";
import { main } from "../src/program.js";

const HOST_RULES = [
  "WIN-SCHANNEL-PROTOCOLS",
  "WIN-SCHANNEL-CIPHERS",
  "WIN-CIPHER-SUITES",
  "WIN-IP-FORWARDING",
  "WIN-RDP-NLA",
  "WIN-WSUS",
  "WIN-FIREWALL",
  "WIN-SQL-FORCE-ENCRYPTION",
  "WIN-ANTIVIRUS",
  "WIN-SETUP-SHARE-READ-ONLY",
  "WIN-ADMIN-ACCOUNT",
  "WIN-PASSWORD-POLICY",
  "WIN-NO-DIAGNOSTIC-TOOLS",
  "WIN-UPDATES-NO-OLD-PENDING",
  "WIN-RUNTIMES-MINIMUM",
];

async function run(args: string[], cwd: string) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { NO_COLOR: "1" },
    cwd,
  });
  return { code, stdout, stderr };
}

describe("hardcheck scan of evidence bundles with windows-baseline", () => {
  const dir = mkdtempSync(join(tmpdir(), "hc-win-scan-"));
  for (const set of FIXTURE_SETS) writeFileSync(join(dir, `${set}.json`), fixtureBundle(set));
  writeFileSync(
    join(dir, "edited.json"),
    fixtureBundle("2022-hardened").replace('"IPEnableRouter","present":true,"value":0', '"IPEnableRouter","present":true,"value":1'),
  );
  const targets = [...FIXTURE_SETS, "edited"].map(
    (set) => `  - { id: ${set}, os: windows, host: "evidence:${join(dir, `${set}.json`)}"${set === "2019-hardened" ? ", tags: [no-sql-server]" : ""} }`,
  );
  writeFileSync(join(dir, "hardcheck.yaml"), `packs: [windows-baseline]\ntargets:\n${targets.join("\n")}\n`);

  it("gives every host rule its verdict: hardened passes, default fails; edits are flagged", async () => {
    const { code, stderr } = await run(["scan", "-c", join(dir, "hardcheck.yaml"), "-o", join(dir, "out"), "--stdout", "none"], dir);
    expect(stderr).not.toMatch(/HC_/);
    expect(code).toBe(1);
    const report = parseReport(JSON.parse(readFileSync(join(dir, "out", "hardcheck.json"), "utf8")), "hardcheck.json");
    const status = (target: string, rule: string) => report.results.find((result) => result.target === target && result.ruleId === rule)?.status;
    for (const rule of HOST_RULES) {
      for (const set of FIXTURE_SETS) expect(`${set} ${rule} ${status(set, rule)}`).toBe(`${set} ${rule} ${set.endsWith("hardened") ? "pass" : "fail"}`);
    }
    // Update and signature ages are counted to the bundle's collection (2026-11-24), not to today.
    expect(status("2019-default", "WIN-UPDATES-CURRENT")).toBe("fail");
    expect(status("2019-hardened", "WIN-SQL-NOT-INSTALLED")).toBe("fail");
    expect(status("2022-hardened", "WIN-SQL-NOT-INSTALLED")).toBe("not-applicable");
    for (const set of FIXTURE_SETS) expect(status(set, "WIN-EVIDENCE-INTACT")).toBe("pass");
    expect(status("edited", "WIN-EVIDENCE-INTACT")).toBe("fail");
    expect(status("edited", "WIN-IP-FORWARDING")).toBe("fail");
  });

  it("judges evidence as of its collection: the verdicts are the same whatever the scan date, apart from freshness", async () => {
    const verdictsAsOf = async (asOf: string) => {
      const out = join(dir, `out-${asOf.slice(0, 10)}`);
      const { stderr } = await run(["scan", "-c", join(dir, "hardcheck.yaml"), "-o", out, "--stdout", "none", "--as-of", asOf], dir);
      expect(stderr).not.toMatch(/HC_/);
      const report = parseReport(JSON.parse(readFileSync(join(out, "hardcheck.json"), "utf8")), "hardcheck.json");
      expect(report.evaluatedAt).toBe(asOf);
      expect(report.targets.find((target) => target.id === "2022-hardened")?.observedAt).toBe("2026-11-24T08:00:00.000Z");
      return new Map(report.results.map((result) => [`${result.target} ${result.ruleId}`, result.status]));
    };
    const dayAfter = await verdictsAsOf("2026-11-25T00:00:00.000Z");
    const twoYearsOn = await verdictsAsOf("2028-11-25T00:00:00.000Z");
    expect(dayAfter.size).toBeGreaterThan(60);
    const changed = [...dayAfter].filter(([key, status]) => twoYearsOn.get(key) !== status).map(([key]) => key);
    expect(changed.sort()).toEqual([...FIXTURE_SETS, "edited"].map((set) => `${set} WIN-EVIDENCE-FRESH`).sort());
    for (const set of FIXTURE_SETS) {
      expect(dayAfter.get(`${set} WIN-EVIDENCE-FRESH`)).toBe("pass");
      expect(twoYearsOn.get(`${set} WIN-EVIDENCE-FRESH`)).toBe("fail");
    }
  });

  it("rejects an --as-of that is not an existing ISO-8601 time, naming the flag", async () => {
    const { code, stderr } = await run(["scan", "-c", join(dir, "hardcheck.yaml"), "-o", join(dir, "out-bad"), "--as-of", "2026-02-30"], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/HC_USAGE: --as-of "2026-02-30": expected an existing ISO-8601 date or time/);
  });

  it("judges the Concierge item CL-SF-SW-STATUS from installed age, pending security updates and runtime minimums", async () => {
    const concierge = FIXTURE_SETS.map((set) => `  - { id: ${set}, os: windows, tags: [concierge], host: "evidence:${join(dir, `${set}.json`)}" }`);
    writeFileSync(join(dir, "concierge.yaml"), `packs: [openscape-concierge-v5r0]\ntargets:\n${concierge.join("\n")}\n`);
    await run(["scan", "-c", join(dir, "concierge.yaml"), "-o", join(dir, "out-concierge"), "--stdout", "none"], dir);
    const report = parseReport(JSON.parse(readFileSync(join(dir, "out-concierge", "hardcheck.json"), "utf8")), "hardcheck.json");
    const status = (target: string) => report.results.find((result) => result.target === target && result.ruleId === "CL-SF-SW-STATUS")?.status;
    expect(FIXTURE_SETS.map((set) => `${set} ${status(set)}`)).toEqual(FIXTURE_SETS.map((set) => `${set} ${set.endsWith("hardened") ? "pass" : "fail"}`));
  });

  it("a broken bundle costs that target's checks (error naming the cause), not the scan", async () => {
    writeFileSync(join(dir, "broken.json"), '{"format":"hardcheck-windows-evidence","formatVersion":1,"collectorVer');
    writeFileSync(
      join(dir, "broken.yaml"),
      `packs: [windows-baseline]\ntargets:\n  - { id: broken, os: windows, host: "evidence:${join(dir, "broken.json")}" }\n`,
    );
    await run(["scan", "-c", join(dir, "broken.yaml"), "-o", join(dir, "out-broken"), "--stdout", "none"], dir);
    const report = parseReport(JSON.parse(readFileSync(join(dir, "out-broken", "hardcheck.json"), "utf8")), "hardcheck.json");
    const firewall = report.results.find((result) => result.ruleId === "WIN-FIREWALL");
    expect(firewall).toMatchObject({ status: "error", message: expect.stringMatching(/HC_EVIDENCE_INVALID: .*truncated/) });
  });

  it("collect-script prints the shipped collector", async () => {
    const { code, stdout } = await run(["collect-script"], dir);
    expect(code).toBe(0);
    expect(stdout).toBe(readFileSync(join(import.meta.dirname, "..", "..", "probes-windows", "collector", "hardcheck-collect.ps1"), "utf8"));
  });
});
