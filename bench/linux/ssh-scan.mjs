// Bench: one linux-baseline scan of this machine over ssh:// (OpenSSH on 127.0.0.1, one connection).
// Prints wall time, SSH round trips (exec channels and SFTP requests), channels at once and peak RSS.
// Needs /usr/sbin/sshd and ssh-keygen (openssh-server, openssh-client). Usage: node bench/linux/ssh-scan.mjs [runs] [--without-apt]
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { register as checklists } from "@hardcheck/checklists";
import { configFromObject, Hardcheck } from "@hardcheck/core";
import { localTransportProvider, probes, rootTransportProvider, sshTransportProvider } from "@hardcheck/probes-linux";

const runs = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 5);
// --without-apt leaves out apt-updates, whose `apt-get -s dist-upgrade` is CPU work on the scanned host, not transport cost.
const withoutApt = process.argv.includes("--without-apt");
const dir = mkdtempSync(join(tmpdir(), "hardcheck-bench-sshd-"));
for (const name of ["host", "client"]) execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, name)]);
const port = await new Promise((resolve) => {
  const server = createServer().listen(0, "127.0.0.1", () => {
    const { port: free } = server.address();
    server.close(() => resolve(free));
  });
});
const hostKey = readFileSync(join(dir, "host.pub"), "utf8").split(" ").slice(0, 2).join(" ");
writeFileSync(join(dir, "known_hosts"), `[127.0.0.1]:${port} ${hostKey}\n`);
writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client.pub")));
writeFileSync(
  join(dir, "sshd_config"),
  `Port ${port}\nListenAddress 127.0.0.1\nHostKey ${join(dir, "host")}\nPidFile ${join(dir, "pid")}\nAuthorizedKeysFile ${join(dir, "authorized_keys")}\nStrictModes no\nUsePAM no\nPasswordAuthentication no\nMaxSessions 10\nSubsystem sftp internal-sftp\n`,
);
if (!existsSync("/run/sshd")) mkdirSync("/run/sshd", { recursive: true });
const sshd = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", join(dir, "sshd_config")], { stdio: "ignore" });
for (let open = false; !open; ) {
  open = await new Promise((resolve) =>
    connect({ host: "127.0.0.1", port }, function () {
      this.destroy();
      resolve(true);
    }).once("error", () => resolve(false)),
  );
  if (!open) await new Promise((resolve) => setTimeout(resolve, 50));
}

// The ssh provider wrapped so the bench can read the connection's counters after the scan.
const opened = [];
const countingSsh = {
  ...sshTransportProvider,
  open: async (host, deps) => {
    const transport = await sshTransportProvider.open(host, deps);
    opened.push(transport);
    return transport;
  },
};
const plugin = (context) => {
  for (const probe of probes) context.registerProbe(probe);
  for (const provider of [localTransportProvider, rootTransportProvider, countingSsh]) context.registerTransport(provider);
};
const user = userInfo().username;
const config = configFromObject({
  packs: ["linux-baseline"],
  targets: [
    { id: "loopback", host: `ssh://${user}@127.0.0.1:${port}`, os: "linux", ssh: { identityFile: join(dir, "client"), knownHosts: join(dir, "known_hosts") } },
  ],
});
const hardcheck = await Hardcheck.create({ plugins: [plugin, checklists], config });
const ruleIds = (await hardcheck.resolve(config)).rules.map((compiled) => compiled.rule.id);

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 5);
const rows = [];
try {
  for (let run = 0; run < runs; run++) {
    opened.length = 0;
    const started = performance.now();
    const report = await hardcheck.scan(config, withoutApt ? { selection: { rules: ruleIds.filter((id) => id !== "LNX-SECURITY-UPDATES") } } : {});
    const wallMs = performance.now() - started;
    const stats = opened.map((transport) => transport.stats);
    rows.push({
      wallMs: Math.round(wallMs),
      connections: opened.length,
      execCalls: stats.reduce((sum, s) => sum + s.execCalls, 0),
      sftpRequests: stats.reduce((sum, s) => sum + s.sftpRequests, 0),
      peakChannels: Math.max(...stats.map((s) => s.peakChannels)),
      errors: report.summary.error,
    });
  }
} finally {
  clearInterval(sampler);
  sshd.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
const walls = rows.map((row) => row.wallMs).sort((a, b) => a - b);
console.table(rows);
console.log(
  JSON.stringify({ runs, medianWallMs: walls[Math.floor(walls.length / 2)], bestWallMs: walls[0], ...rows.at(-1), peakRssMiB: Math.round(peakRss / 1048576) }),
);
