// Property: whatever the secret, redaction never changes a status, id or severity, and the secret
// survives in no report format. A loopback server sends a banner that may quote the secret; the
// test plugin echoes it in a fact, as a careless server or probe would.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseReport, type ReportDocument, resultsWithRules } from "@hardcheck/core";
import { escapeHtml, escapeMarkdown, escapeXml } from "@hardcheck/reporters";
import { type LoopbackServer, startScriptedServer } from "@hardcheck/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/program.js";

const fixtures = resolve(import.meta.dirname, "fixtures");
const FILES = ["hardcheck.json", "hardcheck.junit.xml", "hardcheck.sarif", "hardcheck.html", "hardcheck.md"];

describe("redaction (property)", () => {
  let dir: string;
  let server: LoopbackServer;
  let banner = "hello";

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hardcheck-redaction-"));
    server = await startScriptedServer((socket) => socket.end(`${banner}\n`));
    await writeFile(
      join(dir, "hardcheck.yaml"),
      `packs: [${join(fixtures, "hostile-pack.yaml")}]\nplugins: [${join(fixtures, "hostile-plugin.mjs")}]\ntargets:\n  - id: mail\n    endpoints: [tcp://127.0.0.1:${server.port}]\n    credentials: { hostile.password: env:HC_TEST_HOSTILE_SECRET }\n`,
    );
  });
  afterAll(async () => {
    delete process.env.HC_TEST_HOSTILE_SECRET;
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function scanWith(secret: string, greeting: string): Promise<{ report: ReportDocument; outputs: Record<string, string> }> {
    process.env.HC_TEST_HOSTILE_SECRET = secret;
    banner = greeting;
    let stdout = "";
    const code = await main(["scan", "--config", "hardcheck.yaml", "--out", "out", "--format", "json,console,junit,sarif,html,markdown"], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => true },
      env: { NO_COLOR: "1" },
      cwd: dir,
    });
    expect(code).toBe(1);
    const outputs: Record<string, string> = { console: stdout };
    for (const file of FILES) outputs[file] = await readFile(join(dir, "out", file), "utf8");
    return { report: parseReport(JSON.parse(outputs["hardcheck.json"] as string), "hardcheck.json"), outputs };
  }

  it("never changes an enum field and leaves the secret in no format", async () => {
    const baseline = await scanWith("an-unrelated-secret", "hello");
    const everything = Object.values(baseline.outputs).join("\n");
    const printable = fc.stringMatching(/^[\x20-\x7e]{8,24}$/);
    const lookalike = fc.constantFrom("failfail", "passpass", "HOSTILE-ECHO", "tcp://127.0.0.1", "not-applicable", "[redacted]x");
    await fc.assert(
      fc.asyncProperty(fc.oneof(printable, lookalike), fc.boolean(), async (secret, greets) => {
        // A secret that is part of the report's own vocabulary cannot be told apart from it.
        fc.pre(!everything.includes(secret) && !secret.includes("[redacted]") && secret.trim() === secret);
        const { report, outputs } = await scanWith(secret, greets ? "hello" : `hi ${secret} <b>`);
        const enums = (document: ReportDocument) =>
          resultsWithRules(document).map((result) => [result.ruleId, result.pack, result.target, result.endpoint, result.severity, result.status]);
        expect(enums(report)).toEqual([
          ["HOSTILE-BANNER", "test-hostile", "mail", `tcp://127.0.0.1:${server.port}`, "high", greets ? "pass" : "fail"],
          ["HOSTILE-ECHO", "test-hostile", "mail", `tcp://127.0.0.1:${server.port}`, "high", "fail"],
          ["HOSTILE-STEADY", "test-hostile", "mail", `tcp://127.0.0.1:${server.port}`, "high", "pass"],
        ]);
        const forms = [secret, JSON.stringify(secret).slice(1, -1), escapeHtml(secret), escapeXml(secret), escapeMarkdown(secret)];
        for (const [format, text] of Object.entries(outputs)) for (const form of forms) expect(text.includes(form), `${format} holds ${form}`).toBe(false);
      }),
      { numRuns: 30 },
    );
  });
});
