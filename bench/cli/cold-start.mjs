#!/usr/bin/env node
// Start-up of the whole CLI process, as a user and CI pay it: median and spread of `hardcheck
// --version`, `--help` and `list-rules` (the last loads every bundled plugin), next to bare `node`.
// Usage: node bench/cli/cold-start.mjs [runs]
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

const bin = resolve(import.meta.dirname, "..", "..", "packages", "cli", "dist", "command", "bin.js");
const runs = Number(process.argv[2] ?? 15);

function time(args) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    execFileSync(process.execPath, args, { stdio: "ignore" });
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], min: samples[0], max: samples.at(-1) };
}

const cases = [
  ["node -e 0", ["-e", "0"]],
  ["hardcheck --version", [bin, "--version"]],
  ["hardcheck --help", [bin, "--help"]],
  ["hardcheck list-rules", [bin, "list-rules"]],
];
console.log(`${runs} runs each (wall time of the whole process)`);
for (const [label, args] of cases) {
  const { median, min, max } = time(args);
  console.log(`${label.padEnd(22)} median ${(median / 1000).toFixed(3)} s  (min ${(min / 1000).toFixed(3)}, max ${(max / 1000).toFixed(3)})`);
}
