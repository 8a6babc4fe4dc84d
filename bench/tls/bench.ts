// Side-by-side TLS assessment bench: hardcheck vs testssl.sh, sslscan and nmap against the same lab
// servers, inside a private network namespace (run.sh starts it). Measures wall time (median), TCP
// connections (a counting proxy in front of every server), peak RSS (GNU time) and whether each
// tool's findings match the known defects. Writes results/results.json and prints a Markdown table.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type LabServerName, startTlsLab } from "@hardcheck/labs";

const HERE = join(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = join(HERE, "results");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TESTSSL_RUNS = Number(process.env.TESTSSL_RUNS ?? 1);

type Defect = "old-protocol" | "weak-cipher" | "expired" | "self-signed" | "sha1" | "wrong-host" | "missing-intermediate" | "revoked";
const DEFECTS: readonly Defect[] = ["old-protocol", "weak-cipher", "expired", "self-signed", "sha1", "wrong-host", "missing-intermediate", "revoked"];

/** The known truth: each bench server and its defects. */
const TRUTH: Readonly<Record<string, readonly Defect[]>> = {
  modern: [],
  legacy: ["old-protocol", "weak-cipher"],
  "3des-tls10": ["old-protocol", "weak-cipher"],
  expired: ["expired"],
  "self-signed": ["self-signed"],
  sha1: ["sha1"],
  "wrong-host": ["wrong-host"],
  "missing-intermediate": ["missing-intermediate"],
  revoked: ["revoked"],
};

/** A TCP proxy that counts the connections a tool opens. */
async function countingProxy(targetPort: number): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    connections++;
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no address");
  return {
    port: address.port,
    count: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Runs a command under GNU time; resolves with wall ms, CPU ms (user + system), peak RSS in KB and stdout. */
function measure(command: string, args: string[]): Promise<{ ms: number; cpuMs: number; rssKb: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("/usr/bin/time", ["-f", "HCRSS %M HCCPU %U %S", command, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      const rss = /HCRSS (\d+)/.exec(stderr);
      const cpu = /HCCPU ([\d.]+) ([\d.]+)/.exec(stderr);
      resolve({ ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : Number.NaN, rssKb: rss ? Number(rss[1]) : Number.NaN, stdout });
    });
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

type Tool = {
  name: string;
  runs: number;
  /**
   * argv for one run; `out` is a scratch file for the tool's machine-readable report; `connections`
   * gives the median connections a tool already measured opened on this server.
   */
  command: (port: number, out: string, connections: (tool: string) => number | undefined) => [string, string[]];
  /** The defects the tool's output reports; absent for a reference row that judges nothing. */
  findings?: (stdout: string, out: string) => Set<Defect>;
};

const read = (path: string) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
};

/** The defects hardcheck's rule verdicts report. */
function hardcheckDefects(verdicts: Readonly<Record<string, string>>): Set<Defect> {
  const failed = (rule: string) => verdicts[rule] === "fail";
  const found = new Set<Defect>();
  if (failed("TLS-PROTOCOL-VERSIONS")) found.add("old-protocol");
  if (failed("TLS-SUITE-CLASSES")) found.add("weak-cipher");
  if (failed("TLS-CHAIN-VALIDITY")) found.add("expired");
  if (failed("TLS-CERT-SELF-SIGNED")) found.add("self-signed");
  if (failed("TLS-CHAIN-SIGNATURE-HASH")) found.add("sha1");
  if (failed("TLS-CERT-HOSTNAME")) found.add("wrong-host");
  if (failed("TLS-CHAIN-COMPLETE")) found.add("missing-intermediate");
  if (failed("TLS-OCSP-NOT-REVOKED")) found.add("revoked");
  return found;
}

function toolsFor(rootPath: string): Tool[] {
  const hardcheckScript = join(HERE, ".build", "hardcheck", "hardcheck-assess.mjs");
  const floorScript = join(HERE, "node-floor.mjs");
  const cli = join(HERE, "..", "..", "packages", "cli", "dist", "command", "bin.js");
  return [
    {
      name: "hardcheck",
      runs: RUNS,
      command: (port) => [process.execPath, [hardcheckScript, `tls://127.0.0.1:${port}`, rootPath]],
      findings(stdout) {
        const { verdicts } = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { verdicts: Record<string, string> };
        return hardcheckDefects(verdicts);
      },
    },
    {
      // The command a user runs: the installed CLI, its modules loaded one by one, reports written.
      name: "hardcheck-cli",
      runs: RUNS,
      command: (port, out) => {
        rmSync(out, { recursive: true, force: true });
        mkdirSync(out, { recursive: true });
        const config = join(out, "hardcheck.yaml");
        writeFileSync(
          config,
          [
            "packs: [tls-baseline]",
            `trust: { caFile: ${JSON.stringify(rootPath)}, systemRoots: false }`,
            "limits: { connectTimeoutMs: 3000, probeTimeoutMs: 20000 }",
            "targets:",
            "  - id: bench",
            `    endpoints: [tls://127.0.0.1:${port}]`,
            "",
          ].join("\n"),
        );
        return [process.execPath, [cli, "scan", "--config", config, "--out", out, "--format", "json", "--stdout", "none", "--fail-on", "none"]];
      },
      findings(_stdout, out) {
        // hardcheck.json groups results by target, endpoint and pack.
        const report = JSON.parse(read(join(out, "hardcheck.json")) || '{"results":[]}') as { results: { results: { ruleId: string; status: string }[] }[] };
        return hardcheckDefects(Object.fromEntries(report.results.flatMap((group) => group.results.map((result) => [result.ruleId, result.status]))));
      },
    },
    {
      // Reference rows, lower bounds for any Node.js program: Node.js starting and exiting, and
      // Node.js opening as many connections as hardcheck did on the server, each carrying one
      // ClientHello and its first answer (node-floor.mjs), and nothing else.
      name: "node-start",
      runs: RUNS,
      command: () => [process.execPath, ["-e", "0"]],
    },
    {
      name: "node-floor",
      runs: RUNS,
      command: (port, _out, connections) => {
        const count = connections("hardcheck-cli") ?? connections("hardcheck");
        if (count === undefined) throw new Error("node-floor opens as many connections as hardcheck did: add hardcheck-cli or hardcheck to BENCH_TOOLS");
        return [process.execPath, [floorScript, String(port), String(count)]];
      },
    },
    {
      name: "testssl.sh",
      runs: TESTSSL_RUNS,
      command: (port, out) => {
        rmSync(out, { force: true });
        return ["testssl", ["--jsonfile", out, "--warnings", "off", "--add-ca", rootPath, `127.0.0.1:${port}`]];
      },
      findings(_stdout, out) {
        const entries = JSON.parse(read(out) || "[]") as { id: string; finding: string }[];
        const finding = (id: string) => entries.find((entry) => entry.id === id)?.finding ?? "";
        const found = new Set<Defect>();
        if (["SSLv2", "SSLv3", "TLS1", "TLS1_1"].some((id) => finding(id).startsWith("offered"))) found.add("old-protocol");
        if (
          ["cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_LOW", "cipherlist_3DES_IDEA"].some((id) => finding(id).startsWith("offered"))
        ) {
          found.add("weak-cipher");
        }
        if (/expired/i.test(finding("cert_expirationStatus"))) found.add("expired");
        if (/self.signed/i.test(finding("cert_chain_of_trust"))) found.add("self-signed");
        if (/SHA1/i.test(finding("cert_signatureAlgorithm"))) found.add("sha1");
        if (finding("cert_trust") !== "" && !/^Ok/i.test(finding("cert_trust"))) found.add("wrong-host");
        if (/chain incomplete|unable to get local issuer/i.test(finding("cert_chain_of_trust"))) found.add("missing-intermediate");
        if (entries.some((entry) => /revoked/i.test(entry.finding) && !/not revoked/i.test(entry.finding))) found.add("revoked");
        return found;
      },
    },
    {
      name: "sslscan",
      runs: RUNS,
      command: (port, out) => ["sslscan", [`--xml=${out}`, `127.0.0.1:${port}`]],
      findings(_stdout, out) {
        const xml = read(out);
        const found = new Set<Defect>();
        if (/<protocol type="ssl" version="[23]" enabled="1"|<protocol type="tls" version="1\.[01]" enabled="1"/.test(xml)) found.add("old-protocol");
        if (/<cipher status="(accepted|preferred)"[^>]*cipher="[^"]*(DES-CBC3|3DES|RC4|NULL|EXP|ADH|AECDH|anon|IDEA)/.test(xml)) found.add("weak-cipher");
        if (/<expired>true<\/expired>/.test(xml)) found.add("expired");
        if (/<self-signed>true<\/self-signed>/.test(xml)) found.add("self-signed");
        if (/<signature-algorithm>sha1/i.test(xml)) found.add("sha1");
        return found;
      },
    },
    {
      name: "nmap",
      runs: RUNS,
      command: (port, out) => ["nmap", ["-Pn", "-n", "-p", String(port), "--script", "ssl-enum-ciphers,ssl-cert", "-oX", out, "127.0.0.1"]],
      findings(_stdout, out) {
        const xml = read(out);
        const found = new Set<Defect>();
        if (/<table key="(SSLv3|TLSv1\.0|TLSv1\.1)">/.test(xml)) found.add("old-protocol");
        if (/<elem key="name">[^<]*(3DES|RC4|NULL|EXPORT|anon|_DES_|IDEA)/.test(xml)) found.add("weak-cipher");
        const notAfter = /<elem key="notAfter">([^<]+)</.exec(xml)?.[1];
        if (notAfter && Date.parse(notAfter) < Date.now()) found.add("expired");
        const subject = /<table key="subject">([\s\S]*?)<\/table>/.exec(xml)?.[1];
        const issuer = /<table key="issuer">([\s\S]*?)<\/table>/.exec(xml)?.[1];
        if (subject !== undefined && subject === issuer) found.add("self-signed");
        if (/<elem key="sig_algo">sha1/i.test(xml)) found.add("sha1");
        return found;
      },
    },
  ];
}

type Row = {
  tool: string;
  server: string;
  medianMs: number;
  /** Median CPU time of the process and its children (user + system): less sensitive to a busy machine than wall time. */
  cpuMs: number;
  /** hardcheck only: median time from process start until the bundle is loaded and evaluated. */
  loadedMs: number | null;
  inProcessMs: number | null;
  connections: number;
  ocspConnections: number;
  rssKb: number;
  /** Null for a reference row, which judges nothing. */
  missed: Defect[] | null;
  falseAlarms: Defect[] | null;
};

async function main() {
  mkdirSync(RESULTS, { recursive: true });
  const servers = Object.keys(TRUTH) as LabServerName[];
  const lab = await startTlsLab(servers);
  const rows: Row[] = [];
  try {
    const only = process.env.BENCH_TOOLS?.split(",");
    const tools = toolsFor(lab.pki.rootPath).filter((tool) => !only || only.includes(tool.name));
    for (const server of servers) {
      const proxy = await countingProxy(lab.endpoint(server).port);
      const measured = new Map<string, number>();
      for (const tool of tools) {
        const times: number[] = [];
        const rss: number[] = [];
        const connections: number[] = [];
        const ocsp: number[] = [];
        const inProcess: number[] = [];
        const cpu: number[] = [];
        const loaded: number[] = [];
        let last = { stdout: "", out: "" };
        for (let run = 0; run < tool.runs; run++) {
          const out = join(RESULTS, `${tool.name}-${server}.out`);
          const [command, args] = tool.command(proxy.port, out, (name) => measured.get(name));
          const before = proxy.count();
          const ocspBefore = lab.ocspResponder.connections();
          const result = await measure(command, args);
          times.push(result.ms);
          cpu.push(result.cpuMs);
          rss.push(result.rssKb);
          connections.push(proxy.count() - before);
          ocsp.push(lab.ocspResponder.connections() - ocspBefore);
          last = { stdout: result.stdout, out };
          const assessment = /"assessmentMs":([\d.]+)/.exec(result.stdout);
          if (assessment) inProcess.push(Number(assessment[1]));
          const loadedAt = /"loadedMs":([\d.]+)/.exec(result.stdout);
          if (loadedAt) loaded.push(Number(loadedAt[1]));
        }
        const found = tool.findings?.(last.stdout, last.out);
        const truth = new Set(TRUTH[server]);
        const row: Row = {
          tool: tool.name,
          server,
          medianMs: median(times),
          cpuMs: median(cpu),
          loadedMs: loaded.length > 0 ? median(loaded) : null,
          inProcessMs: inProcess.length > 0 ? median(inProcess) : null,
          connections: median(connections),
          ocspConnections: median(ocsp),
          rssKb: Math.max(...rss),
          missed: found ? DEFECTS.filter((defect) => truth.has(defect) && !found.has(defect)) : null,
          falseAlarms: found ? DEFECTS.filter((defect) => !truth.has(defect) && found.has(defect)) : null,
        };
        rows.push(row);
        measured.set(tool.name, row.connections);
        console.error(
          `${server.padEnd(22)} ${tool.name.padEnd(11)} ${row.medianMs.toFixed(0).padStart(7)} ms ${row.cpuMs.toFixed(0).padStart(6)} ms CPU ${String(row.connections).padStart(4)} conn  missed=${row.missed?.join(",") ?? "n/a"} false=${row.falseAlarms?.join(",") ?? "n/a"}`,
        );
      }
      await proxy.close();
    }
  } finally {
    await lab.close();
  }
  writeFileSync(join(RESULTS, "results.json"), `${JSON.stringify({ runs: RUNS, testsslRuns: TESTSSL_RUNS, rows }, null, 2)}\n`);
  console.log(markdownTable(rows));
  const ratios = ratioTable(rows);
  if (ratios) console.log(`\n${ratios}`);
}

/**
 * Wall time against sslscan's, per server: hardcheck's command, and the Node.js floors (starting
 * alone; the same number of connections, a ClientHello each, and nothing else), when measured.
 */
function ratioTable(rows: Row[]): string | undefined {
  const at = (tool: string, server: string) => rows.find((row) => row.tool === tool && row.server === server)?.medianMs;
  const servers = [...new Set(rows.map((row) => row.server))].filter((server) => at("sslscan", server) !== undefined);
  if (servers.length === 0) return undefined;
  const ratio = (ms: number | undefined, base: number) => (ms === undefined ? "—" : (ms / base).toFixed(2));
  const lines = ["| server | sslscan | hardcheck-cli | ratio | node-start | node-floor | floor ratio |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"];
  for (const server of servers) {
    const base = at("sslscan", server) as number;
    const show = (ms: number | undefined) => (ms === undefined ? "—" : `${ms.toFixed(0)} ms`);
    const [cli, start, floor] = ["hardcheck-cli", "node-start", "node-floor"].map((tool) => at(tool, server));
    lines.push(`| ${server} | ${show(base)} | ${show(cli)} | ${ratio(cli, base)} | ${show(start)} | ${show(floor)} | ${ratio(floor, base)} |`);
  }
  return lines.join("\n");
}

function markdownTable(rows: Row[]): string {
  const lines = [
    "| server | tool | median wall time (process) | CPU time | start-up | in-process assessment | TCP connections (+ OCSP) | peak RSS | defects missed | false alarms |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
  ];
  for (const row of rows) {
    const ms = row.medianMs >= 10_000 ? `${(row.medianMs / 1000).toFixed(1)} s` : `${row.medianMs.toFixed(0)} ms`;
    const connections = row.ocspConnections > 0 ? `${row.connections} (+${row.ocspConnections})` : String(row.connections);
    const inProcess = row.inProcessMs === null ? "—" : `${row.inProcessMs.toFixed(0)} ms`;
    const loaded = row.loadedMs === null ? "—" : `${row.loadedMs.toFixed(0)} ms`;
    const cpu = row.cpuMs >= 10_000 ? `${(row.cpuMs / 1000).toFixed(1)} s` : `${row.cpuMs.toFixed(0)} ms`;
    lines.push(
      `| ${row.server} | ${row.tool} | ${ms} | ${cpu} | ${loaded} | ${inProcess} | ${connections} | ${(row.rssKb / 1024).toFixed(0)} MB | ${row.missed === null ? "n/a" : row.missed.join(", ") || "—"} | ${row.falseAlarms === null ? "n/a" : row.falseAlarms.join(", ") || "—"} |`,
    );
  }
  return lines.join("\n");
}

await main();
