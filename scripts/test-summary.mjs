#!/usr/bin/env node
// Prints the closing "N passed, N failed" line from vitest's JSON results; exits 1 on any failure.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? "out/test-results.json";
let results;
try {
  results = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`no readable test results at ${file}: ${error.message}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const passed = results.numPassedTests ?? 0;
// Suites that failed to load count as failures: their tests never ran.
const failedSuites = (results.testResults ?? []).filter((suite) => suite.status === "failed" && (suite.assertionResults ?? []).length === 0).length;
const failed = (results.numFailedTests ?? 0) + failedSuites;
const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
for (const suite of results.testResults ?? []) {
  for (const test of suite.assertionResults ?? []) {
    if (test.status === "failed") console.log(`FAILED ${suite.name.replace(`${process.cwd()}/`, "")} › ${test.fullName}`);
  }
  if (suite.status === "failed" && (suite.assertionResults ?? []).length === 0)
    console.log(`FAILED ${suite.name} (suite did not load: ${suite.message?.split("\n")[0] ?? ""})`);
}
const ran = passed + failed;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || ran === 0 ? 1 : 0);
