// One full scan of every protocol lab endpoint through the real scanner (Hardcheck.scan with the
// bundled network probes and the tls-baseline and network-baseline packs): Postfix ×3, slapd ×2 on
// ldap+ldaps, the TDS fixture ×4 and the RDP fixture ×3 (TLS probes run inside PRELOGIN and after RDP
// negotiation), snmpd ×2, nginx ×3, Kamailio (sip). Prints the
// scan's wall time (servers already up), lab start time, verdict counts and peak RSS of this process.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { register as checklists } from "@hardcheck/checklists";
import { configFromObject, Hardcheck } from "@hardcheck/core";
import { startKamailioLab, startNginxLab, startPostfixLab, startRdpFixture, startSlapdLab, startSnmpdLab, startTdsFixture } from "@hardcheck/labs";
import { register as networkProbes } from "@hardcheck/probes-network";
import { createTestPki } from "@hardcheck/testkit";

const startedLab = performance.now();
const pki = createTestPki();
const leaf = pki.issueLeaf({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"] });
const [postfix, ldapOpen, ldapLocked, snmpCommunity, snmpV3, nginx, kamailio, ...fixtures] = await Promise.all([
  startPostfixLab(),
  startSlapdLab("open"),
  startSlapdLab("locked"),
  startSnmpdLab("community"),
  startSnmpdLab("v3-only"),
  startNginxLab(),
  startKamailioLab(),
  ...(["forced", "optional", "unsupported", "strict"] as const).map((mode) => startTdsFixture(mode, leaf)),
  ...(["nla-required", "negotiate", "rdp-only"] as const).map((policy) => startRdpFixture(policy, leaf)),
]);
const labMs = performance.now() - startedLab;

const endpoints = [
  ...Object.values(postfix.ports).map((port) => `smtp://127.0.0.1:${port}`),
  ...[ldapOpen, ldapLocked].flatMap((lab) => [`ldap://127.0.0.1:${lab.ldapPort}`, `ldaps://127.0.0.1:${lab.ldapsPort}`]),
  ...[snmpCommunity, snmpV3].map((lab) => `snmp://127.0.0.1:${lab.port}`),
  `http://127.0.0.1:${nginx.ports.redirect}`,
  `http://127.0.0.1:${nginx.ports.plain}`,
  `https://127.0.0.1:${nginx.ports.tls}`,
  `sip://127.0.0.1:${kamailio.port}`,
  ...fixtures.slice(0, 4).map((fixture) => `mssql://127.0.0.1:${fixture.port}`),
  ...fixtures.slice(4).map((fixture) => `rdp://127.0.0.1:${fixture.port}`),
];
const dir = mkdtempSync(join(tmpdir(), "hardcheck-bench-network-"));
writeFileSync(join(dir, "lab-ca.pem"), [pki.caPem, postfix.caPem, ldapOpen.caPem, ldapLocked.caPem, nginx.caPem].join("\n"));
const config = configFromObject(
  {
    packs: ["tls-baseline", "network-baseline"],
    trust: { caFile: "./lab-ca.pem" },
    limits: { connectTimeoutMs: 2_000, probeTimeoutMs: 15_000 },
    targets: endpoints.map((url, index) => ({ id: `lab-${String(index + 1).padStart(2, "0")}`, endpoints: [url] })),
  },
  { baseDir: dir },
);
let report: Awaited<ReturnType<Hardcheck["scan"]>> | undefined;
let scanMs = 0;
try {
  const hardcheck = await Hardcheck.create({ plugins: [networkProbes, checklists], config });
  const started = performance.now();
  report = await hardcheck.scan(config);
  scanMs = performance.now() - started;
} finally {
  await Promise.all([postfix, ldapOpen, ldapLocked, snmpCommunity, snmpV3, nginx, kamailio, ...fixtures].map((server) => server.close()));
  rmSync(dir, { recursive: true, force: true });
}
if (report === undefined) throw new Error("the scan returned no report");
const errors = report.results.filter((result) => result.status === "error");
console.log(
  JSON.stringify({
    endpoints: endpoints.length,
    checks: report.results.length,
    summary: report.summary,
    // Which endpoints ended in `error`, how many checks each, and why (the first reason).
    errors: Object.fromEntries(
      [...new Set(errors.map((result) => result.target))].map((target) => {
        const own = errors.filter((result) => result.target === target);
        return [endpoints[Number(target.slice(4)) - 1], { checks: own.length, reason: own[0]?.message.slice(0, 120) }];
      }),
    ),
    labStartMs: Math.round(labMs),
    scanWallMs: Math.round(scanMs),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
