import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parseReport } from "@hardcheck/core";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const demo = resolve(import.meta.dirname, "../demo.mjs");

describe("the demo lab (README command 1)", () => {
  let outDir: string | undefined;
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  // Starts Postfix, slapd and snmpd as well as the TLS servers: allow for a loaded machine.
  it("scans the lab, writes the reports and reaches the known verdicts", { timeout: 60_000 }, async () => {
    outDir = await mkdtemp(join(tmpdir(), "hardcheck-demo-"));
    const { stdout } = await run(process.execPath, [demo, "--out", outDir], { env: { ...process.env, NO_COLOR: "1" } });
    expect(stdout).toMatch(/demo: (\d+)\/\1 verdicts match the lab's known configuration/);
    expect(stdout).toContain("web-expired");
    const report = parseReport(JSON.parse(await readFile(join(outDir, "hardcheck.json"), "utf8")), "hardcheck.json");
    expect(report.targets.map((target) => target.id)).toEqual([
      "appliance-default",
      "decommissioned",
      "directory",
      "mail-relay",
      "remote-desktop",
      "snmp-agent",
      "sql-server",
      "web-expired",
      "web-good",
    ]);
    const verdict = (target: string, ruleId: string) => report.results.find((result) => result.target === target && result.ruleId === ruleId)?.status;
    expect(verdict("mail-relay", "NET-SMTP-AUTH-BEFORE-TLS")).toBe("fail");
    expect(verdict("directory", "NET-LDAP-ANONYMOUS-BIND")).toBe("fail");
    expect(verdict("sql-server", "NET-MSSQL-FORCE-ENCRYPTION")).toBe("fail");
    expect(verdict("sql-server", "TLS-PROTOCOL-VERSIONS")).toBe("fail");
    expect(verdict("remote-desktop", "NET-RDP-NLA")).toBe("fail");
    expect(verdict("snmp-agent", "NET-SNMP-DEFAULT-COMMUNITY")).toBe("fail");
    expect(report.summary.fail).toBeGreaterThan(0);
    expect(report.summary.error).toBeGreaterThan(0);
    expect(report.incomplete).toBe(false);
  });
});
