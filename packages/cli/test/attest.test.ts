// `hardcheck attest` driven through standard input, and the scan that then uses its answers;
// `list-rules` classes and coverage for the OpenScape packs.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fixedClock, parseReport } from "@hardcheck/core";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main } from "../src/program.js";

/** The pinned time the technician attests at (and the scans run at). */
const ATTESTED_AT = "2026-11-30T09:15:00.000Z";

async function run(args: string[], cwd: string, input?: string) {
  let stdout = "";
  let stderr = "";
  const stdin = new PassThrough();
  if (input !== undefined) stdin.end(input);
  else stdin.end();
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { NO_COLOR: "1", HARDCHECK_ATTEST_BY: "j.doe@example.test" },
    cwd,
    stdin,
    clock: fixedClock(ATTESTED_AT),
  });
  return { code, stdout, stderr };
}

function workspace(attestations?: string) {
  const dir = mkdtempSync(join(tmpdir(), "hc-attest-"));
  if (attestations !== undefined) writeFileSync(join(dir, "attestations.yaml"), attestations);
  writeFileSync(
    join(dir, "hardcheck.yaml"),
    [
      "packs: [openscape-concierge-v5r0]",
      "targets:",
      "  - { id: osc-1, tags: [concierge], endpoints: ['tls://127.0.0.1:1'] }",
      "  - { id: other, endpoints: ['tls://127.0.0.1:2'] }",
      ...(attestations !== undefined ? ["attestations: ./attestations.yaml"] : []),
      "",
    ].join("\n"),
  );
  return dir;
}

const MANUAL = [
  "CL-BIOS-PWD",
  "CL-BIOS-BOOT",
  "CL-BIOS-WP",
  "CL-DNS-SRV1",
  "CL-CSTA1",
  "CL-CHGDEFPWD",
  "CL-SECURE-LAN",
  "CL-VLAN",
  "CL-VPN1",
  "CL-VPN3",
  "CL-VPN4",
];

