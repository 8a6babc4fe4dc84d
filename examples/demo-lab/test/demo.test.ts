import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { ReportDocument } from "@hardcheck/core";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const demo = resolve(import.meta.dirname, "../demo.mjs");

describe("the demo lab (README command 1)", () => {
  let outDir: string | undefined;
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it("scans the lab, writes the reports and reaches the known verdicts", async () => {
    outDir = await mkdtemp(join(tmpdir(), "hardcheck-demo-"));
    const { stdout } = await run(process.execPath, [demo, "--out", outDir], { env: { ...process.env, NO_COLOR: "1" } });
    expect(stdout).toMatch(/demo: (\d+)\/\1 verdicts match the lab's known configuration/);
    expect(stdout).toContain("web-expired");
    const report = JSON.parse(await readFile(join(outDir, "hardcheck.json"), "utf8")) as ReportDocument;
    expect(report.targets.map((target) => target.id)).toEqual(["appliance-default", "decommissioned", "web-expired", "web-good"]);
    expect(report.summary.fail).toBeGreaterThan(0);
    expect(report.summary.error).toBeGreaterThan(0);
    expect(report.incomplete).toBe(false);
  });
});
