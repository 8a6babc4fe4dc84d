// The three configs a new user wrote that scanned nothing and said so only in grey "n/a" lines:
// each now gives a warning naming the fix, and fails with --strict (or strict: true).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixedClock, parseReport } from "@hardcheck/core";
import { describe, expect, it } from "vitest";
import { fixtureBundle } from "../../probes-windows/test/support/fixture-host.js";
import { main } from "../src/program.js";

const SCAN_AT = "2026-11-25T12:00:00Z";

async function run(args: string[], cwd: string) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { NO_COLOR: "1" },
    cwd,
    clock: fixedClock(SCAN_AT),
  });
  return { code, stdout, stderr };
}

/** A minimal Linux root: os-release only when asked, and a login.defs so one host rule has its evidence. */
function linuxRoot(dir: string, withOsRelease: boolean): string {
  mkdirSync(join(dir, "etc"), { recursive: true });
  if (withOsRelease) writeFileSync(join(dir, "etc", "os-release"), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nID=debian\n');
  writeFileSync(join(dir, "etc", "login.defs"), "PASS_MAX_DAYS 90\n");
  return dir;
}

describe("silent config 1: a root: Linux image without os: linux", () => {
  const dir = mkdtempSync(join(tmpdir(), "hc-silent-root-"));
  const detectable = linuxRoot(join(dir, "image"), true);
  const silent = linuxRoot(join(dir, "bare"), false);
  writeFileSync(join(dir, "detected.yaml"), `packs: [linux-baseline]\ntargets:\n  - { id: image, host: "root:${detectable}" }\n`);
  writeFileSync(join(dir, "undetected.yaml"), `packs: [linux-baseline]\ntargets:\n  - { id: bare, host: "root:${silent}" }\n`);

  it("applies the linux rules: the OS is read from the image's os-release", async () => {
    const { stderr } = await run(["scan", "-c", "detected.yaml", "-o", "out-detected", "--stdout", "none", "--strict"], dir);
    expect(stderr).not.toContain("HC_STRICT");
    const report = parseReport(JSON.parse(readFileSync(join(dir, "out-detected", "hardcheck.json"), "utf8")), "hardcheck.json");
    expect(report.targets[0]?.os).toBe("linux");
    const osSkipped = report.results.filter((result) => /applies to linux targets/.test(result.message));
    expect(osSkipped).toEqual([]);
    expect(report.results.find((result) => result.ruleId === "LNX-PASSWORD-AGING-DEFAULTS")?.status).toMatch(/pass|fail/);
  });

  it("where the image says nothing, warns with the fix, reports error (not n/a), and fails under --strict", async () => {
    const plain = await run(["scan", "-c", "undetected.yaml", "-o", "out-bare", "--stdout", "console"], dir);
    expect(plain.stdout).toMatch(/WARNING target bare: the OS of root:.* could not be detected .* add `os: linux` to target bare/);
    expect(plain.code).toBe(1);
    const report = parseReport(JSON.parse(readFileSync(join(dir, "out-bare", "hardcheck.json"), "utf8")), "hardcheck.json");
    expect(report.results.filter((result) => result.status === "not-applicable").map((result) => result.ruleId)).toEqual([]);
    expect(report.results.every((result) => result.status === "error")).toBe(true);
    const strict = await run(["scan", "-c", "undetected.yaml", "-o", "out-bare", "--stdout", "none", "--strict"], dir);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain("HC_STRICT");
    expect(strict.stderr).toContain("HC_OS_UNDETECTED");
  });
});

describe("silent config 2: Windows evidence without tags: [concierge]", () => {
  const dir = mkdtempSync(join(tmpdir(), "hc-silent-evidence-"));
  writeFileSync(join(dir, "server.json"), fixtureBundle("2022-hardened"));
  const body = "packs: [openscape-concierge-v5r0]\ntargets:\n  - { id: concierge-1, host: evidence:./server.json }\n";
  writeFileSync(join(dir, "hardcheck.yaml"), body);
  writeFileSync(join(dir, "strict.yaml"), `strict: true\n${body}`);

  it("validate warns that the pack applies to no target and names the tag to add", async () => {
    const { code, stderr, stdout } = await run(["validate", "hardcheck.yaml"], dir);
    expect(code).toBe(0);
    expect(stdout).toContain("valid with 2 warning(s)");
    expect(stderr).toContain(
      "HC_PACK_APPLIES_TO_NOTHING: openscape-concierge-v5r0 applies to no target: its rules need a target tagged `concierge` — add `tags: [concierge]` to the targets it is for",
    );
    expect(stderr).toContain("HC_TARGET_UNCHECKED: target concierge-1: no rule applies to it");
  });

  it("fails with --strict and with strict: true in the config", async () => {
    expect((await run(["validate", "hardcheck.yaml", "--strict"], dir)).code).toBe(2);
    expect((await run(["validate", "strict.yaml"], dir)).code).toBe(2);
    const scan = await run(["scan", "-c", "hardcheck.yaml", "-o", "out", "--stdout", "none", "--strict"], dir);
    expect(scan.code).toBe(2);
  });

  it("the console summary counts the not-applicable checks by reason", async () => {
    const { stdout } = await run(["scan", "-c", "hardcheck.yaml", "-o", "out", "--stdout", "console"], dir);
    const report = parseReport(JSON.parse(readFileSync(join(dir, "out", "hardcheck.json"), "utf8")), "hardcheck.json");
    expect(stdout).toContain(`${report.summary.notApplicable} not applicable, by reason:`);
    expect(stdout).toMatch(new RegExp(`\\s${report.summary.notApplicable} × target has none of the tags concierge`));
  });
});

describe("silent config 3: an HTTPS endpoint without the concierge role tag", () => {
  const dir = mkdtempSync(join(tmpdir(), "hc-silent-endpoint-"));
  writeFileSync(
    join(dir, "hardcheck.yaml"),
    "packs: [openscape-concierge-v5r0]\ntargets:\n  - id: concierge-1\n    os: windows\n    tags: [concierge]\n    endpoints: [https://127.0.0.1:9443]\n",
  );

  it("validate warns that no endpoint carries the role tag, with the line to add", async () => {
    const { code, stderr } = await run(["validate", "hardcheck.yaml"], dir);
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /HC_ROLE_TAG_UNUSED: openscape-concierge-v5r0: no endpoint carries the role tag `concierge` that .* — add `tags: \[concierge\]` to the endpoint of concierge-1 it is for/,
    );
  });

  it("fails with --strict", async () => {
    const { code, stderr } = await run(["validate", "hardcheck.yaml", "--strict"], dir);
    expect(code).toBe(2);
    expect(stderr).toContain("HC_STRICT");
  });
});

