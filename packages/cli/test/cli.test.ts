import { execFile, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { Hardcheck, mergeReports, parseReport, type ReportDocument, resultsWithRules, serializeReport, summarize } from "@hardcheck/core";
import { markdownReporter } from "@hardcheck/reporters";
import { type LoopbackServer, startRefusingPort, startScriptedServer } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../src/program.js";
import { expectRenderedAsWhole, junitSuites } from "./support/rendered.js";

const execFileAsync = promisify(execFile);
const bin = resolve(import.meta.dirname, "../dist/command/bin.js");
const fixtures = resolve(import.meta.dirname, "fixtures");

/** Runs the built CLI; resolves with its exit code and output whatever the code. */
async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Runs the CLI in-process with captured streams. */
async function inProcess(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
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

function listen(): Promise<Server> {
  return new Promise((ready) => {
    const server = createServer((socket) => socket.end());
    server.listen(0, "127.0.0.1", () => ready(server));
  });
}
const portOf = (server: Server) => (server.address() as { port: number }).port;
const withoutTimes = (report: ReportDocument) => ({ ...report, startedAt: "", finishedAt: "", evaluatedAt: "" });

describe("hardcheck CLI", () => {
  let dir: string;
  let open: Server[];
  let refused: LoopbackServer;
  let config: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hardcheck-cli-"));
    open = await Promise.all([listen(), listen(), listen()]);
    refused = await startRefusingPort();
    config = join(dir, "hardcheck.yaml");
    const targets = [0, 1, 2]
      .map((i) =>
        [
          `  - id: host-${i}`,
          "    endpoints:",
          `      - { url: "tcp://127.0.0.1:${portOf(open[i] as Server)}", tags: [${i === 0 ? "legacy" : "required"}] }`,
        ].join("\n"),
      )
      .join("\n");
    await writeFile(
      config,
      [
        `packs: [${join(fixtures, "ports-pack.yaml")}]`,
        "limits: { connectTimeoutMs: 1000, probeTimeoutMs: 3000 }",
        "targets:",
        targets,
        "  - id: host-closed",
        `    endpoints: [{ url: "tcp://127.0.0.1:${refused.port}", tags: [legacy] }]`,
        "  - id: host-missing",
        `    endpoints: [{ url: "tcp://127.0.0.1:${refused.port}", tags: [required] }]`,
        // Sorted by code unit this id comes first, by a locale's collation last: files written as targets
        // stream in must come out the same as those rendered from the saved document.
        "  - id: Zone",
        `    endpoints: [{ url: "tcp://127.0.0.1:${refused.port}", tags: [legacy] }]`,
      ].join("\n"),
    );
  });

  afterAll(async () => {
    await Promise.all(open.map((server) => new Promise((done) => server.close(done))));
    await refused.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("scans, writes hardcheck.json, prints the console report and exits 1 on findings", async () => {
    const { code, stdout, stderr } = await cli(["scan", "--config", config, "--out", "out1"], dir);
    expect(code).toBe(1);
    expect(stdout).toContain("TEST-PORT-CLOSED");
    expect(stdout).toMatch(/checks: \d+ passed, 2 failed/);
    expect(stderr).toContain("reports written to out1: hardcheck.json");
    const report = parseReport(JSON.parse(await readFile(join(dir, "out1", "hardcheck.json"), "utf8")), "hardcheck.json");
    const status = (target: string, rule: string) => report.results.find((r) => r.target === target && r.ruleId === rule)?.status;
    expect(status("host-0", "TEST-PORT-CLOSED")).toBe("fail");
    expect(status("host-closed", "TEST-PORT-CLOSED")).toBe("pass");
    expect(status("host-1", "TEST-PORT-OPEN")).toBe("pass");
    expect(status("host-missing", "TEST-PORT-OPEN")).toBe("fail");
    expect(status("host-1", "TEST-PORT-CLOSED")).toBe("not-applicable");
    expect(status("host-1", "TEST-MANUAL")).toBe("manual");
  });

  it("writes every built-in format streamed, target by target, as report --from renders it from the whole document", async () => {
    const formats = "json,console,junit,sarif,markdown,html";
    const streamed = await inProcess(["scan", "--config", config, "--out", "stream-a", "--format", formats, "--as-of", "2026-06-01T00:00:00Z"], dir);
    const whole = await inProcess(["report", "--from", "stream-a/hardcheck.json", "--out", "stream-b", "--format", formats, "--stdout", "console"], dir);
    expect(whole.code).toBe(0);
    expect(streamed.stdout).toBe(whole.stdout);
    for (const file of ["hardcheck.json", "hardcheck.junit.xml", "hardcheck.sarif", "hardcheck.md", "hardcheck.html"]) {
      const [a, b] = [await readFile(join(dir, "stream-a", file), "utf8"), await readFile(join(dir, "stream-b", file), "utf8")];
      expect(a, file).toBe(b);
    }
    // report --from reads the saved document target by target too: both sides equal the renderers fed the whole document.
    const document = parseReport(JSON.parse(await readFile(join(dir, "stream-a", "hardcheck.json"), "utf8")), "hardcheck.json");
    await expectRenderedAsWhole(join(dir, "stream-b"), document, formats.split(","), whole.stdout);
    expect(document.results.length).toBeGreaterThan(5);
    expect(await readFile(join(dir, "stream-a", "hardcheck.junit.xml"), "utf8")).toContain("<failure ");
    expect(JSON.parse(await readFile(join(dir, "stream-a", "hardcheck.sarif"), "utf8")).runs[0].results.length).toBeGreaterThan(0);
    // Nothing but the reports is left in the folder: the scratch files are gone.
    expect((await readdir(join(dir, "stream-a"))).sort()).toEqual([
      "hardcheck.html",
      "hardcheck.json",
      "hardcheck.junit.xml",
      "hardcheck.md",
      "hardcheck.sarif",
    ]);
  });

  it("honours --fail-on: medium findings do not fail a high threshold", async () => {
    const { code } = await cli(["scan", "--config", config, "--out", "out2", "--fail-on", "critical", "--stdout", "none"], dir);
    expect(code).toBe(0);
  });

  it("prints only the requested stdout format", async () => {
    const { code, stdout } = await cli(["scan", "--config", config, "--out", "out3", "--stdout", "json", "--rule", "TEST-PORT-OPEN"], dir);
    expect(code).toBe(1);
    const report = parseReport(JSON.parse(stdout), "hardcheck.json");
    expect(new Set(report.results.map((r) => r.ruleId))).toEqual(new Set(["TEST-PORT-OPEN"]));
  });

  it("shards the targets and merges the shards into the unsharded report", async () => {
    await cli(["scan", "--config", config, "--out", "whole", "--stdout", "none"], dir);
    for (const shard of ["1/3", "2/3", "3/3"]) await cli(["scan", "--config", config, "--out", `shard-${shard[0]}`, "--shard", shard, "--stdout", "none"], dir);
    const shardTargets = await Promise.all(
      ["1", "2", "3"].map(
        async (i) => parseReport(JSON.parse(await readFile(join(dir, `shard-${i}`, "hardcheck.json"), "utf8")), "hardcheck.json").targets.length,
      ),
    );
    expect(shardTargets.reduce((a, b) => a + b, 0)).toBe(6);
    const merged = await cli(["merge", "shard-1/hardcheck.json", "shard-2/hardcheck.json", "shard-3/hardcheck.json", "--out", "merged"], dir);
    expect(merged.code).toBe(0);
    const whole = parseReport(JSON.parse(await readFile(join(dir, "whole", "hardcheck.json"), "utf8")), "hardcheck.json");
    const combined = parseReport(JSON.parse(await readFile(join(dir, "merged", "hardcheck.json"), "utf8")), "hardcheck.json");
    expect(withoutTimes(combined)).toEqual(withoutTimes(whole));
  });

  it("merge writes every built-in format target by target, as its renderer writes it from the merged document", async () => {
    const formats = "json,junit,sarif,markdown,html";
    for (const shard of ["1/3", "2/3", "3/3"])
      await cli(["scan", "--config", config, "--out", `fmt-shard-${shard[0]}`, "--shard", shard, "--stdout", "none", "--as-of", "2026-06-01T00:00:00Z"], dir);
    const shards = ["1", "2", "3"].map((i) => `fmt-shard-${i}/hardcheck.json`);
    const merged = await inProcess(["merge", ...shards, "--out", "fmt-merged", "--format", formats], dir);
    expect(merged.code).toBe(0);
    const document = mergeReports(await Promise.all(shards.map(async (shard) => parseReport(JSON.parse(await readFile(join(dir, shard), "utf8")), shard))));
    await expectRenderedAsWhole(join(dir, "fmt-merged"), document, formats.split(","));
    expect(await junitSuites(join(dir, "fmt-merged", "hardcheck.junit.xml"))).toEqual(["Zone", "host-0", "host-1", "host-2", "host-closed", "host-missing"]);
    expect((await readdir(join(dir, "fmt-merged"))).sort()).toEqual([
      "hardcheck.html",
      "hardcheck.json",
      "hardcheck.junit.xml",
      "hardcheck.md",
      "hardcheck.sarif",
    ]);
  });

  it("refuses overlapping shards in merge", async () => {
    await cli(["scan", "--config", config, "--out", "again", "--stdout", "none"], dir);
    const { code, stderr } = await cli(["merge", "again/hardcheck.json", "again/hardcheck.json", "--out", "bad-merge"], dir);
    expect(code).toBe(2);
    expect(stderr).toContain("HC_REPORT_INVALID");
  });

  it("writes every format from scan, renders them again from the saved JSON with report --from, and marks new findings against a baseline", async () => {
    const formats = "json,console,sarif,junit,html,markdown";
    const scan = await cli(["scan", "--config", config, "--out", "all", "--format", formats, "--stdout", "none"], dir);
    expect(scan.stderr).toContain("reports written to all: hardcheck.json, hardcheck.sarif, hardcheck.junit.xml, hardcheck.html, hardcheck.md");
    const sarif = JSON.parse(await readFile(join(dir, "all", "hardcheck.sarif"), "utf8")) as { runs: Array<{ results: Array<{ ruleId: string }> }> };
    expect(sarif.runs[0]?.results.map((result) => result.ruleId).sort()).toEqual(["TEST-PORT-CLOSED", "TEST-PORT-OPEN"]);
    expect(await readFile(join(dir, "all", "hardcheck.junit.xml"), "utf8")).toContain('<testsuite name="host-0"');

    const again = await cli(["report", "--from", "all/hardcheck.json", "--format", "sarif,junit,html,markdown", "--out", "rendered", "--stdout", "none"], dir);
    expect(again.code).toBe(0);
    for (const file of ["hardcheck.sarif", "hardcheck.junit.xml", "hardcheck.html", "hardcheck.md"]) {
      expect(await readFile(join(dir, "rendered", file), "utf8")).toBe(await readFile(join(dir, "all", file), "utf8"));
    }

    // A baseline in which host-0 already failed: only host-missing's failure is new.
    const saved = parseReport(JSON.parse(await readFile(join(dir, "all", "hardcheck.json"), "utf8")), "hardcheck.json");
    const kept = saved.results.filter((result) => !(result.target === "host-missing" && result.status === "fail"));
    const baseline = { ...saved, results: kept, summary: summarize(kept) };
    await writeFile(join(dir, "baseline.json"), serializeReport(baseline));
    const compared = await cli(
      ["scan", "--config", config, "--out", "compared", "--format", "sarif,markdown", "--stdout", "console", "--baseline", "baseline.json"],
      dir,
    );
    expect(compared.stderr).toContain("compared with baseline.json: 1 new failure(s), 0 fixed, 0 no longer verified, 1 still failing");
    expect(compared.stdout).toMatch(/NEW TEST-PORT-OPEN tcp:\/\/127\.0\.0\.1:\d+/);
    const states = (
      JSON.parse(await readFile(join(dir, "compared", "hardcheck.sarif"), "utf8")) as { runs: Array<{ results: Array<{ baselineState: string }> }> }
    ).runs[0]?.results.map((result) => result.baselineState);
    expect(states?.sort()).toEqual(["new", "unchanged"]);

    const diff = await cli(["diff", "baseline.json", "compared/hardcheck.json"], dir);
    expect(diff.code).toBe(1);
    expect(diff.stdout.split("\n")[0]).toMatch(/^1 new failure\(s\), 0 fixed, 0 no longer verified, 1 still failing/);
    const same = await cli(["diff", "all/hardcheck.json", "all/hardcheck.json", "--json"], dir);
    expect(same.code).toBe(0);
    expect((JSON.parse(same.stdout) as { newFailures: unknown[] }).newFailures).toEqual([]);
  });

  it("reads reports of schema versions 1, 2 and 3 in report --from, diff and merge", async () => {
    await cli(["scan", "--config", config, "--out", "v3-whole", "--format", "json,sarif,markdown", "--stdout", "none"], dir);
    for (const shard of ["1/2", "2/2"]) await cli(["scan", "--config", config, "--out", `v3-shard-${shard[0]}`, "--shard", shard, "--stdout", "none"], dir);
    const read = async (path: string) => parseReport(JSON.parse(await readFile(join(dir, path), "utf8")), "hardcheck.json");
    // What older versions wrote: version 3 kept facts and results ungrouped; version 2 kept evidence
    // and traces on every result; version 1 also repeated its rule's fields and had no rules section.
    const older = (report: ReportDocument, version: 1 | 2 | 3) => {
      if (version === 3) return { ...report, schemaVersion: 3 };
      const { facts: _facts, conditions: _conditions, rules, ...rest } = report;
      const joined = resultsWithRules(report);
      return version === 2
        ? { ...rest, schemaVersion: 2, results: joined.map(({ checklistRef, section, title, severity, source, ...result }) => result), rules }
        : { ...rest, schemaVersion: 1, results: joined };
    };
    for (const version of [1, 2, 3] as const) {
      const whole = await read("v3-whole/hardcheck.json");
      await writeFile(join(dir, `v${version}.json`), JSON.stringify(older(whole, version), null, 2));
      const rendered = await cli(["report", "--from", `v${version}.json`, "--format", "sarif", "--out", `from-v${version}`, "--stdout", "none"], dir);
      expect(rendered.code, rendered.stderr).toBe(0);
      if (version >= 2) {
        // Versions 2 and 3 had the rules: the SARIF made from them is the one made from version 4.
        expect(await readFile(join(dir, `from-v${version}`, "hardcheck.sarif"), "utf8")).toBe(await readFile(join(dir, "v3-whole", "hardcheck.sarif"), "utf8"));
      }
      const diff = await cli(["diff", `v${version}.json`, "v3-whole/hardcheck.json", "--json"], dir);
      expect(diff.code, diff.stderr).toBe(0);
      expect(JSON.parse(diff.stdout)).toMatchObject({ newFailures: [], fixed: [], changedEvidence: [] });
      for (const shard of ["1", "2"]) {
        await writeFile(join(dir, `v${version}-shard-${shard}.json`), JSON.stringify(older(await read(`v3-shard-${shard}/hardcheck.json`), version)));
      }
      const merged = await cli(["merge", `v${version}-shard-1.json`, `v${version}-shard-2.json`, "--out", `merged-v${version}`], dir);
      expect(merged.code, merged.stderr).toBe(0);
      const combined = await read(`merged-v${version}/hardcheck.json`);
      expect(combined.schemaVersion).toBe(4);
      expect(resultsWithRules(combined)).toEqual(resultsWithRules(whole));
      if (version >= 2) expect(withoutTimes(combined)).toEqual(withoutTimes(whole));
    }
  });

  it("says a report too large to read whole is so, naming it, instead of calling it unreadable", async () => {
    const huge = join(dir, "huge.json");
    await writeFile(huge, "");
    // A sparse file past V8's longest string: its size without the disk space.
    await truncate(huge, 2 ** 29 + 2 ** 20);
    const { code, stderr } = await inProcess(["diff", "huge.json", "huge.json"], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^HC_USAGE: huge\.json: the report is too large to read whole/);
  });

  it("report --from names the file when it is not a report", async () => {
    await writeFile(join(dir, "not-a-report.json"), JSON.stringify({ hello: 1 }));
    const { code, stderr } = await inProcess(["report", "--from", "not-a-report.json"], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^HC_REPORT_INVALID: not-a-report\.json/);
  });

  it.each([
    [["validate", "missing.yaml"], /HC_CONFIG_UNREADABLE: missing\.yaml: cannot read: file not found/],
    [["scan", "--config", "missing.yaml"], /HC_CONFIG_UNREADABLE/],
    [["scan"], /required option '-c, --config <file>'/],
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["explain", "NO-SUCH-RULE"], /HC_RULE_UNKNOWN: no rule "NO-SUCH-RULE"/],
    [["list-rules", "--pack", "nope"], /HC_PACK_UNKNOWN/],
    [["scan", "--config", "bad-endpoint.yaml"], /bad-endpoint\.yaml:5:9 targets\[0\]\.endpoints\[0\]: "smtp\/\/mail" is not a URL/],
    [
      ["scan", "--config", "throwing-plugin.yaml"],
      /HC_PLUGIN_REGISTER: throwing-plugin\.yaml:2:11 plugins\[0\]: plugin .*throwing-plugin\.mjs failed to register: license file missing/,
    ],
    [["scan", "--config", "bad-endpoint.yaml", "--shard", "4/3"], /--shard "4\/3": expected I\/N/],
    [["scan", "--config", "bad-ca.yaml"], /HC_CONFIG_INVALID: bad-ca\.yaml:2:\d+ trust\.caFile: broken-ca\.pem: certificate 2 of 2 cannot be read/],
  ])("exits 2 with a clear message for %j", async (args, message) => {
    // A CA file whose second certificate is damaged; the first is one of Node's bundled roots.
    const [realRoot] = (await import("node:tls")).rootCertificates;
    await writeFile(join(dir, "broken-ca.pem"), `${realRoot}\n-----BEGIN CERTIFICATE-----\nMIIBmzCCAUCgAwIBAgIUdamaged\n-----END CERTIFICATE-----\n`);
    await writeFile(
      join(dir, "bad-ca.yaml"),
      "packs: [tls-baseline]\ntrust: { caFile: broken-ca.pem }\ntargets:\n  - id: a\n    endpoints: [tls://127.0.0.1:1]\n",
    );
    await writeFile(
      join(dir, "bad-endpoint.yaml"),
      "packs: [tls-baseline]\ntargets:\n  - id: a\n    endpoints: [smtp//mail]\n".replace("[smtp//mail]", "\n      - smtp//mail"),
    );
    await writeFile(
      join(dir, "throwing-plugin.yaml"),
      `packs: [tls-baseline]\nplugins: [${join(fixtures, "throwing-plugin.mjs")}]\ntargets:\n  - id: a\n    endpoints: [tls://127.0.0.1:1]\n`,
    );
    const { code, stderr } = await inProcess(args, dir);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
  });

  it("exits 3 on an internal error in a plugin, without a stack unless asked", async () => {
    const configFile = join(dir, "broken-reporter.yaml");
    await writeFile(
      configFile,
      `packs: [${join(fixtures, "ports-pack.yaml")}]\nplugins: [${join(fixtures, "broken-reporter-plugin.mjs")}]\ntargets:\n  - id: a\n    endpoints: [tcp://127.0.0.1:${refused.port}]\n`,
    );
    const { code, stderr } = await cli(["scan", "--config", configFile, "--format", "broken", "--out", "out-broken"], dir);
    expect(code).toBe(3);
    expect(stderr).toContain("HC_INTERNAL: cannot read properties of undefined");
    expect(stderr).not.toContain("    at ");
  });

  it("renders a plugin's format from a saved report with the config that loads the plugin, and says so without it", async () => {
    const configFile = join(dir, "tally.yaml");
    await writeFile(
      configFile,
      `packs: [${join(fixtures, "ports-pack.yaml")}]\nplugins: [${join(fixtures, "tally-reporter-plugin.mjs")}]\ntargets:\n  - id: a\n    endpoints: [{ url: "tcp://127.0.0.1:${refused.port}", tags: [required] }]\n  - id: b\n    endpoints: [{ url: "tcp://127.0.0.1:${portOf(open[0] as Server)}", tags: [required] }]\n`,
    );
    const scan = await inProcess(["scan", "--config", configFile, "--format", "tally", "--out", "tally-scan", "--stdout", "none"], dir);
    expect(scan.code).toBe(1);
    const scanned = await readFile(join(dir, "tally-scan", "tally.txt"), "utf8");
    expect(scanned).toBe("a: fail=1 manual=1 not-applicable=1\nb: manual=1 not-applicable=1 pass=1\n");

    const without = await inProcess(["report", "--from", "tally-scan/hardcheck.json", "--format", "tally", "--out", "tally-none"], dir);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain("--format tally: unknown format");
    expect(without.stderr).toContain("needs --config");
    // A typo of a built-in format gets a suggestion, not the plugin hint.
    const typo = await inProcess(["report", "--from", "tally-scan/hardcheck.json", "--format", "htlm", "--out", "tally-typo"], dir);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--format htlm: unknown format — did you mean "html"? Known formats: console,');
    expect(typo.stderr).not.toContain("needs --config");
    const merged = await inProcess(["merge", "tally-scan/hardcheck.json", "--format", "tally", "--out", "tally-merged"], dir);
    expect(merged.code).toBe(2);
    expect(merged.stderr).toContain("with report --from and --config");

    // The same plugin with other targets: what comes out is the saved report's, not a new scan's.
    const otherTargets = join(dir, "tally-other.yaml");
    await writeFile(
      otherTargets,
      `packs: [${join(fixtures, "ports-pack.yaml")}]\nplugins: [${join(fixtures, "tally-reporter-plugin.mjs")}]\ntargets:\n  - id: elsewhere\n    endpoints: [{ url: "tcp://127.0.0.1:${refused.port}", tags: [required] }]\n`,
    );
    const rendered = await inProcess(
      ["report", "--from", "tally-scan/hardcheck.json", "--config", otherTargets, "--format", "tally", "--out", "tally-report"],
      dir,
    );
    expect(rendered.code).toBe(0);
    expect(await readFile(join(dir, "tally-report", "tally.txt"), "utf8")).toBe(scanned);

    // A format too large for one string stops with its name and what to do; the files written before
    // it are whole (the built-in markdown is streamed first, then the plugin's formats in turn).
    const oversize = await inProcess(
      ["report", "--from", "tally-scan/hardcheck.json", "--config", configFile, "--format", "tally,oversize,markdown", "--out", "tally-oversize"],
      dir,
    );
    expect(oversize.code).toBe(2);
    expect(oversize.stderr).toContain("--format oversize: the report is too large to render oversize as one piece");
    expect(oversize.stderr).toContain("the built-in file formats are written target by target instead, unless --baseline is given");
    expect((await readdir(join(dir, "tally-oversize"))).sort()).toEqual(["hardcheck.md", "tally.txt"]);
  });

  it("streams the scan and the built-in formats when a plugin's format is asked for too, and renders that format from the written document", async () => {
    const configFile = join(dir, "tally-stream.yaml");
    await writeFile(
      configFile,
      `packs: [${join(fixtures, "ports-pack.yaml")}]\nplugins: [${join(fixtures, "tally-reporter-plugin.mjs")}]\ntargets:\n  - id: a\n    endpoints: [{ url: "tcp://127.0.0.1:${refused.port}", tags: [required] }]\n  - id: b\n    endpoints: [{ url: "tcp://127.0.0.1:${portOf(open[0] as Server)}", tags: [required] }]\n`,
    );
    const run = vi.spyOn(Hardcheck.prototype, "run");
    const stream = vi.spyOn(Hardcheck.prototype, "stream");
    const wholeMarkdown = vi.spyOn(markdownReporter, "render");
    try {
      const scan = await inProcess(["scan", "--config", configFile, "--format", "tally,markdown", "--out", "tally-streamed", "--stdout", "tally"], dir);
      expect(scan.code).toBe(1);
      // The scan went target by target, and markdown was written from its stream, not from a whole report.
      expect(run).not.toHaveBeenCalled();
      expect(stream).toHaveBeenCalledTimes(1);
      expect(wholeMarkdown).not.toHaveBeenCalled();
      const tally = "a: fail=1 manual=1 not-applicable=1\nb: manual=1 not-applicable=1 pass=1\n";
      expect(await readFile(join(dir, "tally-streamed", "tally.txt"), "utf8")).toBe(tally);
      // The plugin's format is printed too when it is the stdout format.
      expect(scan.stdout).toBe(tally);
      expect(scan.stderr).toContain("reports written to tally-streamed: hardcheck.json, tally.txt, hardcheck.md");

      // report --from: the same split, from the saved document.
      const again = await inProcess(
        ["report", "--from", "tally-streamed/hardcheck.json", "--config", configFile, "--format", "markdown,tally", "--out", "tally-again", "--stdout", "none"],
        dir,
      );
      expect(again.code).toBe(0);
      expect(wholeMarkdown).not.toHaveBeenCalled();
      expect(await readFile(join(dir, "tally-again", "tally.txt"), "utf8")).toBe(tally);
      expect(await readFile(join(dir, "tally-again", "hardcheck.md"), "utf8")).toBe(await readFile(join(dir, "tally-streamed", "hardcheck.md"), "utf8"));
      expect(again.stderr).toContain("reports written to tally-again: hardcheck.md, tally.txt");
    } finally {
      run.mockRestore();
      stream.mockRestore();
      wholeMarkdown.mockRestore();
    }
  });

  it("validates, lists and explains", async () => {
    const valid = await inProcess(["validate", config], dir);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain("valid — 1 pack(s), 3 rule(s), 6 target(s), 6 endpoint(s)");
    const list = await inProcess(["list-rules", "--config", config, "--json"], dir);
    expect((JSON.parse(list.stdout) as Array<{ id: string; class: string }>).map((rule) => `${rule.id}:${rule.class}`)).toEqual([
      "TEST-PORT-CLOSED:automated",
      "TEST-PORT-OPEN:automated",
      "TEST-MANUAL:manual",
    ]);
    const explained = await inProcess(["explain", "TLS-CERT-EXPIRY-WARNING"], dir);
    expect(explained.stdout).toContain("warnDays = 30");
    expect(explained.stdout).toContain("tls.leaf ← tls-handshake");
    // The meaning of the fact, from the probe's declaration.
    const { tlsHandshakeProbe } = await import("@hardcheck/probes-network");
    const leaf = tlsHandshakeProbe.meta.facts.find((fact) => fact.name === "tls.leaf");
    expect(explained.stdout).toContain(`tls.leaf ← tls-handshake\n      ${leaf?.description}\n`);
  });

  it("on SIGINT finishes a partial report marked incomplete", async () => {
    // A server that never answers, and says when the scan has reached it (then the scan is probing).
    let reached: () => void = () => {};
    const probing = new Promise<void>((resolve) => (reached = resolve));
    const tarpit = await startScriptedServer(() => reached());
    try {
      const configFile = join(dir, "tarpit.yaml");
      await writeFile(
        configFile,
        `packs: [tls-baseline]\nlimits: { connectTimeoutMs: 30000, probeTimeoutMs: 60000 }\ntargets:\n  - id: slow\n    endpoints: [tls://127.0.0.1:${tarpit.port}]\n`,
      );
      const child = spawn(process.execPath, [bin, "scan", "--config", configFile, "--out", "out-int", "--stdout", "none"], { cwd: dir });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number>((done) => child.on("exit", (code) => done(code ?? -1)));
      await probing;
      const started = Date.now();
      child.kill("SIGINT");
      const code = await exited;
      expect(Date.now() - started).toBeLessThan(5000);
      expect(code).toBe(1);
      expect(stderr).toContain("interrupted");
      const report = parseReport(JSON.parse(await readFile(join(dir, "out-int", "hardcheck.json"), "utf8")), "hardcheck.json");
      expect(report.incomplete).toBe(true);
      expect(report.results.filter((r) => r.status === "error").length).toBeGreaterThan(0);
      expect(report.notices.map((n) => n.code)).toContain("HC_SCAN_INCOMPLETE");
    } finally {
      await tarpit.close();
    }
  });
});
