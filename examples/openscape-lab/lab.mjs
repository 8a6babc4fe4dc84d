#!/usr/bin/env node
// A local lab shaped like a small OpenScape site, scanned with the openscape-concierge-v5r0 and
// openscape-xpert packs into every report format:
//   - the Concierge server: its web endpoint still serves the self-signed default certificate, and
//     its Windows side is an evidence bundle of a server as installed (nothing hardened); around it
//     the site's mail relay offers no STARTTLS (Postfix), the directory allows anonymous binds
//     (slapd), SQL Server does not force encryption (the MS-TDS specification fixture), and SNMP
//     answers the community public (snmpd);
//   - the Xpert System Manager: a hardened Windows evidence bundle, a management portal with a
//     certificate from the site CA, CSTA, HTEMS, cluster database and OSXClient API ports on TLS
//     with site-CA certificates, and an unused port closed as it should be; only the licence server
//     still serves its self-signed default certificate;
//   - an Xpert MLC: a Linux root folder with a weak password policy, root SSH login and no packet
//     filter, holding the OSXMP settings export the cfg items are read from; its SIP over TLS
//     presents a site-CA certificate. The same folder stands in for an Xpert client device (the
//     §5 items), as a second target.
// The concierge also offers plain HTTP without a redirect (nginx) and a SIP trunk over TLS with the
// same self-signed default certificate as its web endpoint.
// The verdicts are checked against what the lab is known to be. Usage: node lab.mjs [--out DIR]
import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createTestPki, startRefusingPort, startTlsServer } from "@hardcheck/testkit";
import { build } from "esbuild";

const here = fileURLToPath(new URL(".", import.meta.url));
const outArg = process.argv.indexOf("--out");
const outDir = resolve(outArg > 0 ? process.argv[outArg + 1] : "out");
const labDir = join(outDir, "openscape-lab");
await mkdir(labDir, { recursive: true });

