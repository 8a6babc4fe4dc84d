// Real root file systems: a debootstrapped Debian, hardened and neglected copies, scanned via root:.
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { configFromObject, fixedClock, Hardcheck, type ReportDocument, resultsWithRules } from "@hardcheck/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { register as linuxProbes } from "../src/index.js";
import { copyDebianRoot, type DebianRoot, ensureDebianRoot, hardenRoot, ROOT_SCAN_AT, weakenRoot } from "./debian-root.js";
import { linuxBaselinePack as checklists } from "./linux-baseline-pack.js";

let prepared: DebianRoot = { skip: "not prepared" };
const copies: string[] = [];

async function scanRoot(path: string): Promise<ReportDocument> {
  const config = configFromObject({ packs: ["linux-baseline"], targets: [{ id: "image", host: `root:${path}`, os: "linux" }] });
  const hardcheck = await Hardcheck.create({ plugins: [linuxProbes, checklists], config });
  return hardcheck.scan(config, { clock: fixedClock(ROOT_SCAN_AT) });
}

const verdicts = (report: ReportDocument) => Object.fromEntries(report.results.map((result) => [result.ruleId, result.status]));

beforeAll(async () => {
  prepared = await ensureDebianRoot();
  if ("skip" in prepared) console.warn(`SKIPPED real Debian root tests: ${prepared.skip}`);
  else if (prepared.builtMs !== undefined) console.info(`debootstrap built the cached Debian root in ${prepared.builtMs} ms`);
}, 15 * 60_000);

afterAll(async () => {
  for (const dir of copies) await rm(dir, { recursive: true, force: true });
});

