#!/usr/bin/env node
// The demo lab: loopback TLS servers with a good, an expired and a self-signed certificate (made
// fresh at every start), a decommissioned port, and real protocol servers with known weaknesses
// (Postfix, OpenLDAP slapd, net-snmp snmpd, and the MS-TDS and MS-RDPBCGR specification fixtures
// for SQL Server and RDP).
// Scans them with the hardcheck CLI and the tls-baseline and network-baseline packs, prints the
// console report, writes the reports, and checks the verdicts against what the lab is known to be.
// Usage: node demo.mjs [--out DIR]
import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createTestPki, startRefusingPort, startTlsServer } from "@hardcheck/testkit";
import { build } from "esbuild";

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
// The protocol servers' launchers are the TypeScript ones the probe tests use: bundle them next to
// this file (so their npm dependencies resolve from the repository) and load the bundle.
const here = dirname(fileURLToPath(import.meta.url));
const labBundle = join(here, "dist", "protocol-lab.mjs");
await build({
  entryPoints: [join(here, "protocol-lab.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  logLevel: "warning",
  outfile: labBundle,
});
const { startProtocolLab } = await import(pathToFileURL(labBundle).href);

// The web servers are configured as a careful admin would (ECDHE with AEAD only below TLS 1.3), so each one's certificate is its only defect.
const carefulSuites = { ciphers: "ECDHE+AESGCM:ECDHE+CHACHA20" };
const servers = {
  good: await startTlsServer({ ...certificates.good, ...carefulSuites }),
  expired: await startTlsServer({ ...certificates.expired, ...carefulSuites }),
  selfSigned: await startTlsServer({ ...certificates.selfSigned, ...carefulSuites }),
  decommissioned: await startRefusingPort(),
  protocols: await startProtocolLab(),
};
const { endpoints } = servers.protocols;
// The Debian servers run detached in their own process groups: stop them on Ctrl-C too.
process.once("SIGINT", () => {
  servers.protocols.close().finally(() => process.exit(130));
});

// What the lab is: the verdicts a correct scan must reach.
const expected = [
  ["web-good", "TLS-CERT-VALIDITY", "pass"],
  ["web-good", "TLS-CERT-SELF-SIGNED", "pass"],
  ["web-good", "TLS-CERT-HOSTNAME", "pass"],
  ["web-good", "TLS-CERT-TRUSTED", "pass"],
  ["web-good", "TLS-PROTOCOL-NEGOTIATED", "pass"],
  ["web-good", "TLS-SUITE-FORWARD-SECRECY", "pass"],
  ["web-good", "TLS-SUITE-CBC", "pass"],
  ["web-expired", "TLS-CERT-VALIDITY", "fail"],
  ["web-expired", "TLS-CERT-TRUSTED", "fail"],
  ["web-expired", "TLS-CERT-SELF-SIGNED", "pass"],
  ["appliance-default", "TLS-CERT-SELF-SIGNED", "fail"],
  ["appliance-default", "TLS-CERT-HOSTNAME", "fail"],
  ["appliance-default", "TLS-CERT-TRUSTED", "fail"],
  ["decommissioned", "TLS-CERT-VALIDITY", "error"],
  // Postfix offering AUTH before STARTTLS.
  ["mail-relay", "NET-SMTP-STARTTLS", "pass"],
  ["mail-relay", "NET-SMTP-AUTH-BEFORE-TLS", "fail"],
  // slapd allowing anonymous and clear-text simple binds.
  ["directory", "NET-LDAP-ANONYMOUS-BIND", "fail"],
  ["directory", "NET-LDAP-CLEARTEXT-BIND", "fail"],
  ["directory", "NET-LDAP-STARTTLS", "pass"],
  // Postfix's certificate, read through STARTTLS.
  ["mail-relay", "TLS-CERT-TRUSTED", "pass"],
  // The TDS specification fixture with a certificate but Force Encryption off (no live SQL Server);
  // the TLS scan inside PRELOGIN finds TLS 1.0 and 1.1 still accepted.
  ["sql-server", "NET-MSSQL-FORCE-ENCRYPTION", "fail"],
  ["sql-server", "TLS-PROTOCOL-VERSIONS", "fail"],
  ["sql-server", "TLS-CERT-TRUSTED", "pass"],
  // The RDP specification fixture in "Negotiate" mode (no live RDP server): NLA not required,
  // standard RDP security accepted; its TLS certificate is read after the negotiation.
  ["remote-desktop", "NET-RDP-NLA", "fail"],
  ["remote-desktop", "NET-RDP-LEGACY-SECURITY", "fail"],
  ["remote-desktop", "TLS-CERT-TRUSTED", "pass"],
  // snmpd answering the community public.
  ["snmp-agent", "NET-SNMP-DEFAULT-COMMUNITY", "fail"],
  ["snmp-agent", "NET-SNMP-V1-V2C", "fail"],
];

const caFile = join(labDir, "lab-ca.pem");
await writeFile(caFile, [pki.caPem, ...servers.protocols.caPems].join("\n"));
const configFile = join(labDir, "hardcheck.yaml");
await writeFile(
  configFile,
  `# Written by the demo lab: loopback endpoints with known certificates and known protocol weaknesses.
packs: [tls-baseline, network-baseline]
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
${Object.entries(endpoints)
  .map(([id, url]) => `  - id: ${id}\n    endpoints: [${url}]\n`)
  .join("")}`,
);

const bin = createRequire(import.meta.url)
  .resolve("hardcheck/package.json")
  .replace(/package\.json$/, "dist/command/bin.js");
const scanExit = await new Promise((done) => {
  const child = spawn(process.execPath, [bin, "scan", "--config", configFile, "--out", outDir, "--format", "json,console"], { stdio: "inherit" });
  child.on("exit", (code) => done(code ?? 3));
});
await Promise.all(Object.values(servers).map((server) => server.close()));

if (scanExit !== 0 && scanExit !== 1) {
  console.error(`demo: the scan exited with ${scanExit}`);
  process.exit(scanExit);
}
// hardcheck.json groups results by target, endpoint and pack and leaves out the usual message: one flat list of them here.
const resultsOf = (report) =>
  report.results.flatMap((group) =>
    group.results.map((result) => ({ message: "all conditions hold", ...result, target: group.target, endpoint: group.endpoint, pack: group.pack })),
  );
const results = resultsOf(JSON.parse(await readFile(join(outDir, "hardcheck.json"), "utf8")));
const wrong = expected.filter(([target, rule, status]) => results.find((r) => r.target === target && r.ruleId === rule)?.status !== status);
for (const [target, rule, status] of wrong) {
  const actual = results.find((r) => r.target === target && r.ruleId === rule);
  console.error(`demo: ${target} ${rule} expected ${status}, got ${actual?.status ?? "no result"}: ${actual?.message ?? ""}`);
}
console.log(
  `\ndemo: ${expected.length - wrong.length}/${expected.length} verdicts match the lab's known configuration; reports in ${relative(process.cwd(), outDir) || "."}/ (config: ${relative(process.cwd(), configFile)})`,
);
process.exit(wrong.length === 0 ? 0 : 1);
