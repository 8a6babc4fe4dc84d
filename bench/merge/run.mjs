#!/usr/bin/env node
// Merge bench: N synthetic shard reports of M TLS endpoints each (one target per endpoint, ~22
// tls-baseline-like results per endpoint, a few KB of facts, certificate and chain facts shared by
// groups of endpoints), target ids that land in their shard, merged by `hardcheck merge` under
// /usr/bin/time. Prints wall time, peak RSS, input and output size.
// Usage: node bench/merge/run.mjs [N×M ...]   default: 10x1000 100x1000
//   BENCH_OLD_CLI=path/to/bin.js also times another build's merge (e.g. one that reads shards whole)
//   on the sizes listed in BENCH_OLD_SIZES (default 10x1000).
//   BENCH_FORMATS=json,html,sarif,junit,markdown asks the merge for those formats (default json) and
//   prints each file's size.
//   BENCH_REPORT_FROM=1 then renders the merged hardcheck.json again with `hardcheck report --from`
//   in the same formats, under /usr/bin/time too.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildReport, fnv1a, serializeReport } from "@hardcheck/core";

const root = resolve(import.meta.dirname, "..", "..");
const cli = join(root, "packages", "cli", "dist", "command", "bin.js");
const sizes = (process.argv.length > 2 ? process.argv.slice(2) : ["10x1000", "100x1000"]).map((spec) => {
  const [shards, endpoints] = spec.split("x").map(Number);
  if (!(shards > 0 && endpoints > 0)) throw new Error(`size ${spec}: expected NxM, e.g. 100x1000`);
  return { spec, shards, endpoints };
});
const oldCli = process.env.BENCH_OLD_CLI;
/** Extra node flags for the merge process (e.g. `--heap-prof`, `--trace-gc`). */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
const oldSizes = new Set((process.env.BENCH_OLD_SIZES ?? "10x1000").split(","));
const formats = process.env.BENCH_FORMATS ?? "json";

const RULE_IDS = Array.from({ length: 22 }, (_, i) => `TLS-${String(i + 1).padStart(3, "0")}`);
const rules = RULE_IDS.map((id, i) => ({
  id,
  pack: "tls-baseline",
  checklistRef: `4.${i + 1}`,
  section: "TLS",
  title: `Synthetic TLS rule ${id}`,
  severity: ["critical", "high", "medium", "low"][i % 4],
  rationale: "Synthetic rule for the merge bench.",
  remediation: "None.",
  manual: false,
}));

const pem = (seed) => `-----BEGIN CERTIFICATE-----\n${Buffer.alloc(900, seed).toString("base64")}\n-----END CERTIFICATE-----`;

/** The facts of one endpoint, as a TLS probe reports them: certificate and chain shared per group of 50. */
function endpointFacts(target, n) {
  const group = Math.floor(n / 50);
  const certificate = {
    subject: `CN=group-${group}.bench.example`,
    issuer: "CN=Bench Lab CA",
    san: [`group-${group}.bench.example`, `*.group-${group}.bench.example`],
    notBefore: "2026-01-01T00:00:00Z",
    notAfter: "2027-01-01T00:00:00Z",
    keyType: "EC",
    keyBits: 256,
    signatureAlgorithm: "ecdsa-with-SHA256",
    pem: pem(`group-${group}`),
  };
  const chain = [{ subject: "CN=Bench Lab CA", issuer: "CN=Bench Root", pem: pem("ca") }];
  const ciphers = [
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    ...(n % 7 === 0 ? ["ECDHE-ECDSA-AES128-SHA"] : []),
  ];
  return {
    "tls.certificate": certificate,
    "tls.chain": chain,
    "tls.protocols": n % 11 === 0 ? ["TLSv1.1", "TLSv1.2", "TLSv1.3"] : ["TLSv1.2", "TLSv1.3"],
    "tls.ciphers": ciphers,
    "tls.groups": ["x25519", "secp256r1", "secp384r1"],
    "tls.ocsp": { stapled: n % 3 !== 0, status: "good", responder: "http://ocsp.bench.example/" },
    "http.headers": {
      server: "nginx",
      "strict-transport-security": "max-age=31536000",
      "content-security-policy": `default-src 'self' https://${target}`,
      "x-request-id": `${fnv1a(target).toString(16)}-${n}`,
    },
    "tls.handshake": { alpn: "h2", resumption: true, renegotiation: false, compression: null, peer: target },
  };
}

const FACTS_OF_RULE = [
  ["tls.certificate"],
  ["tls.certificate", "tls.chain"],
  ["tls.protocols"],
  ["tls.ciphers"],
  ["tls.groups"],
  ["tls.ocsp"],
  ["http.headers"],
  ["tls.handshake"],
];

