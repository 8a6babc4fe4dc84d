#!/usr/bin/env node
// Scale bench: one nginx serving N loopback TLS listeners (a good chain from a lab CA, its OCSP
// responder in the leaf's AIA), scanned by hardcheck (tls-baseline, one target per endpoint) and, in
// the same run, by `nmap -sT --script ssl-enum-ciphers,ssl-cert` and `sslscan` (4 in parallel).
// Prints wall time, peak RSS, connections per endpoint (nginx's accepted-connection counter) and
// the ratios. Peer tools are installed from Debian when missing (bench-only, not test dependencies).
// Usage (as root): node bench/scale/run.mjs [N ...]   default N: 100 1000; BENCH_TOOLS=hardcheck to skip peers
// The bench re-runs itself inside a private network namespace (`unshare -n`, only loopback), so its
// listeners at 20000 and up never meet ports that tests on the host have reserved, and nothing it
// starts reaches the network. HARDCHECK_BENCH_NETNS=1 marks the run inside; set it yourself only when
// you already start the bench in a namespace of its own.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createOpensslPki, startNamespacedServer } from "@hardcheck/testkit";

const root = resolve(import.meta.dirname, "..", "..");
const cli = join(root, "packages", "cli", "dist", "command", "bin.js");
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const tools = (process.env.BENCH_TOOLS ?? "hardcheck,nmap,sslscan").split(",");
/** Extra node flags for the hardcheck process (e.g. `--max-old-space-size=128`, `--heap-prof`). */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
const FIRST_PORT = 20_000; // below the ephemeral range, so listeners never collide with outgoing ports

if (process.env.HARDCHECK_BENCH_NETNS !== "1") {
  // Peers are installed from the host's network before entering the namespace, which has none.
  ensurePeers();
  // nginx's master opens every listener itself: raise the open-file limit to the hard limit first.
  const inner = 'ulimit -n "$(ulimit -Hn)" && ip link set lo up && exec "$0" "$@"';
  const result = spawnSync("unshare", ["--net", "sh", "-c", inner, process.execPath, ...process.execArgv, import.meta.filename, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, HARDCHECK_BENCH_NETNS: "1" },
  });
  if (result.error) throw result.error;
  process.exit(result.status ?? 1);
}

