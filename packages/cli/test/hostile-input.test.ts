// Hostile input that the network tests do not cover: secrets that look like statuses, plugins that
// exit, throw late or return what JSON cannot hold, signals, and reports torn while being written.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseReport, type ReportDocument, resultsWithRules, serializeReport } from "@hardcheck/core";
import { createTestPki, type LoopbackServer, startGarbageServer, startScriptedServer, startTlsServer } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/program.js";

const bin = resolve(import.meta.dirname, "../dist/command/bin.js");
const fixtures = resolve(import.meta.dirname, "fixtures");
const ALL_FORMATS = "json,console,junit,sarif,html,markdown";

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

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI as its own process; `signals` are sent after the given delays (ms). */
function spawnCli(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  signals: Array<[number, NodeJS.Signals]> = [],
  withChild?: (child: ChildProcess) => Promise<void>,
): Promise<Run> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", ...env } });
  void withChild?.(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timers = signals.map(([delay, signal]) => setTimeout(() => child.kill(signal), delay));
  return new Promise((done) =>
    child.on("exit", (code, signal) => {
      for (const timer of timers) clearTimeout(timer);
      done({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    }),
  );
}

const readJson = async (file: string) => parseReport(JSON.parse(await readFile(file, "utf8")), "hardcheck.json");
const statusOf = (report: ReportDocument, rule: string) => report.results.find((result) => result.ruleId === rule)?.status;

describe("hostile input", () => {
  let dir: string;
  let banner: LoopbackServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hardcheck-hostile-"));
    banner = await startGarbageServer("220 mail ready\r\n");
  });
  afterAll(async () => {
    await banner.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes a config scanning the banner server with the hostile plugin; returns its file name. */
  async function hostileConfig(name: string, extra = ""): Promise<string> {
    await writeFile(
      join(dir, `${name}.yaml`),
      `packs: [${join(fixtures, "hostile-pack.yaml")}]\nplugins: [${join(fixtures, "hostile-plugin.mjs")}]\nlimits: { probeTimeoutMs: 5000 }\ntargets:\n  - id: mail\n    endpoints: [tcp://127.0.0.1:${banner.port}]\n${extra}`,
    );
    return `${name}.yaml`;
  }

  it("redacts a secret that equals a status from free text only, and warns that it is short", async () => {
    await writeFile(join(dir, "password.txt"), "fail\n");
    const config = await hostileConfig("secret", "    credentials: { hostile.password: file:password.txt }\n");
    const run = await inProcess(["scan", "--config", config, "--out", "out-secret", "--format", ALL_FORMATS], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/warning: the secret file:password\.txt is shorter than 8 characters/);
    const report = await readJson(join(dir, "out-secret", "hardcheck.json"));
    expect(report.results.map((result) => `${result.ruleId}:${result.status}`).sort()).toEqual([
      "HOSTILE-BANNER:fail",
      "HOSTILE-ECHO:fail",
      "HOSTILE-STEADY:pass",
    ]);
    expect(report.summary.fail).toBe(2);
    const echo = resultsWithRules(report).find((result) => result.ruleId === "HOSTILE-ECHO");
    expect(echo?.evidence["hostile.echo"]).toBe("login [redacted] refused");
    expect(report.notices.map((notice) => notice.code)).toContain("HC_SECRET_SHORT");
    const junit = await readFile(join(dir, "out-secret", "hardcheck.junit.xml"), "utf8");
    expect(junit).toMatch(/failures="2"/);
    const sarif = JSON.parse(await readFile(join(dir, "out-secret", "hardcheck.sarif"), "utf8")) as { runs: Array<{ results: unknown[] }> };
    expect(sarif.runs[0]?.results.length).toBe(2);
    expect(run.stdout).toContain("HOSTILE-ECHO");
  });

  it.each([
    ["exit-now", /process\.exit\(0\) called by a plugin/],
    ["exit-later", /process\.exit\(0\) called by a plugin/],
    ["throw-later", /late failure in a timer/],
    ["reject-later", /a promise nobody awaited/],
    ["circular", /returned fact "hostile\.banner" that is not JSON: .*circular/i],
    ["bigint", /returned fact "hostile\.banner" that is not JSON: .*BigInt/],
  ])("a plugin that misbehaves (%s) errors its own checks; the scan goes on and writes its report", async (mode, reason) => {
    const config = await hostileConfig(`plugin-${mode}`);
    const run = await spawnCli(["scan", "--config", config, "--out", `out-${mode}`, "--format", ALL_FORMATS], dir, { HOSTILE_MODE: mode });
    expect(run.code, run.stderr).toBe(1);
    const report = await readJson(join(dir, `out-${mode}`, "hardcheck.json"));
    expect(statusOf(report, "HOSTILE-STEADY")).toBe("pass");
    for (const rule of ["HOSTILE-BANNER", "HOSTILE-ECHO"]) {
      const result = report.results.find((entry) => entry.ruleId === rule);
      expect(result?.status).toBe("error");
      expect(result?.message).toMatch(reason);
    }
    expect(run.stdout).toContain("2 error · 1 pass");
  });

  it("on SIGTERM finishes a partial report marked incomplete, like SIGINT", async () => {
    // A server that never answers, and says when the scan has reached it (then the scan is probing).
    let reached: () => void = () => {};
    const probing = new Promise<void>((resolve) => (reached = resolve));
    const tarpit = await startScriptedServer(() => reached());
    try {
      await writeFile(
        join(dir, "tarpit.yaml"),
        `packs: [tls-baseline]\nlimits: { connectTimeoutMs: 30000, probeTimeoutMs: 60000 }\ntargets:\n  - id: slow\n    endpoints: [tls://127.0.0.1:${tarpit.port}]\n`,
      );
      const started = Date.now();
      const pending = spawnCli(["scan", "--config", "tarpit.yaml", "--out", "out-term", "--stdout", "none"], dir, {}, [], async (child) => {
        await probing;
        child.kill("SIGTERM");
      });
      const run = await pending;
      expect(Date.now() - started).toBeLessThan(6000);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("terminated (SIGTERM)");
      const report = await readJson(join(dir, "out-term", "hardcheck.json"));
      expect(report.incomplete).toBe(true);
      expect(report.notices.map((notice) => notice.code)).toContain("HC_SCAN_INCOMPLETE");
      expect((await readdir(join(dir, "out-term"))).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    } finally {
      await tarpit.close();
    }
  });

  it("diff counts a failure that became an error as not verified (exit 1); report --from refuses a summary that disagrees", async () => {
    const server = await startGarbageServer("220 mail ready\r\n");
    await writeFile(
      join(dir, "dark.yaml"),
      `packs: [${join(fixtures, "hostile-pack.yaml")}]\nplugins: [${join(fixtures, "hostile-plugin.mjs")}]\nlimits: { probeTimeoutMs: 3000 }\ntargets:\n  - id: mail\n    endpoints: [tcp://127.0.0.1:${server.port}]\n`,
    );
    expect((await inProcess(["scan", "--config", "dark.yaml", "--out", "out-lit", "--stdout", "none"], dir)).code).toBe(1);
    await server.close();
    expect((await inProcess(["scan", "--config", "dark.yaml", "--out", "out-dark", "--stdout", "none"], dir)).code).toBe(1);
    const before = await readJson(join(dir, "out-lit", "hardcheck.json"));
    const after = await readJson(join(dir, "out-dark", "hardcheck.json"));
    expect(statusOf(before, "HOSTILE-BANNER")).toBe("fail");
    expect(statusOf(after, "HOSTILE-BANNER")).toBe("error");
    const diff = await inProcess(["diff", "out-lit/hardcheck.json", "out-dark/hardcheck.json"], dir);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/^0 new failure\(s\), 0 fixed, 2 no longer verified/);
    expect(diff.stdout).toMatch(/HOSTILE-BANNER mail tcp:\/\/127\.0\.0\.1:\d+ fail → error/);

    await writeFile(join(dir, "edited.json"), serializeReport({ ...after, summary: { ...after.summary, error: 0, pass: 3 } }));
    const rendered = await inProcess(["report", "--from", "edited.json", "--format", "junit", "--out", "out-edited"], dir);
    expect(rendered.code).toBe(2);
    expect(rendered.stderr).toMatch(
      /HC_REPORT_INVALID: edited\.json summary: the summary disagrees with the results \(pass: stored 3, results have 1; error: stored 0, results have 2\)/,
    );
  });

  it("escapes what a server sends before it reaches a terminal or a document", async () => {
    const attack = "\u001b]0;owned\u0007\u001b[2J\u001b[32m 0 failed \u202e";
    const server = await startGarbageServer(`${attack}\r\n`);
    try {
      await writeFile(
        join(dir, "escape.yaml"),
        `packs: [${join(fixtures, "hostile-pack.yaml")}, tls-baseline]\nplugins: [${join(fixtures, "hostile-plugin.mjs")}]\nlimits: { probeTimeoutMs: 3000 }\ntargets:\n  - id: mail\n    endpoints: [tcp://127.0.0.1:${server.port}, smtp://127.0.0.1:${server.port}]\n`,
      );
      const run = await inProcess(["scan", "--config", "escape.yaml", "--out", "out-escape", "--format", "json,console,markdown", "--verbose"], dir);
      expect(run.code).toBe(1);
      const markdown = await readFile(join(dir, "out-escape", "hardcheck.md"), "utf8");
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
      const unprintable = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;
      expect(run.stdout).not.toMatch(unprintable);
      expect(markdown).not.toMatch(unprintable);
      expect(run.stdout).toContain("\\x1b]0;owned\\x07");
      // The STARTTLS negotiator quotes the line escaped in the report itself.
      const report = await readJson(join(dir, "out-escape", "hardcheck.json"));
      const smtp = report.results.find((result) => result.endpoint?.startsWith("smtp://") && result.status === "error");
      expect(smtp?.message).toContain('greeting: "\\x1b]0;owned\\x07\\x1b[2J');
    } finally {
      await server.close();
    }
  });

  it("escapes config keys echoed in errors", async () => {
    await writeFile(join(dir, "bad-key.yaml"), 'packs: [tls-baseline]\n"\\e[2Jevil": 1\ntargets:\n  - id: a\n    endpoints: [tls://127.0.0.1:1]\n');
    const run = await inProcess(["validate", "bad-key.yaml"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain("\u001b");
    expect(run.stderr).toContain("\\x1b[2Jevil");
  });

  it("matches a tailored pattern against a subject the server chose in linear time (no catastrophic backtracking)", async () => {
    const pki = createTestPki();
    // With a backtracking engine, (\w+\s?)*$ on 40 letters and a "!" takes about 2^40 steps.
    const server = await startTlsServer(pki.issueLeaf({ commonName: `${"a".repeat(40)}!`, altNames: ["localhost"] }));
    try {
      await writeFile(join(dir, "ca.pem"), pki.caPem);
      await writeFile(
        join(dir, "regex.yaml"),
        `packs: [tls-baseline]\ntrust: { caFile: ca.pem, systemRoots: false }\ntailoring:\n  TLS-CERT-FACTORY-DEFAULT: { defaultSubjectPattern: "CN=(\\\\w+\\\\s?)*$" }\nlimits: { probeTimeoutMs: 5000, scanTimeoutMs: 10000 }\ntargets:\n  - id: crafted\n    endpoints: [tls://127.0.0.1:${server.port}]\n`,
      );
      const started = Date.now();
      const run = await spawnCli(
        ["scan", "--config", "regex.yaml", "--out", "out-regex", "--stdout", "none", "--rule", "TLS-CERT-FACTORY-DEFAULT", "--rule", "TLS-CERT-VALIDITY"],
        dir,
        {},
        [[20_000, "SIGKILL"]],
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(run.code, run.stderr).toBe(0);
      const report = await readJson(join(dir, "out-regex", "hardcheck.json"));
      expect(statusOf(report, "TLS-CERT-FACTORY-DEFAULT")).toBe("pass");
      expect(statusOf(report, "TLS-CERT-VALIDITY")).toBe("pass");
      expect(resultsWithRules(report).find((result) => result.ruleId === "TLS-CERT-FACTORY-DEFAULT")?.evidence["tls.chainValidation"]).toMatchObject({
        leafSubject: expect.stringContaining(`${"a".repeat(40)}!`),
      });
    } finally {
      await server.close();
    }
  }, 30_000);

  it("refuses a pattern RE2 cannot run in linear time, naming the rule", async () => {
    await writeFile(
      join(dir, "backref.yaml"),
      `packs: [tls-baseline]\ntailoring:\n  TLS-CERT-FACTORY-DEFAULT: { defaultSubjectPattern: "(a+)\\\\1" }\ntargets:\n  - id: a\n    endpoints: [tls://127.0.0.1:1]\n`,
    );
    const run = await inProcess(["validate", "backref.yaml"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/TLS-CERT-FACTORY-DEFAULT[\s\S]*invalid regular expression for RE2/);
  });

  it.each([
    "tls://admin:Hunter2Secret@127.0.0.1:443",
    "smtp://admin:Hunter2Secret@mail.example",
    "https://:Hunter2Secret@web.example",
    "foo://admin:Hunter2Secret@web.example",
    "smtp//admin:Hunter2Secret@mail.example",
    "ldap://admin:Hunter2Secret@[::1",
    "tls://admin:Hunter2/Sec#ret@host.example",
    "ssh://admin:Hunter2Secret@host.example",
  ])("never echoes the password of an endpoint URL it rejects: %s", async (url) => {
    await writeFile(join(dir, "userinfo.yaml"), `packs: [tls-baseline]\ntargets:\n  - id: a\n    endpoints: ["${url}"]\n`);
    const run = await inProcess(["validate", "userinfo.yaml"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/HC_CONFIG_INVALID: userinfo\.yaml:4:17 targets\[0\]\.endpoints\[0\]:/);
    expect(run.stderr).not.toMatch(/Hunter2|Sec#ret/);
  });

  it.each([
    ["a literal secret", "credentials: { smtp.password: Hunter2Secret }"],
    ["a literal in place of the mapping", "credentials: Hunter2Secret"],
    ["a number", "credentials: { smtp.password: 12345678901 }"],
  ])("never echoes %s given where a credential reference belongs", async (_label, line) => {
    await writeFile(join(dir, "literal.yaml"), `packs: [tls-baseline]\ntargets:\n  - id: a\n    endpoints: ["tls://h.example"]\n    ${line}\n`);
    const run = await inProcess(["validate", "literal.yaml"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/literal\.yaml:5:\d+ targets\[0\]\.credentials/);
    expect(run.stderr).not.toMatch(/Hunter2Secret|12345678901/);
  });

  it.each([
    ["packs", (file: string) => `packs: [${file}]`],
    ["attestations", (file: string) => `packs: [tls-baseline]\nattestations: ${file}`],
    ["waivers", (file: string) => `packs: [tls-baseline]\nwaivers: ${file}`],
  ])("names a %s file that is not one without quoting its lines", async (kind, head) => {
    const shadow = join(dir, "shadow");
    await writeFile(shadow, "root:$6$SALTSALT$HASHHASHHASH:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n");
    await writeFile(join(dir, `foreign-${kind}.yaml`), `${head(shadow)}\ntargets:\n  - id: a\n    endpoints: ["tls://h.example"]\n`);
    const run = await inProcess(["validate", `foreign-${kind}.yaml`], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(shadow);
    expect(run.stderr).not.toMatch(/SALT|HASH|daemon/);
  });

  it("validate names a secret reference that does not resolve", async () => {
    await writeFile(
      join(dir, "unset.yaml"),
      `packs: [tls-baseline]\ntargets:\n  - id: a\n    endpoints: ["smtp://mail.example"]\n    credentials: { smtp.username: env:HC_TEST_SURELY_UNSET_USER, smtp.password: file:no-such-password.txt }\n`,
    );
    const run = await inProcess(["validate", "unset.yaml"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /unset\.yaml:5:\d+ targets\[0\]\.credentials\["smtp\.username"\]: secret reference env:HC_TEST_SURELY_UNSET_USER: environment variable HC_TEST_SURELY_UNSET_USER is not set/,
    );
    expect(run.stderr).toMatch(/unset\.yaml:5:\d+ targets\[0\]\.credentials\["smtp\.password"\]: secret reference file:no-such-password\.txt: cannot read/);
  });

  it("refuses a config larger than the input limit before parsing it", async () => {
    const filler = `# ${"x".repeat(1000)}\n`.repeat(5 * 1024);
    await writeFile(join(dir, "huge.yaml"), `packs: [tls-baseline]\n${filler}targets:\n  - id: a\n    endpoints: ["tls://h.example"]\n`);
    const started = Date.now();
    const run = await inProcess(["validate", "huge.yaml"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/HC_CONFIG_INVALID: huge\.yaml: is larger than 4 MiB, the limit for config, pack, waiver and attestation files/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("Ctrl-C ends a scan whose plugin never finishes loading", async () => {
    await writeFile(
      join(dir, "looping.yaml"),
      `packs: [tls-baseline]\nplugins: [${join(fixtures, "looping-plugin.mjs")}]\ntargets:\n  - id: a\n    endpoints: [tls://127.0.0.1:1]\n`,
    );
    const started = Date.now();
    const run = await spawnCli(["scan", "--config", "looping.yaml", "--out", "out-loop"], dir, {}, [
      [1500, "SIGINT"],
      [15_000, "SIGKILL"],
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(run.code).toBe(128);
  }, 30_000);
});