function endpointResults(target, n) {
  const endpoint = `tls://${target}:443`;
  const facts = endpointFacts(target, n);
  return RULE_IDS.map((ruleId, i) => {
    const names = FACTS_OF_RULE[i % FACTS_OF_RULE.length];
    const failing = (n + i) % 13 === 0;
    return {
      ruleId,
      pack: "tls-baseline",
      target,
      endpoint,
      status: failing ? "fail" : i % 9 === 8 ? "not-applicable" : "pass",
      message: failing ? `${names[0]} does not meet ${ruleId}` : "",
      conditions: names.map((fact, c) => ({
        where: `all[${c}]`,
        fact,
        operator: "matches",
        expected: `${ruleId}-${c}`,
        actual: facts[fact],
        outcome: failing ? "fail" : "pass",
      })),
      evidence: Object.fromEntries(names.map((fact) => [fact, facts[fact]])),
    };
  });
}

/** Writes shard `index` of `shards` with `endpoints` targets whose ids hash into it. */
function writeShard(dir, index, shards, endpoints) {
  const ids = [];
  for (let n = 0; ids.length < endpoints; n++) {
    const id = `ep-${n}.bench.example`;
    if (fnv1a(id) % shards === index - 1) ids.push(id);
  }
  const document = buildReport({
    tool: { name: "hardcheck", version: "0.0.0-bench" },
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:10:00.000Z",
    evaluatedAt: "2026-01-01T00:00:00.000Z",
    incomplete: false,
    packs: [{ id: "tls-baseline", title: "TLS baseline", version: "1.0.0" }],
    targets: ids.map((id) => ({ id, host: id, os: null, tags: ["bench"], endpoints: [`tls://${id}:443`] })),
    results: ids.flatMap((id, n) => endpointResults(id, n)),
    notices: [],
    rules,
    shard: `${index}/${shards}`,
  });
  const path = join(dir, `shard-${index}.json`);
  writeFileSync(path, serializeReport(document));
  return path;
}

/** `report --from` of a merged document in the bench's formats: wall time and peak RSS. */
function timeReportFrom(bin, json, out) {
  const timing = join(out, "..", "time-report.txt");
  execFileSync(
    "/usr/bin/time",
    ["-f", "%e %M", "-o", timing, process.execPath, ...nodeArgs, bin, "report", "--from", json, "--out", out, "--format", formats, "--stdout", "none"],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const [wall, kib] = execFileSync("cat", [timing], { encoding: "utf8" }).trim().split(/\s+/).map(Number);
  return { wall, rssMiB: kib / 1024 };
}

function timeMerge(bin, files, out) {
  const timing = join(out, "..", "time.txt");
  const started = process.hrtime.bigint();
  execFileSync("/usr/bin/time", ["-f", "%e %M", "-o", timing, process.execPath, ...nodeArgs, bin, "merge", ...files, "--out", out, "--format", formats], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const [wall, kib] = execFileSync("cat", [timing], { encoding: "utf8" }).trim().split(/\s+/).map(Number);
  const others = readdirSync(out)
    .filter((name) => name !== "hardcheck.json")
    .map((name) => `${name} ${(statSync(join(out, name)).size / 2 ** 20).toFixed(1)} MiB`);
  return { wall: wall || elapsed, rssMiB: kib / 1024, outMiB: statSync(join(out, "hardcheck.json")).size / 2 ** 20, others };
}

const dir = mkdtempSync(join(tmpdir(), "hardcheck-merge-bench-"));
try {
  for (const { spec, shards, endpoints } of sizes) {
    const shardDir = join(dir, spec);
    execFileSync("mkdir", ["-p", shardDir]);
    const made = Date.now();
    const files = Array.from({ length: shards }, (_, i) => writeShard(shardDir, i + 1, shards, endpoints));
    const inMiB = files.reduce((sum, file) => sum + statSync(file).size, 0) / 2 ** 20;
    console.log(`${spec}: ${shards} shards × ${endpoints} endpoints, ${inMiB.toFixed(0)} MiB of input (made in ${((Date.now() - made) / 1000).toFixed(0)} s)`);
    const runs = [["this build", cli], ...(oldCli && oldSizes.has(spec) ? [["BENCH_OLD_CLI", oldCli]] : [])];
    for (const [label, bin] of runs) {
      const out = join(shardDir, `out-${label.replace(/\W+/g, "-")}`);
      const { wall, rssMiB, outMiB, others } = timeMerge(bin, files, out);
      console.log(
        `  ${label.padEnd(13)} wall ${wall.toFixed(1)} s, peak RSS ${rssMiB.toFixed(0)} MiB, hardcheck.json ${outMiB.toFixed(0)} MiB${others.map((other) => `, ${other}`).join("")}`,
      );
      if (process.env.BENCH_REPORT_FROM === "1") {
        const rendered = timeReportFrom(bin, join(out, "hardcheck.json"), join(shardDir, `report-${label.replace(/\W+/g, "-")}`));
        console.log(`  ${"report --from".padEnd(13)} wall ${rendered.wall.toFixed(1)} s, peak RSS ${rendered.rssMiB.toFixed(0)} MiB (${formats})`);
      }
    }
    if (runs.length === 2) {
      const outs = readdirSync(shardDir).filter((name) => name.startsWith("out-"));
      execFileSync(
        "cmp",
        outs.map((name) => join(shardDir, name, "hardcheck.json")),
      );
      console.log("  both builds wrote the same hardcheck.json");
    }
    rmSync(shardDir, { recursive: true, force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
