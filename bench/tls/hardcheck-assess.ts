// One full hardcheck TLS assessment of one endpoint, as a user runs it: a scan with the tls-baseline
// pack (handshake, every version and suite, chain, OCSP). Prints the rule verdicts and the in-process
// assessment time as JSON.
// Usage (after bundling by run.sh): node .build/hardcheck/hardcheck-assess.mjs tls://127.0.0.1:4433 root.pem
import { fileURLToPath } from "node:url";
import { configFromObject, Hardcheck } from "@hardcheck/core";
import { register } from "../../packages/probes-network/src/index.js";

// Milliseconds since the process started (performance's time origin) when the bundle has been loaded
// and evaluated: Node's start-up plus compiling and running every module the scan imports.
const loadedMs = performance.now();

const [endpoint, caFile] = process.argv.slice(2);
if (!endpoint || !caFile) {
  console.error("usage: hardcheck-assess.mjs <endpoint-url> <ca-file>");
  process.exit(2);
}
// Resolved from the bundle in bench/tls/.build/hardcheck/, where run.sh puts it.
const packFile = fileURLToPath(new URL("../../../../packages/checklists/packs/tls-baseline.yaml", import.meta.url));
const config = configFromObject({
  packs: [packFile],
  trust: { caFile, systemRoots: false },
  targets: [{ id: "bench", endpoints: [endpoint] }],
  limits: { connectTimeoutMs: 3_000, probeTimeoutMs: 20_000 },
});
// From here on is what an application embedding hardcheck pays per assessment; before it, process start and loading.
const started = performance.now();
const hardcheck = await Hardcheck.create({ plugins: [register], config });
const createdMs = performance.now() - started;
const report = await hardcheck.scan(config);
const assessmentMs = performance.now() - started;
const phases = { loadedMs: Math.round(loadedMs), createMs: Math.round(createdMs), scanMs: Math.round(assessmentMs - createdMs) };
const verdicts = Object.fromEntries(report.results.map((result) => [result.ruleId, result.status]));
// HARDCHECK_REPEAT=N repeats the assessment in the same process, as an embedding application would, and
// prints each run's time: the first pays for JIT warm-up and lazy initialisation, the later ones do not.
const repeats = Number(process.env.HARDCHECK_REPEAT ?? 1);
const repeatedMs: number[] = [];
for (let run = 1; run < repeats; run++) {
  const again = performance.now();
  await hardcheck.scan(config);
  repeatedMs.push(Math.round(performance.now() - again));
}
process.stdout.write(`${JSON.stringify({ assessmentMs, phases, ...(repeatedMs.length > 0 ? { repeatedMs } : {}), verdicts })}\n`);
