import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parseReport, resultsWithRules } from "@hardcheck/core";
import { type ScriptedServer, startScriptedServer } from "@hardcheck/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const exampleDir = resolve(import.meta.dirname, "..");
const bin = resolve(exampleDir, "../../packages/cli/dist/command/bin.js");

/** A loopback service that greets with one line and hangs up. */
const greeter = (greeting: string) => startScriptedServer([{ send: `${greeting}\r\n` }]);

describe("a one-file probe plugin with its own rule, through the CLI", () => {
  let verbose: ScriptedServer;
  let quiet: ScriptedServer;
  let workDir: string;

  beforeAll(async () => {
    verbose = await greeter("220 mail.example ESMTP Postfix 3.7.11");
    quiet = await greeter("220 mail.example ESMTP");
    workDir = await mkdtemp(join(tmpdir(), "hardcheck-custom-probe-"));
  });
  afterAll(async () => {
    await verbose.close();
    await quiet.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("decides the site rule from the site probe's fact", async () => {
    const config = join(workDir, "hardcheck.yaml");
    await writeFile(
      config,
      [
        `packs: [${join(exampleDir, "banner-rules.yaml")}]`,
        `plugins: [${join(exampleDir, "banner-probe.mjs")}]`,
        "targets:",
        "  - id: verbose",
        `    endpoints: [tcp://127.0.0.1:${verbose.port}]`,
        "  - id: quiet",
        `    endpoints: [tcp://127.0.0.1:${quiet.port}]`,
      ].join("\n"),
    );
    const outDir = join(workDir, "out");
    const failure = await run(process.execPath, [bin, "scan", "--config", config, "--out", outDir, "--stdout", "none"]).catch(
      (error: { code: number }) => error,
    );
    expect((failure as { code?: number }).code).toBe(1);
    const report = parseReport(JSON.parse(await readFile(join(outDir, "hardcheck.json"), "utf8")), "hardcheck.json");
    const byTarget = Object.fromEntries(resultsWithRules(report).map((result) => [result.target, result]));
    expect(byTarget.verbose?.status).toBe("fail");
    expect(byTarget.verbose?.evidence["banner.greeting"]).toBe("220 mail.example ESMTP Postfix 3.7.11");
    expect(byTarget.quiet?.status).toBe("pass");
  });

  it("validates the example config as shipped", async () => {
    const { stdout } = await run(process.execPath, [bin, "validate", join(exampleDir, "hardcheck.example.yaml")]);
    expect(stdout).toContain("valid — 1 pack(s), 1 rule(s), 1 target(s)");
  });
});
