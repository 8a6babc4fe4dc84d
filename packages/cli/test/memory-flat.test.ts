// Memory stays flat as endpoints grow: the real command scans a small and a six-times larger set of
// TLS endpoints on one nginx, and the larger scan's peak RSS (the whole process, as /usr/bin/time
// sees it) stays within a margin of the smaller one's. Both scans must decide every endpoint, so the
// test cannot pass by scanning nothing. The whole-report path (taken with `--baseline`, or when
// hardcheck.json is not among the formats) exceeds the margin at these sizes.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseReport, type ReportDocument } from "@hardcheck/core";
import { createLabDir, type LabDir, type LabProcess, startLabProcess, tcpPortAnswers } from "@hardcheck/labs";
import { createOpensslPki, type OpensslPki, type ProcessServer, reserveLoopbackPort, startNamespacedServer } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEADROOM_BYTES } from "../src/heap-budget.js";

const cli = resolve(import.meta.dirname, "..", "dist", "command", "bin.js");
const SMALL = 40;
const LARGE = 240;
/**
 * What the larger scan may add beyond 1.25× the smaller one's RSS: the heap budget's headroom. The
 * heap may hold that much garbage above the last live set before a full collection is forced; a scan
 * of a few dozen endpoints ends before its heap gets there, a longer one reaches it every time. That
 * growth is the collection schedule, not memory kept per endpoint (with an 8 MiB headroom the two
 * scans' peaks differ by under 10 MiB).
 */
const SLACK_MIB = HEADROOM_BYTES / 2 ** 20;

type ScanRun = { readonly rssMiB: number; readonly exitCode: number | null; readonly stderr: string; readonly report: JsonReport };
type JsonReport = ReportDocument;

/** Runs `hardcheck scan` under GNU time; resolves with the process's peak RSS and its JSON report. */
async function scan(dir: string, caPath: string, ports: readonly number[]): Promise<ScanRun> {
  mkdirSync(dir);
  const config = join(dir, "hardcheck.yaml");
  const out = join(dir, "out");
  writeFileSync(
    config,
    `packs: [tls-baseline]\ntrust: { caFile: ${JSON.stringify(caPath)} }\ntargets:\n${ports.map((port) => `  - { id: ep-${port}, endpoints: ["tls://127.0.0.1:${port}"] }`).join("\n")}\n`,
  );
  // Default formats (the JSON document and the console view), the console view discarded.
  const child = spawn("/usr/bin/time", ["-f", "peak-rss-kib %M", process.execPath, cli, "scan", "-c", config, "-o", out, "--fail-on", "none"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-16_384);
  });
  const exitCode = await new Promise<number | null>((resolveExit) => child.once("close", (code) => resolveExit(code)));
  const rssKib = Number(/peak-rss-kib (\d+)\s*$/.exec(stderr)?.[1] ?? Number.NaN);
  const report = parseReport(JSON.parse(readFileSync(join(out, "hardcheck.json"), "utf8")), "hardcheck.json");
  return { rssMiB: rssKib / 1024, exitCode, stderr, report };
}

/** Every endpoint has the same rules decided and none of them is `error`. */
function expectComplete(run: ScanRun, ports: readonly number[], rulesPerTarget: number): void {
  expect(run.exitCode, run.stderr).toBe(0);
  const errors = run.report.results.filter((result) => result.status === "error").map((result) => `${result.target} ${result.ruleId}: ${result.message}`);
  expect(errors.slice(0, 5)).toEqual([]);
  expect(run.report.summary.error).toBe(0);
  const perTarget = new Map<string, number>();
  for (const result of run.report.results) perTarget.set(result.target, (perTarget.get(result.target) ?? 0) + 1);
  expect([...perTarget.keys()].sort()).toEqual(ports.map((port) => `ep-${port}`).sort());
  expect(new Set(perTarget.values())).toEqual(new Set([rulesPerTarget]));
}

describe("peak memory as endpoints grow", () => {
  let pki: OpensslPki;
  let responder: ProcessServer;
  let lab: LabDir;
  let nginx: LabProcess;
  let ports: number[] = [];

  beforeAll(async () => {
    const ocspPort = await reserveLoopbackPort();
    pki = createOpensslPki({ ocspPort, leaves: { good: { commonName: "localhost", altNames: ["localhost", "127.0.0.1"] } } });
    responder = await startNamespacedServer({
      command: "openssl",
      args: [
        "ocsp",
        "-ignore_err",
        "-index",
        pki.indexPath,
        "-port",
        "2560",
        "-CA",
        pki.intermediatePath,
        "-rsigner",
        pki.ocspSigner.certPath,
        "-rkey",
        pki.ocspSigner.keyPath,
        "-ndays",
        "1",
      ],
      innerPort: 2560,
      outerPort: ocspPort,
    });
    const reserved = new Set<number>();
    while (reserved.size < LARGE) reserved.add(await reserveLoopbackPort());
    ports = [...reserved];
    lab = createLabDir("memory-flat");
    const leaf = pki.leaves.good;
    if (leaf === undefined) throw new Error("the lab PKI has no leaf named good");
    const conf = lab.write(
      "nginx.conf",
      [
        "worker_processes 1;",
        `events { worker_connections ${LARGE * 2 + 256}; }`,
        "http {",
        "  access_log off;",
        ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((kind) => `  ${kind}_temp_path ${join(lab.dir, `${kind}_temp`)};`),
        "  server {",
        ...ports.map((port) => `    listen 127.0.0.1:${port} ssl;`),
        `    ssl_certificate ${leaf.chainPath};`,
        `    ssl_certificate_key ${leaf.keyPath};`,
        "    ssl_protocols TLSv1.2 TLSv1.3;",
        "    location / { return 204; }",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
    nginx = await startLabProcess(
      "/usr/sbin/nginx",
      ["-c", conf, "-p", lab.dir, "-e", "stderr", "-g", `daemon off; pid ${join(lab.dir, "nginx.pid")};`],
      async () => (await Promise.all([ports[0], ports.at(-1)].map((port) => tcpPortAnswers(port ?? 0)))).every(Boolean),
    );
  });

  afterAll(async () => {
    await nginx?.stop();
    lab?.remove();
    await responder?.close();
    pki?.remove();
  });

  it(`keeps the peak RSS of ${LARGE} endpoints within 1.25× that of ${SMALL} plus ${SLACK_MIB} MiB, every endpoint decided`, { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "hardcheck-memory-flat-"));
    try {
      const smallPorts = ports.slice(0, SMALL);
      const small = await scan(join(dir, "small"), pki.rootPath, smallPorts);
      const rulesPerTarget = small.report.results.length / SMALL;
      expect(rulesPerTarget).toBeGreaterThan(5);
      expectComplete(small, smallPorts, rulesPerTarget);
      const large = await scan(join(dir, "large"), pki.rootPath, ports);
      expectComplete(large, ports, rulesPerTarget);
      expect(small.rssMiB).toBeGreaterThan(0);
      const bound = 1.25 * small.rssMiB + SLACK_MIB;
      expect(large.rssMiB, `peak RSS ${large.rssMiB.toFixed(0)} MiB for ${LARGE} endpoints, ${small.rssMiB.toFixed(0)} MiB for ${SMALL}`).toBeLessThanOrEqual(
        bound,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