describe("a debootstrapped Debian root scanned via root:", () => {
  it("hardened: every rule that applies to an offline root passes", async (context) => {
    if ("skip" in prepared) return context.skip(prepared.skip);
    const dir = await copyDebianRoot(prepared.path, "hardened");
    copies.push(dir);
    await hardenRoot(dir);
    const report = await scanRoot(dir);
    const byRule = verdicts(report);
    const failing = report.results.filter((result) => result.status !== "pass" && result.ruleId !== "LNX-LISTENING-SERVICES");
    expect(failing.map((result) => `${result.ruleId}: ${result.message}`)).toEqual([]);
    // Sockets exist only on a running system.
    expect(byRule["LNX-LISTENING-SERVICES"]).toBe("not-applicable");
  });

  it("neglected: every Linux item is decided as failing, with the evidence named", async (context) => {
    if ("skip" in prepared) return context.skip(prepared.skip);
    const dir = await copyDebianRoot(prepared.path, "neglected");
    copies.push(dir);
    await weakenRoot(dir);
    const report = await scanRoot(dir);
    const byRule = verdicts(report);
    expect(byRule).toEqual({
      "LNX-ACCOUNT-FILE-PERMISSIONS": "fail",
      "LNX-ADMIN-PASSWORD-AGING": "fail",
      "LNX-NO-UNOWNED-FILES": "fail",
      "LNX-NO-WORLD-WRITABLE-FILES": "fail",
      "LNX-SETID-PROGRAMS-ALLOWED": "fail",
      "LNX-STICKY-WORLD-WRITABLE-DIRS": "fail",
      "LNX-AUDIT-RULES": "fail",
      "LNX-AUDIT-RULES-LOCKED": "fail",
      "LNX-AUDITD-ACTIVE": "fail",
      "LNX-CORE-DUMPS-RESTRICTED": "fail",
      "LNX-DEFAULT-UMASK": "fail",
      "LNX-FILE-INTEGRITY": "fail",
      "LNX-REMOTE-LOG-HOST": "fail",
      "LNX-SHELL-TIMEOUT": "fail",
      "LNX-UNATTENDED-SECURITY-UPGRADES": "fail",
      "LNX-DEV-SHM-MOUNT-OPTIONS": "fail",
      "LNX-GRUB-CONFIG-PERMISSIONS": "fail",
      "LNX-GRUB-PASSWORD": "fail",
      "LNX-LOGIN-LOCKOUT": "fail",
      "LNX-SU-RESTRICTED": "fail",
      "LNX-SUDO-LOGFILE": "fail",
      "LNX-SUDO-PASSWORD-REQUIRED": "fail",
      "LNX-SUDO-USE-PTY": "fail",
      "LNX-TMP-MOUNT-OPTIONS": "fail",
      "LNX-UID0-ONLY-ROOT": "fail",
      "LNX-UNIQUE-ACCOUNT-IDS": "fail",
      "LNX-UNNEEDED-KERNEL-MODULES": "fail",
      "LNX-VAR-TMP-MOUNT-OPTIONS": "fail",
      "LNX-FIREWALL-ACTIVE": "fail",
      "LNX-IP-FORWARDING-OFF": "fail",
      "LNX-LISTENING-SERVICES": "not-applicable",
      "LNX-LLDP-MED-OFF": "fail",
      "LNX-NO-DIAGNOSTIC-TOOLS": "fail",
      "LNX-PAM-HASH": "fail",
      "LNX-PAM-HISTORY": "fail",
      "LNX-PAM-NO-BLANK-PASSWORDS": "fail",
      "LNX-PASSWORD-AGING-DEFAULTS": "fail",
      "LNX-PWQ-COMPOSITION": "fail",
      "LNX-PWQ-ENFORCED": "fail",
      "LNX-PWQ-LENGTH": "fail",
      "LNX-PWQ-PATTERNS": "fail",
      "LNX-SECURITY-UPDATES": "fail",
      "LNX-SSH-IDLE-TIMEOUT": "fail",
      "LNX-SSH-MAX-AUTH-TRIES": "fail",
      "LNX-SSH-NO-EMPTY-PASSWORDS": "fail",
      "LNX-SSH-NO-PASSWORD-AUTH": "fail",
      "LNX-SSH-NO-ROOT-LOGIN": "fail",
      "LNX-SSH-STRONG-CIPHERS": "fail",
      "LNX-SSH-STRONG-KEX": "fail",
      "LNX-SSH-STRONG-MACS": "fail",
      "LNX-SYSCTL-ASLR": "fail",
      "LNX-SYSCTL-KERNEL-POINTERS": "fail",
      "LNX-SYSCTL-NO-REDIRECTS": "fail",
      "LNX-SYSCTL-NO-SOURCE-ROUTING": "fail",
      "LNX-SYSCTL-PROTECTED-LINKS": "fail",
      "LNX-SYSCTL-REVERSE-PATH-FILTER": "fail",
      "LNX-SYSCTL-SYN-COOKIES": "pass",
      "LNX-USB-STORAGE-LOCKED": "fail",
    });
    const updates = report.results.find((result) => result.ruleId === "LNX-SECURITY-UPDATES");
    expect(updates?.message).toContain("libc6");
    const tools = report.results.find((result) => result.ruleId === "LNX-NO-DIAGNOSTIC-TOOLS");
    expect(tools?.message).toContain('present: "tcpdump"');
    expect(tools?.message).not.toContain("libc6");
    const setId = report.results.find((result) => result.ruleId === "LNX-SETID-PROGRAMS-ALLOWED");
    expect(setId?.message).toContain('not allowed: "/usr/local/bin/rootshell"');
  });

  it("locked admin password: aging is not judged, and the pass says why", async (context) => {
    if ("skip" in prepared) return context.skip(prepared.skip);
    const dir = await copyDebianRoot(prepared.path, "locked");
    copies.push(dir);
    await hardenRoot(dir);
    const shadow = join(dir, "etc/shadow");
    await writeFile(shadow, (await readFile(shadow, "utf8")).replace(/^root:[^:]*:\d*:\d*:\d*:\d*:/m, "root:!*:20000:0:99999:7:"));
    const aging = resultsWithRules(await scanRoot(dir)).find((result) => result.ruleId === "LNX-ADMIN-PASSWORD-AGING");
    expect(aging?.status).toBe("pass");
    expect(aging?.message).toContain("through: no admin account has a usable password to age");
    expect(JSON.stringify(aging?.evidence)).toContain('"shadow.lockedAccounts":["root"]');
  });
});
