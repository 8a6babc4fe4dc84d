// The closing "N passed, N failed" line CI reads: a suite that fails outside its tests (a beforeAll
// that throws, a file that does not load) must never read as "0 failed".
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const script = resolve(import.meta.dirname, "../scripts/test-summary.mjs");
const dir = mkdtempSync(join(tmpdir(), "hardcheck-test-summary-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function summarize(results: object): { stdout: string; code: number } {
  const file = join(dir, `results-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(results));
  try {
    return { stdout: execFileSync(process.execPath, [script, `today=${file}`], { encoding: "utf8" }), code: 0 };
  } catch (error) {
    const failure = error as { stdout: string; status: number };
    return { stdout: failure.stdout, code: failure.status };
  }
}

const passing = { name: "/x/a.test.ts", status: "passed", assertionResults: [{ status: "passed", fullName: "a works" }] };

describe("test-summary", () => {
  it("says all passed only when every suite passed", () => {
    const { stdout, code } = summarize({ success: true, numPassedTests: 1, numFailedTests: 0, numPendingTests: 0, testResults: [passing] });
    expect(stdout.trim()).toBe("1 passed, 0 failed");
    expect(code).toBe(0);
  });

  it("counts the tests of a suite whose beforeAll threw as failed, not skipped", () => {
    const broken = {
      name: "/x/b.test.ts",
      status: "failed",
      message: "listen EADDRINUSE: address already in use 127.0.0.1:36171",
      assertionResults: [
        { status: "skipped", fullName: "b one" },
        { status: "skipped", fullName: "b two" },
      ],
    };
    const { stdout, code } = summarize({ success: false, numPassedTests: 1, numFailedTests: 0, numPendingTests: 2, testResults: [passing, broken] });
    expect(stdout).toContain("FAILED [today] /x/b.test.ts (suite failed: listen EADDRINUSE");
    expect(stdout.trim().split("\n").at(-1)).toBe("1 passed, 2 failed");
    expect(code).toBe(1);
  });

  it("counts a suite that did not load as one failure", () => {
    const unloadable = { name: "/x/c.test.ts", status: "failed", message: "SyntaxError: nope", assertionResults: [] };
    const { stdout, code } = summarize({ success: false, numPassedTests: 1, numFailedTests: 0, numPendingTests: 0, testResults: [passing, unloadable] });
    expect(stdout.trim().split("\n").at(-1)).toBe("1 passed, 1 failed");
    expect(code).toBe(1);
  });

  it("never says 0 failed when the run itself reports failure", () => {
    const { stdout, code } = summarize({ success: false, numPassedTests: 1, numFailedTests: 0, numPendingTests: 0, testResults: [passing] });
    expect(stdout.trim().split("\n").at(-1)).toBe("1 passed, 1 failed");
    expect(code).toBe(1);
  });
});
