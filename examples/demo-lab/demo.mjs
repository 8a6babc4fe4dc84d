#!/usr/bin/env node
// The demo lab: loopback TLS servers with a good, an expired and a self-signed certificate (made
// fresh at every start), plus a decommissioned port. Scans them with the hardcheck CLI and the
// tls-baseline pack, prints the console report, writes the reports, and checks the verdicts against
// what the lab is known to be. Usage: node demo.mjs [--out DIR]
import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { createTestPki, startRefusingPort, startTlsServer } from "@hardcheck/testkit";

const outArg = process.argv.indexOf("--out");
const outDir = resolve(outArg > 0 ? process.argv[outArg + 1] : "out");
const labDir = join(outDir, "demo-lab");
await mkdir(labDir, { recursive: true });

const day = 86_400_000;
const now = Date.now();
const pki = createTestPki({ caCommonName: "hardcheck demo lab CA" });
const names = ["localhost", "127.0.0.1"];
const certificates = {
  good: pki.issueLeaf({ commonName: "localhost", altNames: names, notAfter: new Date(now + 200 * day) }),
  expired: pki.issueLeaf({ commonName: "localhost", altNames: names, notBefore: new Date(now - 400 * day), notAfter: new Date(now - 5 * day) }),
  selfSigned: pki.issueLeaf({
    commonName: "appliance.factory-default",
    altNames: ["appliance.factory-default"],
    selfSigned: true,
    notAfter: new Date(now + 3650 * day),
  }),
};
const servers = {
  good: await startTlsServer(certificates.good),
  expired: await startTlsServer(certificates.expired),
  selfSigned: await startTlsServer(certificates.selfSigned),
  decommissioned: await startRefusingPort(),
};

// What the lab is: the verdicts a correct scan must reach.
const expected = [
  ["web-good", "TLS-CERT-VALIDITY", "pass"],
  ["web-good", "TLS-CERT-SELF-SIGNED", "pass"],
  ["web-good", "TLS-CERT-HOSTNAME", "pass"],
  ["web-good", "TLS-CERT-TRUSTED", "pass"],
  ["web-good", "TLS-PROTOCOL-NEGOTIATED", "pass"],
  ["web-expired", "TLS-CERT-VALIDITY", "fail"],
  ["web-expired", "TLS-CERT-TRUSTED", "fail"],
  ["web-expired", "TLS-CERT-SELF-SIGNED", "pass"],
  ["appliance-default", "TLS-CERT-SELF-SIGNED", "fail"],
  ["appliance-default", "TLS-CERT-HOSTNAME", "fail"],
  ["appliance-default", "TLS-CERT-TRUSTED", "fail"],
  ["decommissioned", "TLS-CERT-VALIDITY", "error"],
];

const caFile = join(labDir, "lab-ca.pem");
await writeFile(caFile, pki.caPem);
const configFile = join(labDir, "hardcheck.yaml");
await writeFile(
  configFile,
  `# Written by the demo lab: four loopback endpoints with known certificates.
packs: [tls-baseline]
trust: { caFile: ./lab-ca.pem }
limits: { connectTimeoutMs: 2000, probeTimeoutMs: 5000 }
targets:
  - id: web-good
    endpoints: [tls://127.0.0.1:${servers.good.port}]
  - id: web-expired
    endpoints: [tls://127.0.0.1:${servers.expired.port}]
  - id: appliance-default
    endpoints: [tls://127.0.0.1:${servers.selfSigned.port}]
  - id: decommissioned
    endpoints: [tls://127.0.0.1:${servers.decommissioned.port}]
`,
);

const bin = createRequire(import.meta.url)
  .resolve("hardcheck/package.json")
  .replace(/package\.json$/, "dist/bin.js");
const scanExit = await new Promise((done) => {
  const child = spawn(process.execPath, [bin, "scan", "--config", configFile, "--out", outDir, "--format", "json,console"], { stdio: "inherit" });
  child.on("exit", (code) => done(code ?? 3));
});
await Promise.all(Object.values(servers).map((server) => server.close()));

if (scanExit !== 0 && scanExit !== 1) {
  console.error(`demo: the scan exited with ${scanExit}`);
  process.exit(scanExit);
}
const report = JSON.parse(await readFile(join(outDir, "hardcheck.json"), "utf8"));
const wrong = expected.filter(([target, rule, status]) => report.results.find((r) => r.target === target && r.ruleId === rule)?.status !== status);
for (const [target, rule, status] of wrong) {
  const actual = report.results.find((r) => r.target === target && r.ruleId === rule);
  console.error(`demo: ${target} ${rule} expected ${status}, got ${actual?.status ?? "no result"}: ${actual?.message ?? ""}`);
}
console.log(
  `\ndemo: ${expected.length - wrong.length}/${expected.length} verdicts match the lab's known configuration; reports in ${relative(process.cwd(), outDir) || "."}/ (config: ${relative(process.cwd(), configFile)})`,
);
process.exit(wrong.length === 0 ? 0 : 1);
