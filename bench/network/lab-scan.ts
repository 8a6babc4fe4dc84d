// One scan of every protocol lab endpoint (Postfix ×3, slapd ×2 on ldap+ldaps, the TDS fixture ×4)
// with the protocol probes run side by side, as a scan's collect phase runs them. Prints wall time of
// the scan (servers already up) and peak RSS of this process.
import { parseEndpoint } from "@hardcheck/core";
import { createTestPki } from "@hardcheck/testkit";
import { startPostfixLab } from "../../packages/probes-network/src/lab-servers/postfix.js";
import { startSlapdLab } from "../../packages/probes-network/src/lab-servers/slapd.js";
import { ldapProbe } from "../../packages/probes-network/src/ldap/ldap.probe.js";
import { smtpCapabilitiesProbe } from "../../packages/probes-network/src/smtp-capabilities/smtp-capabilities.probe.js";
import { probeTestDeps } from "../../packages/probes-network/src/support/probe-test-deps.js";
import { startTdsFixture } from "../../packages/probes-network/src/tds-prelogin/fixtures/tds-fixture.js";
import { tdsPreloginProbe } from "../../packages/probes-network/src/tds-prelogin/tds-prelogin.probe.js";

const startedLab = performance.now();
const leaf = createTestPki().issueLeaf({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"] });
const [postfix, open, locked, ...tds] = await Promise.all([
  startPostfixLab(),
  startSlapdLab("open"),
  startSlapdLab("locked"),
  ...(["forced", "optional", "unsupported", "strict"] as const).map((mode) => startTdsFixture(mode, leaf)),
]);
const labMs = performance.now() - startedLab;
const jobs = [
  ...Object.values(postfix.ports).map((port) => ({ probe: smtpCapabilitiesProbe, url: `smtp://127.0.0.1:${port}` })),
  ...[open, locked].flatMap((lab) => [
    { probe: ldapProbe, url: `ldap://127.0.0.1:${lab.ldapPort}` },
    { probe: ldapProbe, url: `ldaps://127.0.0.1:${lab.ldapsPort}` },
  ]),
  ...tds.map((fixture) => ({ probe: tdsPreloginProbe, url: `mssql://127.0.0.1:${fixture.port}` })),
];
const depsOf = () => probeTestDeps({ trust: { caCertificates: [postfix.caPem] } });
const started = performance.now();
const outcomes = await Promise.allSettled(jobs.map(({ probe, url }) => probe.collect(parseEndpoint(url), {}, depsOf())));
const scanMs = performance.now() - started;
const failed = outcomes.filter((outcome) => outcome.status === "rejected").length;
await Promise.all([postfix.close(), open.close(), locked.close(), ...tds.map((fixture) => fixture.close())]);
console.log(
  JSON.stringify({
    endpoints: jobs.length,
    failed,
    labStartMs: Math.round(labMs),
    scanWallMs: Math.round(scanMs),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
