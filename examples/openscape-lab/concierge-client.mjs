#!/usr/bin/env node
// The OpenScape lab's "Concierge as a client" run: real clients stand in for a Concierge installed
// carelessly and connect to hardcheck's canary listeners as the Concierge would to its directory and
// its mail relay; the sessions go to a client evidence file, and a scan with --client-evidence fails
// CL-LDAP1 and CL-SMTP1 through their client source.
//   - the directory connection: ldapsearch with LDAPTLS_REQCERT=never, once without StartTLS (a
//     simple bind in clear text) and once with -ZZ (StartTLS, but it goes on after a self-signed
//     certificate);
//   - the mail connection: curl as a mail client with --ssl --insecure (STARTTLS when offered,
//     any certificate accepted), as an opportunistic relay would.
// The canary and the clients share one pinned clock (libfaketime), so nothing depends on today's date.
// Usage: node concierge-client.mjs [--out DIR]
import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { clientEvidenceDocument, startCanary } from "@hardcheck/probes-network";
import { pinnedClockEnvironment } from "@hardcheck/testkit";

const here = fileURLToPath(new URL(".", import.meta.url));
const outArg = process.argv.indexOf("--out");
const outDir = resolve(outArg > 0 ? process.argv[outArg + 1] : "out");
const runDir = join(outDir, "concierge-client");
await mkdir(runDir, { recursive: true });

const NOW = "2031-03-14 09:00:00";
const clock = { now: () => new Date("2031-03-14T09:00:00Z") };
// The bind and mail passwords the careless clients send; the canary must keep neither.
const LDAP_SECRET = "Lab-directory-Secret-7";
const MAIL_SECRET = "Lab-relay-Secret-9";

/** Runs a client with its clock pinned at NOW (libfaketime preloaded); stopped by its own PID after `timeoutMs`. */
function runClient([command, ...args], env = {}, timeoutMs = 10_000) {
  return new Promise((done) => {
    const child = spawn(command, args, { env: { ...process.env, ...env, ...pinnedClockEnvironment(NOW) }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk) => {
      output = (output + chunk.toString()).slice(-4_000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      done({ code: null, output: `${output}${error.message}` });
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

const canary = await startCanary({
  target: "concierge",
  listeners: [
    { protocol: "ldap", host: "127.0.0.1", port: 0 },
    { protocol: "smtp", host: "127.0.0.1", port: 0 },
  ],
  certificates: ["self-signed"],
  clock,
  sessionTimeoutMs: 5_000,
});
let document;
try {
  const [ldap, smtp] = canary.listeners;
  const ldapsearch = (extra) =>
    runClient(
      [
        "ldapsearch",
        "-x",
        "-H",
        `ldap://127.0.0.1:${ldap.port}`,
        "-D",
        "cn=concierge,ou=services,dc=site,dc=example",
        "-w",
        LDAP_SECRET,
        "-b",
        "dc=site,dc=example",
        "-o",
        "nettimeout=5",
        ...extra,
      ],
      { LDAPTLS_REQCERT: "never", LDAPCONF: "/dev/null", LDAPRC: "/dev/null" },
    );
  await ldapsearch([]);
  await ldapsearch(["-ZZ"]);
  await runClient([
    "curl",
    "-s",
    "--max-time",
    "5",
    "--ssl",
    "--insecure",
    `smtp://127.0.0.1:${smtp.port}`,
    "--mail-from",
    "concierge@site.example",
    "--mail-rcpt",
    "ops@site.example",
    "--user",
    `svc-concierge:${MAIL_SECRET}`,
    "--upload-file",
    "/dev/null",
  ]);
} finally {
  await canary.close();
  document = clientEvidenceDocument(canary.sessions, clock.now());
}
const evidenceFile = join(runDir, "client-evidence.json");
await writeFile(evidenceFile, `${JSON.stringify(document, null, 2)}\n`);

const configFile = join(runDir, "hardcheck.yaml");
await writeFile(
  configFile,
  `# Written by the OpenScape lab's Concierge-as-a-client run: the Concierge server as installed, and
# the canaries it was pointed at as its directory and mail relay.
packs: [openscape-concierge-v5r0]
targets:
  - id: concierge
    tags: [concierge, concierge-server]
    os: windows
    host: "evidence:${join(here, "evidence", "concierge-server.json")}"
`,
);
const bin = createRequire(import.meta.url)
  .resolve("hardcheck/package.json")
  .replace(/package\.json$/, "dist/command/bin.js");
const reportDir = join(runDir, "report");
const scanExit = await new Promise((done) => {
  const child = spawn(
    process.execPath,
    [
      bin,
      "scan",
      "--config",
      configFile,
      "--client-evidence",
      evidenceFile,
      "--rule",
      "CL-LDAP1",
      "--rule",
      "CL-SMTP1",
      "--out",
      reportDir,
      "--format",
      "json,console",
    ],
    { stdio: "inherit" },
  );
  child.on("exit", (code) => done(code ?? 3));
});
if (scanExit !== 0 && scanExit !== 1) {
  console.error(`concierge-client: the scan exited with ${scanExit}`);
  process.exit(scanExit);
}
// hardcheck.json groups results by target, endpoint and pack: one flat list of them here.
const results = JSON.parse(await readFile(join(reportDir, "hardcheck.json"), "utf8")).results.flatMap((group) => group.results);
// What a careless Concierge shows as a client: each item fails on its client source.
const expected = [
  ["CL-LDAP1", /(^|; )client client-ldap:\/\/127\.0\.0\.1:\d+: /],
  ["CL-SMTP1", /(^|; )client client-smtp:\/\/127\.0\.0\.1:\d+: /],
];
const wrong = expected.filter(([rule, message]) => {
  const result = results.find((candidate) => candidate.ruleId === rule);
  return result?.status !== "fail" || !message.test(result.message);
});
for (const [rule] of wrong) {
  const result = results.find((candidate) => candidate.ruleId === rule);
  console.error(`concierge-client: ${rule} expected to fail through its client source, got ${result?.status ?? "no result"}: ${result?.message ?? ""}`);
}
console.log(
  `\nconcierge-client: ${document.sessions.length} client session(s) recorded; ${expected.length - wrong.length}/${expected.length} items fail through the client source; evidence and report in ${relative(process.cwd(), runDir) || "."}/`,
);
process.exit(wrong.length === 0 ? 0 : 1);