describe("hardcheck attest", () => {
  it("walks the open manual items, appends signed entries, and the next scan uses them", async () => {
    // Given a config whose attestations file holds a comment and one earlier verdict,
    const dir = workspace("# site attestations\nattestations:\n  - { rule: CL-VLAN, target: osc-1, verdict: pass, by: a.admin, at: 2026-01-05T10:00:00Z }\n");
    // when a person answers pass (with note and link), fail, an invalid key then n/a, skips one and quits,
    const answers = [
      "p",
      "BIOS password in safe #4",
      "https://tickets.example/42",
      "f",
      "",
      "",
      "x",
      "n",
      "no write-protect jumper on this board",
      "",
      "s",
      "q",
    ];
    const { code, stdout, stderr } = await run(
      ["attest", "-c", "hardcheck.yaml", "--pack", "openscape-concierge-v5r0", "--target", "osc-1"],
      dir,
      `${answers.join("\n")}\n`,
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    // then the already attested item is not asked again,
    expect(stdout).toContain("10 manual item(s) to attest as j.doe@example.test");
    expect(stdout).not.toContain("CL-VLAN");
    expect(stdout).toContain("please answer p, f, n, s or q");
    // the file keeps its comment and old entry and gains three signed entries,
    const text = readFileSync(join(dir, "attestations.yaml"), "utf8");
    expect(text.startsWith("# site attestations")).toBe(true);
    const entries = (parse(text) as { attestations: Array<Record<string, string>> }).attestations;
    expect(entries.map(({ rule, verdict, by, note, evidence }) => ({ rule, verdict, by, note, evidence }))).toEqual([
      { rule: "CL-VLAN", verdict: "pass", by: "a.admin", note: undefined, evidence: undefined },
      { rule: "CL-BIOS-PWD", verdict: "pass", by: "j.doe@example.test", note: "BIOS password in safe #4", evidence: "https://tickets.example/42" },
      { rule: "CL-BIOS-BOOT", verdict: "fail", by: "j.doe@example.test", note: undefined, evidence: undefined },
      { rule: "CL-BIOS-WP", verdict: "not-applicable", by: "j.doe@example.test", note: "no write-protect jumper on this board", evidence: undefined },
    ]);
    for (const entry of entries.slice(1)) expect(entry.at).toBe(ATTESTED_AT);
    // and a scan decides the attested items from the file and leaves the rest manual.
    const scan = await run(["scan", "-c", "hardcheck.yaml", "-o", "out", "--stdout", "none"], dir);
    expect(scan.stderr).not.toMatch(/HC_/);
    const report = parseReport(JSON.parse(readFileSync(join(dir, "out", "hardcheck.json"), "utf8")), "hardcheck.json");
    const status = (rule: string, target = "osc-1") => report.results.find((r) => r.ruleId === rule && r.target === target)?.status;
    expect(MANUAL.map((rule) => `${rule} ${status(rule)}`)).toEqual(
      MANUAL.map((rule) => {
        const attested: Record<string, string> = { "CL-BIOS-PWD": "pass", "CL-BIOS-BOOT": "fail", "CL-BIOS-WP": "not-applicable", "CL-VLAN": "pass" };
        return `${rule} ${attested[rule] ?? "manual"}`;
      }),
    );
    expect(status("CL-BIOS-PWD", "other")).toBe("not-applicable");
  });

  it("creates the file when the config names none, and says how to use it", async () => {
    const dir = workspace();
    const { code, stdout } = await run(
      ["attest", "-c", "hardcheck.yaml", "--pack", "openscape-concierge-v5r0", "--target", "osc-1", "--by", "k.lee"],
      dir,
      "p\n\n\nq\n",
    );
    expect(code).toBe(0);
    expect(stdout).toContain('add "attestations: ./attestations.yaml" to hardcheck.yaml');
    const entries = (parse(readFileSync(join(dir, "attestations.yaml"), "utf8")) as { attestations: Array<Record<string, string>> }).attestations;
    expect(entries).toEqual([{ rule: "CL-BIOS-PWD", target: "osc-1", verdict: "pass", by: "k.lee", at: ATTESTED_AT }]);
  });

  it("stops cleanly when input ends, and refuses unknown targets with the list of known ones", async () => {
    const dir = workspace("attestations: []\n");
    const ended = await run(["attest", "-c", "hardcheck.yaml", "--pack", "openscape-concierge-v5r0", "--target", "osc-1"], dir, "");
    expect(ended.code).toBe(0);
    expect(ended.stdout).toContain("nothing recorded");
    const unknown = await run(["attest", "-c", "hardcheck.yaml", "--pack", "openscape-concierge-v5r0", "--target", "nope"], dir, "");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--target nope: no such target in hardcheck.yaml — targets: osc-1, other");
    const none = await run(["attest", "-c", "hardcheck.yaml", "--pack", "openscape-concierge-v5r0", "--target", "other"], dir, "");
    expect(none.stdout).toContain("no open manual items");
  });
});

describe("hardcheck list-rules for the OpenScape packs", () => {
  it("shows each rule's class and the coverage summary", async () => {
    const { code, stdout } = await run(["list-rules", "--pack", "openscape-xpert"], process.cwd());
    expect(code).toBe(0);
    expect(stdout).toMatch(/CL-DISABLE-MPWD\s+high\s+cfg\s/);
    expect(stdout).toMatch(/CL-CONFIGURE-BIOS\s+medium\s+manual\s/);
    expect(stdout).toMatch(/CL-SMFIREWALL\s+high\s+automated\s/);
    // CL-SIP-CERTCHECK reads what a canary saw the system do as a SIP client besides its setting: a probed source.
    expect(stdout).toMatch(/CL-SIP-CERTCHECK\s+high\s+automated\s/);
    expect(stdout).toContain("35 rules: 21 automated, 9 cfg");
  });

  it("prints the Markdown coverage table and JSON with classes", async () => {
    const table = await run(["list-rules", "--markdown"], process.cwd());
    expect(table.stdout).toContain("| `openscape-concierge-v5r0` | 33 | 22 | 0 | 11 |");
    const json = await run(["list-rules", "--pack", "openscape-concierge-v5r0", "--json"], process.cwd());
    const rows = JSON.parse(json.stdout) as Array<{ id: string; class: string; section: string }>;
    expect(rows.find((row) => row.id === "CL-PW-POLICY")).toMatchObject({ class: "automated", section: "7.1.1" });
  });
});
