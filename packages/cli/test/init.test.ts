// hardcheck init → validate → scan: the starter config is valid as written and scans a lab server.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fixedClock, parseReport } from "@hardcheck/core";
import { createTestPki, type LoopbackServer, startTlsServer } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
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

describe("hardcheck init", () => {
  const dir = mkdtempSync(join(tmpdir(), "hc-init-"));
  let web: LoopbackServer;
  beforeAll(async () => {
    // The demo lab's good web server: a lab-CA certificate for 127.0.0.1.
    const pki = createTestPki({ caCommonName: "hardcheck demo lab CA" });
    const day = 86_400_000;
    const at = Date.parse(SCAN_AT);
    web = await startTlsServer(
      pki.issueLeaf({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"], notBefore: new Date(at - day), notAfter: new Date(at + 200 * day) }),
    );
  });
  afterAll(async () => {
    await web.close();
  });

  it("writes a commented config for the vendor pack: role tags, usual ports, one comment each", async () => {
    const args = ["init", "--host", "127.0.0.1", "--host", "ssh://admin@mlc.example", "--pack", "tls-baseline", "--pack", "openscape-concierge-v5r0"];
    const { code } = await run([...args, "-o", "concierge.yaml", "--endpoint", `tls://127.0.0.1:${web.port}`], dir);
    expect(code).toBe(0);
    const text = readFileSync(join(dir, "concierge.yaml"), "utf8");
    const document = parseDocument(text);
    expect(document.errors).toEqual([]);
    const config = document.toJS() as { packs: string[]; targets: Array<{ id: string; host?: string; tags: string[]; endpoints: unknown[] }> };
    expect(config.packs).toEqual(["tls-baseline", "openscape-concierge-v5r0"]);
    expect(config.targets.map((target) => [target.id, target.host, target.tags])).toEqual([
      ["127.0.0.1", undefined, ["concierge"]],
      ["mlc.example", "ssh://admin@mlc.example", ["concierge"]],
    ]);
    expect(config.targets[0]?.endpoints).toContainEqual({ url: "https://127.0.0.1:443", tags: ["concierge", "reporter"] });
    for (const line of text.split("\n").filter((l) => /^ {6}#? ?- /.test(l))) expect(line).toMatch(/ {3}# \S/);
    expect((await run(["init", ...args, "-o", "concierge.yaml"], dir)).code).toBe(2);
  });

  it("init → validate → scan of the lab's web server", async () => {
    const init = await run(["init", "--host", "127.0.0.1", "--endpoint", `tls://127.0.0.1:${web.port}`, "-o", "lab.yaml"], dir);
    expect(init.code).toBe(0);
    const validate = await run(["validate", "lab.yaml"], dir);
    expect(validate.stderr).toBe("");
    expect(validate.code).toBe(0);
    const scan = await run(["scan", "-c", "lab.yaml", "-o", "out", "--stdout", "none"], dir);
    expect(scan.code).toBeLessThan(2);
    const report = parseReport(JSON.parse(readFileSync(join(dir, "out", "hardcheck.json"), "utf8")), "hardcheck.json");
    expect(report.incomplete).toBe(false);
    const onLab = report.results.filter((result) => result.endpoint === `tls://127.0.0.1:${web.port}`);
    expect(onLab.some((result) => result.ruleId === "TLS-PROTOCOL-VERSIONS" && result.status === "pass")).toBe(true);
  });

  it("every vendor starter passes validate", async () => {
    for (const pack of ["openscape-concierge-v5r0", "openscape-xpert"]) {
      const file = `${pack}.yaml`;
      expect((await run(["init", "--host", "srv.example", "--pack", pack, "-o", file], dir)).code).toBe(0);
      const { code, stdout } = await run(["validate", file], dir);
      expect(`${pack}: ${code}`).toBe(`${pack}: 0`);
      expect(stdout).toContain("valid");
    }
  });

  it("on a terminal asks for the hosts", async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    stdin.end("web-1.example web-2.example\n");
    let stdout = "";
    const code = await main(["init", "-o", "asked.yaml"], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => true },
      env: {},
      cwd: dir,
      stdin,
    });
    expect(code).toBe(0);
    expect(stdout).toContain("Hosts to check");
    const config = parseDocument(readFileSync(join(dir, "asked.yaml"), "utf8")).toJS() as { targets: Array<{ id: string }> };
    expect(config.targets.map((target) => target.id)).toEqual(["web-1.example", "web-2.example"]);
  });

  it("without --host and without a terminal says what to give", async () => {
    const { code, stderr } = await run(["init", "-o", "none.yaml"], dir);
    expect(code).toBe(2);
    expect(stderr).toContain("--host");
  });
});
