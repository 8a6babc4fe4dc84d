// Proves the dated suites really run with a moved clock: when scripts/test-all.sh runs them under
// libfaketime it sets HARDCHECK_EXPECT_CLOCK_SHIFT_DAYS, and the process clock must then be that far
// ahead of the kernel's (a new file's modification time); in a normal run the two agree. A client the
// tests pin reads its pinned instant whatever the outer clock.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pinnedClockEnvironment } from "@hardcheck/testkit";
import { expect, it } from "vitest";

const DAY_MS = 86_400_000;

it("the process clock is shifted exactly as the run says", () => {
  const expectedDays = Number(process.env.HARDCHECK_EXPECT_CLOCK_SHIFT_DAYS ?? "0");
  const dir = mkdtempSync(join(tmpdir(), "hc-clock-"));
  try {
    writeFileSync(join(dir, "now"), "");
    const kernelNow = statSync(join(dir, "now")).mtimeMs;
    const shiftDays = (Date.now() - kernelNow) / DAY_MS;
    expect(Math.abs(shiftDays - expectedDays)).toBeLessThan(0.01);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it("a child started with the pinned clock reads the pinned instant, whatever the outer clock", () => {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...pinnedClockEnvironment("2031-03-14 09:00:00") };
  const printed = execFileSync("date", ["-u", "+%Y-%m-%dT%H:%M"], { env, encoding: "utf8" }).trim();
  // The clock runs from the pinned start, so a slow machine may see the next minute.
  expect(["2031-03-14T09:00", "2031-03-14T09:01"]).toContain(printed);
});