function ensurePeers() {
  const missing = [
    ["nmap", "nmap"],
    ["sslscan", "sslscan"],
  ].filter(([command]) => tools.includes(command) && !commandExists(command));
  if (missing.length === 0) return;
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", ...missing.map(([, pkg]) => pkg)], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

function commandExists(command) {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Runs a command under GNU time; returns wall seconds and peak RSS in MiB. */
/**
 * Runs a tool under /usr/bin/time without blocking this process: the OCSP responder's bridge into its
 * network namespace lives in this process's event loop, so a synchronous wait would stall every
 * revocation check of the tool being timed.
 */
async function timed(command, args) {
  const started = performance.now();
  const child = spawn("/usr/bin/time", ["-f", "%e %M", command, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-65_536);
  });
  const exitCode = await new Promise((resolveExit) => child.once("close", (code) => resolveExit(code)));
  const last = stderr.trim().split("\n").at(-1) ?? "";
  const [, rssKb] = last.split(" ").map(Number);
  return { seconds: (performance.now() - started) / 1000, rssMiB: (rssKb ?? 0) / 1024, exitCode };
}

async function acceptedConnections(statusPort) {
  const text = await (await fetch(`http://127.0.0.1:${statusPort}/status`)).text();
  return Number(/\n\s*(\d+)\s+\d+\s+\d+/.exec(text)?.[1] ?? Number.NaN);
}

async function runSize(pki, count, statusPort) {
  const dir = mkdtempSync(join(tmpdir(), `hc-scale-${count}-`));
  const ports = Array.from({ length: count }, (_, i) => FIRST_PORT + i);
  const leaf = pki.leaves.good;
  writeFileSync(
    join(dir, "nginx.conf"),
    [
      "daemon off;",
      "worker_processes 2;",
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      `worker_rlimit_nofile ${count * 4 + 1024};`,
      `events { worker_connections ${count * 2 + 1024}; }`,
      "http {",
      "  access_log off;",
      `  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};`,
      `  server { listen 127.0.0.1:${statusPort}; location /status { stub_status; } }`,
      "  server {",
      ...ports.map((port) => `    listen 127.0.0.1:${port} ssl;`),
      `    ssl_certificate ${leaf.chainPath ?? leaf.certPath};`,
      `    ssl_certificate_key ${leaf.keyPath};`,
      "    ssl_protocols TLSv1.2 TLSv1.3;",
      "    location / { return 204; }",
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  const nginx = spawn("nginx", ["-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")], { stdio: "ignore" });
  let running = true;
  const exited = new Promise((resolveExit) =>
    nginx.once("exit", () => {
      running = false;
      resolveExit(undefined);
    }),
  );
  try {
    for (let i = 0; ; i++) {
      if (!running) throw new Error(`nginx exited: ${readFileSync(join(dir, "error.log"), "utf8").trim()}`);
      try {
        await acceptedConnections(statusPort);
        break;
      } catch (error) {
        // Thousands of listeners take nginx a while to open.
        if (i >= 600) throw error;
        await new Promise((resolveWait) => setTimeout(resolveWait, 100));
      }
    }
    const rows = [];
    if (tools.includes("hardcheck")) {
      writeFileSync(join(dir, "ca.pem"), readFileSync(pki.rootPath));
      writeFileSync(
        join(dir, "hardcheck.yaml"),
        `packs: [tls-baseline]\ntrust: { caFile: ./ca.pem }\ntargets:\n${ports.map((port) => `  - { id: ep-${port}, endpoints: ["tls://127.0.0.1:${port}"] }`).join("\n")}\n`,
      );
      const before = await acceptedConnections(statusPort);
      const run = await timed(process.execPath, [
        ...nodeArgs,
        cli,
        "scan",
        "-c",
        join(dir, "hardcheck.yaml"),
        "-o",
        join(dir, "out"),
        "--stdout",
        "none",
        "--fail-on",
        "none",
      ]);
      const connections = ((await acceptedConnections(statusPort)) - before - 1) / count;
      const report = JSON.parse(readFileSync(join(dir, "out", "hardcheck.json"), "utf8"));
      const bytes = readFileSync(join(dir, "out", "hardcheck.json")).length;
      // BENCH_KEEP_REPORT=<file>: keep the JSON report of the last size for a look at what it holds.
      if (process.env.BENCH_KEEP_REPORT) copyFileSync(join(dir, "out", "hardcheck.json"), process.env.BENCH_KEEP_REPORT);
      const files = readdirSync(join(dir, "out"))
        .map((name) => `${name} ${(statSync(join(dir, "out", name)).size / 2 ** 20).toFixed(1)} MiB`)
        .join(", ");
      const failing = [
        ...new Set(
          report.results
            .flatMap((group) => group.results)
            .filter((result) => result.status === "fail" || result.status === "error")
            .map((result) => `${result.ruleId} ${result.status}`),
        ),
      ];
      rows.push({
        tool: "hardcheck",
        ...run,
        connections,
        note: `${report.summary.pass} pass, ${report.summary.fail} fail, ${report.summary.error} error${failing.length ? ` (${failing.join(", ")})` : ""}; ${(bytes / count / 1024).toFixed(1)} KB of JSON per endpoint; ${files}`,
      });
    }
    if (tools.includes("nmap")) {
      const before = await acceptedConnections(statusPort);
      const run = await timed("nmap", [
        "-sT",
        "-Pn",
        "-n",
        "-p",
        `${FIRST_PORT}-${FIRST_PORT + count - 1}`,
        "--script",
        "ssl-enum-ciphers,ssl-cert",
        "-oX",
        join(dir, "nmap.xml"),
        "127.0.0.1",
      ]);
      rows.push({ tool: "nmap", ...run, connections: ((await acceptedConnections(statusPort)) - before - 1) / count, note: "" });
    }
    if (tools.includes("sslscan")) {
      const before = await acceptedConnections(statusPort);
      // Four at a time, as a user would parallelise a per-host tool.
      const script = `printf '%s\\n' ${ports.map((port) => `127.0.0.1:${port}`).join(" ")} | xargs -P 4 -n 1 sslscan --no-colour --xml=- > /dev/null`;
      const run = await timed("sh", ["-c", script]);
      rows.push({
        tool: "sslscan ×4",
        ...run,
        connections: ((await acceptedConnections(statusPort)) - before - 1) / count,
        note: "RSS: largest single process",
      });
    }
    return rows;
  } finally {
    if (running) nginx.kill("SIGQUIT");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

// Fixed ports just below the listeners: the namespace is this bench's own, and a port picked at
// random could fall among the listeners once there are thousands of them.
const ocspPort = FIRST_PORT - 2;
const statusPort = FIRST_PORT - 1;
const pki = createOpensslPki({ ocspPort, leaves: { good: { commonName: "localhost", altNames: ["localhost", "127.0.0.1"] } } });
const responder = await startNamespacedServer({
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
try {
  console.log(
    `machine: ${execFileSync("nproc", { encoding: "utf8" }).trim()} cores, load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`,
  );
  for (const count of sizes.length > 0 ? sizes : [100, 1000]) {
    const rows = await runSize(pki, count, statusPort);
    const base = rows.find((row) => row.tool === "hardcheck");
    console.log(`\n${count} endpoints`);
    console.log("| tool | wall | peak RSS | connections per endpoint | wall vs hardcheck | note |\n|---|---:|---:|---:|---:|---|");
    for (const row of rows) {
      const ratio = base ? (row.seconds / base.seconds).toFixed(2) : "–";
      console.log(`| ${row.tool} | ${row.seconds.toFixed(1)} s | ${row.rssMiB.toFixed(0)} MiB | ${row.connections.toFixed(1)} | ${ratio} | ${row.note} |`);
    }
  }
} finally {
  await responder.close();
  pki.remove();
}
