#!/usr/bin/env node
// Prints the closing "N passed, N failed" line from one or more vitest JSON result files (the normal
// run, and the dated suites run again with the clock moved ahead); exits 1 on any failure.
// Usage: test-summary.mjs [label=]file ...
import { readFileSync } from "node:fs";

const runs = (process.argv.length > 2 ? process.argv.slice(2) : ["out/test-results.json"]).map((arg) => {
  const at = arg.indexOf("=");
  return at > 0 ? { label: arg.slice(0, at), file: arg.slice(at + 1) } : { label: "", file: arg };
});

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
      if (test.status === "failed") console.log(`FAILED ${tag}${suite.name.replace(`${process.cwd()}/`, "")} › ${test.fullName}`);
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
