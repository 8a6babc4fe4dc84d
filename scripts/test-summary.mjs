#!/usr/bin/env node
// Prints the closing "N passed, N failed" line from one or more vitest JSON result files (the normal
// run, and the dated suites run again with the clock moved ahead); exits 1 on any failure.
// Usage: test-summary.mjs [label=]file ...
import { readFileSync } from "node:fs";

const runs = (process.argv.length > 2 ? process.argv.slice(2) : ["out/test-results.json"]).map((arg) => {
  const at = arg.indexOf("=");
  return at > 0 ? { label: arg.slice(0, at), file: arg.slice(at + 1) } : { label: "", file: arg };
});

/**
 * The first lines of a failure message, made printable and short: the closing lines are often all
 * of a run's output that is kept, so each failure says why on its own line.
 */
function why(message) {
  if (typeof message !== "string" || message.length === 0) return "";
  const text = message
    // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes and control characters are removed on purpose
    .replace(/\u001b\[[0-9;]*m/g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith("at "))
    .slice(0, 4)
    .join(" | ")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: see above
    .replace(/[\u0000-\u001f\u007f]/g, "?");
  return ` — ${text.length > 600 ? `${text.slice(0, 600)}…` : text}`;
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const { label, file } of runs) {
  const tag = label ? `[${label}] ` : "";
  let results;
  try {
    results = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    console.log(`FAILED ${tag}no readable test results at ${file}: ${error.message}`);
    failed++;
    continue;
  }
  passed += results.numPassedTests ?? 0;
  failed += results.numFailedTests ?? 0;
  skipped += (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  for (const suite of results.testResults ?? []) {
    const tests = suite.assertionResults ?? [];
    for (const test of tests) {
      if (test.status === "failed")
        console.log(`FAILED ${tag}${suite.name.replace(`${process.cwd()}/`, "")} › ${test.fullName}${why(test.failureMessages?.[0])}`);
    }
    // A suite that failed outside its tests (it did not load, or a beforeAll threw) failed as a
    // whole: the tests it skipped never ran, so they count as failed, never as skipped.
    if (suite.status === "failed" && !tests.some((test) => test.status === "failed")) {
      const lost = tests.filter((test) => test.status !== "passed").length;
      failed += Math.max(lost, 1);
      skipped -= lost;
      console.log(`FAILED ${tag}${suite.name.replace(`${process.cwd()}/`, "")} (suite failed: ${suite.message?.split("\n")[0] ?? ""})`);
    }
  }
  if (results.success === false && failed === 0) {
    console.log(`FAILED ${tag}the run reports failure without a failed test (${file})`);
    failed++;
  }
}
const ran = passed + failed;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || ran === 0 ? 1 : 0);