describe("list-rules --pack", () => {
  it("prints the tags, OS and schemes each rule needs", async () => {
    const { code, stdout } = await run(["list-rules", "--pack", "openscape-concierge-v5r0"], tmpdir());
    expect(code).toBe(0);
    const needsOf = (rule: string) => stdout.split("\n")[stdout.split("\n").findIndex((line) => line.trimStart().startsWith(`${rule} `)) + 1]?.trim();
    // The mail server's endpoints, and the canaries that saw the Concierge as a mail client.
    expect(needsOf("CL-SMTP1")).toBe("needs: target tagged concierge; an endpoint client-smtp/client-smtps/smtp/smtps");
    expect(needsOf("CL-OSC-SERVER2")).toMatch(/^needs: target tagged concierge; an endpoint .*https.* tagged concierge$/);
    expect(needsOf("CL-VIRUSPROTECT")).toBe("needs: target tagged concierge; os windows; a host (local:, root:, ssh:// or evidence:)");
    const json = JSON.parse((await run(["list-rules", "--pack", "openscape-concierge-v5r0", "--json"], tmpdir())).stdout) as Array<{
      id: string;
      needs: object;
    }>;
    expect(json.find((rule) => rule.id === "CL-SMTP1")?.needs).toEqual({
      targetTags: ["concierge"],
      os: [],
      host: false,
      schemes: ["client-smtp", "client-smtps", "smtp", "smtps"],
      endpointTags: [],
    });
  });
});

describe("the OS is detected, the config's os: overrides it", () => {
  const dir = mkdtempSync(join(tmpdir(), "hc-os-"));
  const image = linuxRoot(join(dir, "image"), true);
  writeFileSync(join(dir, "server.json"), fixtureBundle("2022-hardened"));
  writeFileSync(join(dir, "evidence.yaml"), "packs: [windows-baseline]\ntargets:\n  - { id: win, host: evidence:./server.json }\n");
  writeFileSync(join(dir, "contradiction.yaml"), `packs: [linux-baseline]\ntargets:\n  - { id: image, os: windows, host: "root:${image}" }\n`);

  it("an evidence bundle says it is Windows: windows-baseline applies without os:", async () => {
    await run(["scan", "-c", "evidence.yaml", "-o", "out-evidence", "--stdout", "none"], dir);
    const report = parseReport(JSON.parse(readFileSync(join(dir, "out-evidence", "hardcheck.json"), "utf8")), "hardcheck.json");
    expect(report.targets[0]?.os).toBe("windows");
    expect(report.results.find((result) => result.ruleId === "WIN-SCHANNEL-PROTOCOLS")?.status).toBe("pass");
  });

  it("a contradiction is a warning; the config's os: is used", async () => {
    const { stdout, code } = await run(["scan", "-c", "contradiction.yaml", "-o", "out-contradiction", "--stdout", "console", "--strict"], dir);
    expect(stdout).toContain(
      "WARNING target image: the config says os: windows, but root:" +
        image +
        " reports linux (Debian GNU/Linux 12 (bookworm)) in /etc/os-release — os: windows is used",
    );
    expect(code).toBe(2);
    const report = parseReport(JSON.parse(readFileSync(join(dir, "out-contradiction", "hardcheck.json"), "utf8")), "hardcheck.json");
    expect(report.targets[0]?.os).toBe("windows");
  });
});
