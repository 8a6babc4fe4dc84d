// Property: whenever the process writing reports is killed (SIGKILL, or a second Ctrl-C), every
// report file in --out is either the whole old file or the whole new one — never torn or empty.
import { spawn } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseReport, type ReportTarget, serializeReport, summarize } from "@hardcheck/core";
import { startGarbageServer } from "@hardcheck/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/program.js";

const bin = resolve(import.meta.dirname, "../dist/command/bin.js");
const fixtures = resolve(import.meta.dirname, "fixtures");
const FORMATS = "json,junit,sarif,html,markdown";

const quiet = (cwd: string) => ({ stdout: { write: () => true }, stderr: { write: () => true }, env: { NO_COLOR: "1" }, cwd });

/** Reads every file of `dir` by name. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) files.set(name, await readFile(join(dir, name), "utf8"));
  return files;
}

describe("report files are replaced atomically (property)", () => {
  let dir: string;
  let oldFiles: Map<string, string>;
  let newFiles: Map<string, string>;
  let writeMs = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hardcheck-atomic-"));
    const server = await startGarbageServer("220 ready\r\n");
    try {
      await writeFile(
        join(dir, "hardcheck.yaml"),
        `packs: [${join(fixtures, "hostile-pack.yaml")}]\nplugins: [${join(fixtures, "hostile-plugin.mjs")}]\ntargets:\n  - id: mail\n    endpoints: [tcp://127.0.0.1:${server.port}]\n`,
      );
      expect(await main(["scan", "--config", "hardcheck.yaml", "--out", "seed", "--stdout", "none"], quiet(dir))).toBe(1);
    } finally {
      await server.close();
    }
    // Two large reports (thousands of targets) so that writing them takes long enough to be interrupted.
    const seed = parseReport(JSON.parse(await readFile(join(dir, "seed", "hardcheck.json"), "utf8")), "hardcheck.json");
    const grow = (count: number, tag: string) => {
      const targets = Array.from({ length: count }, (_, i) => ({ ...(seed.targets[0] as ReportTarget), id: `${tag}-${i}` }));
      const results = targets.flatMap((target) => seed.results.map((result) => ({ ...result, target: target.id })));
      return { ...seed, targets, results, summary: summarize(results) };
    };
    await writeFile(join(dir, "old.json"), serializeReport(grow(3000, "old")));
    await writeFile(join(dir, "new.json"), serializeReport(grow(3500, "new")));
    expect(await main(["report", "--from", "old.json", "--format", FORMATS, "--out", "old-out", "--stdout", "none"], quiet(dir))).toBe(0);
    const started = Date.now();
    expect(await main(["report", "--from", "new.json", "--format", FORMATS, "--out", "new-out", "--stdout", "none"], quiet(dir))).toBe(0);
    writeMs = Date.now() - started;
    oldFiles = await snapshot(join(dir, "old-out"));
    newFiles = await snapshot(join(dir, "new-out"));
    expect([...oldFiles.keys()]).toEqual([...newFiles.keys()]);
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("leaves each report file whole-old or whole-new whenever the writer is killed", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 400 + writeMs * 2 }), fc.constantFrom("SIGKILL", "second SIGINT"), async (delay, how) => {
        const out = join(dir, `run-${run++}`);
        await cp(join(dir, "old-out"), out, { recursive: true });
        const child = spawn(process.execPath, [bin, "report", "--from", "new.json", "--format", FORMATS, "--out", out, "--stdout", "none"], { cwd: dir });
        const exited = new Promise((done) => child.on("exit", done));
        await new Promise((wait) => setTimeout(wait, delay));
        if (how === "SIGKILL") child.kill("SIGKILL");
        else {
          child.kill("SIGINT");
          await new Promise((wait) => setTimeout(wait, 5));
          child.kill("SIGINT");
        }
        await exited;
        const seen = await snapshot(out);
        for (const [name, content] of seen) {
          // A temporary file is no report file: readers never open these hidden names. A killed
          // process cannot remove its own, and a second Ctrl-C can land while a write's open is
          // still in flight, after the exit handler removed the names it knew.
          if (name.startsWith(".") && name.endsWith(".tmp")) continue;
          expect(content === oldFiles.get(name) || content === newFiles.get(name), `${name} after ${how} at ${delay} ms is whole`).toBe(true);
        }
        for (const name of oldFiles.keys()) expect(seen.has(name), `${name} still exists`).toBe(true);
        await rm(out, { recursive: true, force: true });
      }),
      { numRuns: 10 },
    );
    // Each run starts a CLI process and writes five large reports: minutes on a loaded CI machine.
  }, 300_000);
});
