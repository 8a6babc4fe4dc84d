#!/usr/bin/env node
// Evaluation throughput: 60 rules against the facts of 10,000 synthetic targets, through the same
// Evaluator a scan uses (json-rules-engine with the dot-path resolver and hardcheck's operators).
// Prints targets/second and peak RSS. Usage: node bench/engine.mjs [--targets N] [--rules N]
import { compileRule, Evaluator } from "@hardcheck/core";

const arg = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const TARGETS = arg("targets", 10_000);
const RULES = arg("rules", 60);

// A small deterministic generator so every run sees the same facts.
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = (list) => list[Math.floor(random() * list.length)];

const templates = [
  (i) => ({ all: [{ fact: "tls.handshake", path: "protocol", operator: "in", value: { param: "allowed" } }], params: { allowed: ["TLSv1.2", "TLSv1.3"] }, i }),
  (i) => ({
    all: [
      { fact: "tls.leaf", path: "notAfter", operator: "dateAfter", value: "now" },
      { fact: "tls.leaf", path: "selfSigned", operator: "equal", value: false },
    ],
    i,
  }),
  (i) => ({
    any: [
      {
        all: [
          { fact: "tls.leaf", path: "keyType", operator: "equal", value: "rsa" },
          { fact: "tls.leaf", path: "keyBits", operator: "greaterThanInclusive", value: 2048 },
        ],
      },
      {
        all: [
          { fact: "tls.leaf", path: "keyType", operator: "equal", value: "ec" },
          { fact: "tls.leaf", path: "keyBits", operator: "greaterThanInclusive", value: 256 },
        ],
      },
    ],
    i,
  }),
  (i) => ({
    all: [
      { fact: "ssh.config", path: "permitrootlogin", operator: "equal", value: "no" },
      { fact: "ssh.config", path: "maxauthtries", operator: "lessThanInclusive", value: 4 },
    ],
    i,
  }),
  (i) => ({ all: [{ fact: "packages.installed", operator: "setDisjoint", value: ["wireshark", "tcpdump", "nmap", "putty"] }], i }),
  (i) => ({ all: [{ fact: "os.release", path: "version", operator: "versionGreaterThanInclusive", value: "22.04" }], i }),
  (i) => ({
    all: [
      { fact: "pwquality", path: "minlen", operator: "greaterThanInclusive", value: 14 },
      { fact: "pwquality", path: "dcredit", operator: "lessThanInclusive", value: -1 },
    ],
    i,
  }),
  (i) => ({ all: [{ fact: "smtp.capabilities", path: "beforeTls", operator: "doesNotContain", value: "AUTH" }], i }),
  (i) => ({ all: [{ fact: "http.headers", path: "strict-transport-security", operator: "matches", value: "max-age=\\d{7,}" }], i }),
  (i) => ({ not: { fact: "snmp.communities", path: "accepted", operator: "contains", value: "public" }, i }),
];

const rules = Array.from({ length: RULES }, (_, i) => {
  const template = templates[i % templates.length](i);
  const { params = {}, i: _index, ...conditions } = template;
  const parameters = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, { default: value, description: name }]));
  return compileRule({
    id: `BENCH-${String(i).padStart(3, "0")}`,
    pack: "bench",
    title: `bench rule ${i}`,
    severity: "medium",
    rationale: "-",
    remediation: "-",
    scope: {},
    parameters,
    conditions,
    manual: false,
    probeParams: {},
  });
});

const factsFor = () => ({
  "tls.handshake": { protocol: pick(["TLSv1.3", "TLSv1.2", "TLSv1.1"]), cipher: "TLS_AES_128_GCM_SHA256" },
  "tls.leaf": {
    notAfter: new Date(Date.now() + (random() - 0.2) * 400 * 86_400_000).toISOString(),
    selfSigned: random() < 0.2,
    keyType: pick(["rsa", "ec"]),
    keyBits: pick([1024, 2048, 256, 384]),
  },
  "ssh.config": { permitrootlogin: pick(["no", "yes", "prohibit-password"]), maxauthtries: Math.floor(random() * 8) },
  "packages.installed": Array.from({ length: 40 }, (_, i) => (random() < 0.03 ? pick(["tcpdump", "nmap"]) : `pkg-${i}`)),
  "os.release": { version: pick(["20.04", "22.04", "24.04"]) },
  pwquality: { minlen: pick([8, 12, 14, 16]), dcredit: pick([0, -1]) },
  "smtp.capabilities": {
    beforeTls: pick([
      ["STARTTLS", "PIPELINING"],
      ["AUTH PLAIN", "STARTTLS"],
    ]),
  },
  "http.headers": { "strict-transport-security": pick(["max-age=31536000", "max-age=300", ""]) },
  "snmp.communities": { accepted: pick([[], ["public"], ["private"]]) },
});

const targets = Array.from({ length: TARGETS }, factsFor);
const evaluator = new Evaluator({ now: () => new Date() });
await evaluator.evaluate(rules, targets[0]); // build the engine once, as a scan does
const start = process.hrtime.bigint();
let passed = 0;
let failed = 0;
for (const facts of targets) {
  const verdicts = await evaluator.evaluate(rules, facts);
  for (const verdict of verdicts.values()) verdict.passed ? passed++ : failed++;
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
console.log(
  JSON.stringify({
    rules: RULES,
    targets: TARGETS,
    seconds: Number(seconds.toFixed(3)),
    targetsPerSecond: Math.round(TARGETS / seconds),
    verdictsPerSecond: Math.round((TARGETS * RULES) / seconds),
    verdicts: { passed, failed },
    peakRssMiB: Number(peakRssMiB.toFixed(1)),
  }),
);