const day = 86_400_000;
const now = Date.now();
const pki = createTestPki({ caCommonName: "OpenScape lab site CA" });
// The protocol servers' launchers are the TypeScript ones the probe tests use: bundle them next to
// this file (so their npm dependencies resolve from the repository) and load the bundle.
const protocolBundle = join(here, "dist", "site-protocols.mjs");
await build({
  entryPoints: [join(here, "site-protocols.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  logLevel: "warning",
  outfile: protocolBundle,
});
const { startSiteProtocols } = await import(pathToFileURL(protocolBundle).href);

// Every server is registered here as soon as it runs, so an exit at any point stops them all.
const servers = {};
// A signal during start-up waits for the servers being started, so none is left running.
let starting = Promise.resolve();
const stopServers = () => starting.catch(() => undefined).then(() => Promise.allSettled(Object.values(servers).map((server) => server.close())));
// The Debian servers run detached in their own process groups: Ctrl-C must stop them too.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    stopServers().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  });
}
try {
  starting = startSiteProtocols().then((protocols) => {
    servers.protocols = protocols;
  });
  await starting;
  servers.conciergeWeb = await startTlsServer(
    pki.issueLeaf({ commonName: "concierge.factory-default", altNames: ["concierge.factory-default"], selfSigned: true, notAfter: new Date(now + 3650 * day) }),
  );
  servers.xpertPortal = await startTlsServer(
    pki.issueLeaf({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"], notAfter: new Date(now + 365 * day) }),
  );
  servers.thriftApiClosed = await startRefusingPort();
  // Xpert services on TLS: site-CA certificates except the licence server's factory default.
  const siteLeaf = () => pki.issueLeaf({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"], notAfter: new Date(now + 365 * day) });
  const defaultLeaf = (name) => pki.issueLeaf({ commonName: name, altNames: [name], selfSigned: true, notAfter: new Date(now + 3650 * day) });
  servers.xpertCsta = await startTlsServer(siteLeaf());
  servers.xpertHtems = await startTlsServer(siteLeaf());
  servers.xpertClusterDb = await startTlsServer(siteLeaf());
  servers.xpertClientApi = await startTlsServer(siteLeaf());
  servers.xpertLicence = await startTlsServer(defaultLeaf("license.factory-default"));
  servers.mlcSip = await startTlsServer(siteLeaf());
} catch (error) {
  await stopServers();
  throw error;
}
const site = servers.protocols.endpoints;

// What the lab is: the verdicts a correct scan must reach.
export const expected = [
  // Concierge: default certificate, Windows as installed.
  ["concierge", "CL-OSC-SERVER2", "fail"],
  ["concierge", "CL-CERT-HANDLING", "fail"],
  // Chain validation is a client-side setting of the Concierge: its own certificate is no evidence, and no export is readable from the bundle.
  ["concierge", "CL-OSC-SERVER1", "manual"],
  // The endpoint refuses TLS 1.0/1.1, but SCHANNEL as installed still enables them on the server side.
  ["concierge", "CL-OSC-TLS12", "fail"],
  ["concierge", "CL-SRVPWD", "fail"],
  ["concierge", "CL-PW-POLICY", "fail"],
  ["concierge", "CL-DEFAULT-ACCOUNTS", "fail"],
  ["concierge", "CL-SHAREDFOLDER", "fail"],
  ["concierge", "CL-CLEAN-DEPLOYMENT", "fail"],
  // The prose requirements: Server 2022 is supported; the firewall has a profile off and one open inbound.
  ["concierge", "CL-OS-SUPPORTED", "pass"],
  ["concierge", "CL-FIREWALL-CONCEPT", "fail"],
  // SQL Server decided from both sources: the Windows bundle and the TDS endpoint.
  ["concierge", "CL-SQLDB-CONN1", "fail"],
  // The site's mail relay, directory and SNMP agent in their deliberately bad postures.
  ["concierge", "CL-SMTP1", "fail"],
  ["concierge", "CL-SF-SW-STATUS", "fail"],
  ["concierge", "CL-LDAP1", "fail"],
  ["concierge", "CL-SNMP-V2", "fail"],
  ["concierge", "CL-SNMP-V3", "fail"],
  // Plain HTTP answered without a redirect, EWS among it.
  ["concierge", "CL-HTTP", "fail"],
  ["concierge", "CL-EWS1", "fail"],
  // A VPN between PBX and Concierge is a network-design question; the SIP trunk's certificate does not answer it.
  ["concierge", "CL-VPN4", "manual"],
  // Defender is in passive mode and no other product runs.
  ["concierge", "CL-VIRUSPROTECT", "fail"],
  ["concierge", "CL-BIOS-PWD", "manual"],
  ["concierge", "CL-VPN1", "manual"],
  // Xpert System Manager: hardened Windows, CA-signed portal, unused API closed.
  ["xpert-sm", "CL-HTTPS", "pass"],
  // SHA-1 acceptance is a product setting: the bundle holds no settings export.
  ["xpert-sm", "CL-DISABLE-SHA1", "manual"],
  ["xpert-sm", "CL-UNUSED-IFACES", "pass"],
  // The registry requires NLA, but the lab lists no rdp:// endpoint: the network side of the item is not checked.
  ["xpert-sm", "CL-WINDOWS-NLA4RDP", "manual"],
  ["xpert-sm", "CL-WINDOWS-TLS-CIPHERS", "pass"],
  ["xpert-sm", "CL-WINDOWS-IP-FORWARDING", "pass"],
  ["xpert-sm", "CL-SMFIREWALL", "pass"],
  ["xpert-sm", "CL-BIOS-PWD", "not-applicable"],
  // The MLC is the TLS client on CSTA: the PBX side's chain is no evidence for the MLC's certificate.
  ["xpert-sm", "CL-CSTA-CERT", "not-applicable"],
  ["xpert-mlc", "CL-CSTA-CERT", "manual"],
  // The CSTA endpoint negotiates TLS, but the "TLS for CSTA" setting is not readable from the bundle.
  ["xpert-sm", "CL-CSTA-TLS", "manual"],
  ["xpert-sm", "CL-HTEMS-CERT", "pass"],
  ["xpert-sm", "CL-DB-CERT", "pass"],
  ["xpert-sm", "CL-OSXCLIENT-API", "pass"],
  ["xpert-sm", "CL-LIC-CERT", "fail"],
  // Xpert MLC: weak Linux policy; product settings read from the export.
  ["xpert-mlc", "CL-MLC-HARDENING-SCRIPT", "fail"],
  // §5 items are for the client devices: the MLC's own SIP ports no longer meet a client's allow-list.
  ["xpert-mlc", "CL-CONFIGURE-FIREWALL", "not-applicable"],
  ["xpert-client", "CL-CONFIGURE-FIREWALL", "fail"],
  ["xpert-client", "CL-DISABLE-LLDP-MED", "fail"],
  ["xpert-client", "CL-DEVICE-LOCK", "fail"],
  ["xpert-client", "CL-MLC-HARDENING-SCRIPT", "not-applicable"],
  ["xpert-mlc", "CL-DISABLE-MPWD", "fail"],
  ["xpert-mlc", "CL-CALLMEMPWD", "pass"],
  ["xpert-mlc", "CL-LDAP-PROF", "pass"],
  ["xpert-mlc", "CL-INT-MEDIA-ENCRYPT", "pass"],
  // The export sets FULL validation, but no canary has seen the MLC connect as a SIP client: the item waits for that evidence or an attestation.
  ["xpert-mlc", "CL-SIP-CERTCHECK", "manual"],
  ["xpert-mlc", "CL-DISABLE-SHA1", "pass"],
  ["xpert-mlc", "CL-OCSP", "fail"],
  ["xpert-mlc", "CL-MLC-SRTP", "fail"],
  ["xpert-mlc", "CL-SIPREC-ENCRYPT", "fail"],
  ["xpert-mlc", "CL-GSSAPI-REMOTEUSER", "fail"],
  ["xpert-client", "CL-CONFIGURE-BIOS", "manual"],
  // SIP over TLS 1.3 with a site-CA certificate, but the export sets mlc-2 to SIP over UDP.
  ["xpert-mlc", "CL-SIP-TLS", "fail"],
  ["xpert-mlc", "CL-SIP-CERT", "pass"],
];

await writeFile(join(labDir, "site-ca.pem"), [pki.caPem, ...servers.protocols.caPems].join("\n"));
const configFile = join(labDir, "hardcheck.yaml");
await writeFile(
  configFile,
  `# Written by the OpenScape lab. Targets are tagged by product (concierge, xpert) and by their
# server role in the deployment (concierge-server, system-manager, mlc), which fills the role's
# Executed column of the printed checklist; endpoints are tagged by the service they offer.
packs: [openscape-concierge-v5r0, openscape-xpert]
site:
  customer: { company: Lab Customer Ltd, name: Site administrator, email: admin@customer.example }
  supplier: { company: Lab Integrator GmbH, name: Service technician }
  coveredSystems: "OS Concierge server (Windows Server 2022, evidence bundle), Xpert System Manager (Windows Server 2022), one Xpert MLC (Debian); all on 127.0.0.1"
  checklistVersion: "Concierge V5R0 03/2025; Xpert 01/2026"
trust: { caFile: ./site-ca.pem, systemRoots: false }
limits: { connectTimeoutMs: 2000, probeTimeoutMs: 10000 }
tailoring:
  openscape-xpert: { configFile: /opt/osxmp/settings-export.json }
targets:
  - id: concierge
    tags: [concierge, concierge-server]
    os: windows
    host: "evidence:${join(here, "evidence", "concierge-server.json")}"
    endpoints:
      - { url: "https://127.0.0.1:${servers.conciergeWeb.port}", tags: [concierge, reporter] }
      - { url: "${site.web}", tags: [ews] }
      - { url: "sips://127.0.0.1:${servers.conciergeWeb.port}", tags: [sip-trunk] }
      - { url: "${site.smtp}", tags: [mail] }
      - { url: "${site.ldap}", tags: [directory] }
      - { url: "${site.sql}", tags: [sql-server] }
      - { url: "${site.snmp}", tags: [snmp] }
  - id: xpert-sm
    tags: [xpert, system-manager]
    os: windows
    host: "evidence:${join(here, "evidence", "xpert-system-manager.json")}"
    endpoints:
      - { url: "https://127.0.0.1:${servers.xpertPortal.port}", tags: [osxmp] }
      - { url: "tcp://127.0.0.1:${servers.thriftApiClosed.port}", tags: [unused] }
      - { url: "tls://127.0.0.1:${servers.xpertCsta.port}", tags: [csta] }
      - { url: "tls://127.0.0.1:${servers.xpertHtems.port}", tags: [htems] }
      - { url: "tls://127.0.0.1:${servers.xpertClusterDb.port}", tags: [cluster-db] }
      - { url: "tls://127.0.0.1:${servers.xpertClientApi.port}", tags: [thrift-api] }
      - { url: "tls://127.0.0.1:${servers.xpertLicence.port}", tags: [license] }
  - id: xpert-mlc
    tags: [xpert, xpert-mlc]
    os: linux
    host: "root:${join(here, "mlc-root")}"
    endpoints:
      - { url: "sips://127.0.0.1:${servers.mlcSip.port}", tags: [sip] }
  - id: xpert-client
    tags: [xpert, xpert-client]
    os: linux
    host: "root:${join(here, "mlc-root")}"
`,
);

const bin = createRequire(import.meta.url)
  .resolve("hardcheck/package.json")
  .replace(/package\.json$/, "dist/command/bin.js");
const scanExit = await new Promise((done) => {
  const child = spawn(process.execPath, [bin, "scan", "--config", configFile, "--out", outDir, "--format", "json,console,sarif,junit,html,markdown"], {
    stdio: "inherit",
  });
  child.on("exit", (code) => done(code ?? 3));
});
await stopServers();

if (scanExit !== 0 && scanExit !== 1) {
  console.error(`openscape-lab: the scan exited with ${scanExit}`);
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
  console.error(`openscape-lab: ${target} ${rule} expected ${status}, got ${actual?.status ?? "no result"}: ${actual?.message ?? ""}`);
}
console.log(
  `\nopenscape-lab: ${expected.length - wrong.length}/${expected.length} verdicts match the lab's known configuration; reports in ${relative(process.cwd(), outDir) || "."}/ (config: ${relative(process.cwd(), configFile)})`,
);
process.exit(wrong.length === 0 ? 0 : 1);
