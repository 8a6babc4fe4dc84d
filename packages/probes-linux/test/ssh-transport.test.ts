// The ssh:// transport against a real OpenSSH server on loopback, and against hostile listeners.
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import {
  configFromObject,
  Hardcheck,
  type HostSpec,
  type HostTransport,
  type JsonObject,
  type PluginContext,
  SecretResolver,
  type SshOptions,
  silentLogger,
  systemClock,
  type Target,
  type TransportDeps,
} from "@hardcheck/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { register as linuxProbes, openLocalTransport, openSshTransport, probes, type SshHostTransport, sshTransportProvider } from "../src/index.js";
import { linuxBaselinePack as checklists, linuxBaselineRuleCount } from "./linux-baseline-pack.js";
import { freePort, SSHD_BINARY, startTestSshd, type TestSshd } from "./sshd.js";

const available = existsSync(SSHD_BINARY);
if (!available) console.warn(`SKIPPED SSH transport tests: ${SSHD_BINARY} is missing (openssh-server is in scripts/system-packages.txt)`);

let sshd: TestSshd;
const hostile: Server[] = [];

function depsFor(target: Target): TransportDeps {
  return {
    target,
    signal: new AbortController().signal,
    limits: { concurrency: 8, perHost: 4, connectTimeoutMs: 5000, probeTimeoutMs: 20_000, scanTimeoutMs: 0 },
    clock: systemClock,
    scanClock: systemClock,
    logger: silentLogger,
    secrets: new SecretResolver(),
  } as unknown as TransportDeps;
}

function open(ssh: SshOptions, port = sshd.port, user = sshd.user): Promise<SshHostTransport> {
  const host: HostSpec = { spec: `ssh://${user}@127.0.0.1:${port}`, kind: "ssh", location: "127.0.0.1", user, port };
  return openSshTransport(host, depsFor({ id: "t", host, ssh, tags: [], endpoints: [] }));
}

beforeAll(async () => {
  if (available) sshd = await startTestSshd();
});

afterAll(async () => {
  await sshd?.stop();
  for (const server of hostile) server.close();
});

describe.runIf(available)("ssh:// transport against OpenSSH", () => {
  it("reads files, lists, stats and runs argv with quoting intact", async () => {
    const transport = await open({ identityFile: sshd.identityFile, knownHosts: sshd.knownHosts });
    try {
      expect(await transport.readFile("/etc/os-release")).toContain("ID=");
      expect(await transport.readFile("/nonexistent/file")).toBeUndefined();
      expect(await transport.readFile("/proc/net/tcp")).toContain("local_address");
      expect(await transport.listDir("/etc")).toContain("passwd");
      expect(await transport.stat("/etc/passwd")).toMatchObject({ type: "file", uid: 0 });
      const echoed = await transport.exec(["printf", "%s|", "it's", "$HOME", "a b", "`id`"]);
      expect(echoed).toEqual({ exitCode: 0, stdout: "it's|$HOME|a b|`id`|", stderr: "" });
      expect((await transport.exec(["sh", "-c", "exit 3"])).exitCode).toBe(3);
      expect((await transport.exec(["no-such-command-here"])).exitCode).toBe(127);
      expect((await transport.execCommandLine("echo $((6*7))")).stdout).toBe("42\n");
    } finally {
      await transport.close();
    }
  });

  it("keeps at most maxChannels channels open however many calls are in flight", async () => {
    const transport = await open({ identityFile: sshd.identityFile, knownHosts: sshd.knownHosts, maxChannels: 2 });
    try {
      const results = await Promise.all(Array.from({ length: 12 }, (_, index) => transport.exec(["echo", String(index)])));
      expect(results.map((result) => result.stdout.trim())).toEqual(Array.from({ length: 12 }, (_, index) => String(index)));
      expect(transport.stats.peakChannels).toBeLessThanOrEqual(2);
      expect(transport.stats.execCalls).toBe(12);
    } finally {
      await transport.close();
    }
  });

  it("every probe gives over SSH the facts it gives over local: for the same machine", async () => {
    const ssh = await open({ identityFile: sshd.identityFile, knownHosts: sshd.knownHosts });
    const local = openLocalTransport();
    const volatile = new Set(["network.listening", "network.listeningPorts", "network.externalListeningPorts", "updates.lastRefreshAgeDays"]);
    try {
      for (const probe of probes) {
        const deps = (transport: HostTransport) => ({ ...depsFor({ id: "t", tags: [], endpoints: [] }), transport });
        const params: JsonObject = probe.meta.id === "filesystem-walk" ? { paths: ["/etc", "/usr"] } : {};
        const viaSsh = await probe.collect({ spec: "ssh://x", kind: "ssh", location: "127.0.0.1" }, params, deps(ssh));
        const viaLocal = await probe.collect({ spec: "local:", kind: "local", location: "" }, params, deps(local));
        const strip = (outcome: typeof viaSsh) =>
          "facts" in outcome ? Object.fromEntries(Object.entries(outcome.facts).filter(([name]) => !volatile.has(name))) : outcome;
        expect(strip(viaSsh), probe.meta.id).toEqual(strip(viaLocal));
      }
    } finally {
      await ssh.close();
    }
  }, 120_000);

  it("a whole linux-baseline scan uses one connection for all probes of the host", async () => {
    const before = (sshd.log().match(/Accepted publickey/g) ?? []).length;
    const config = configFromObject({
      packs: ["linux-baseline"],
      tailoring: { "linux-baseline": { walkPaths: ["/etc", "/usr"] } },
      targets: [
        {
          id: "loopback",
          host: `ssh://${sshd.user}@127.0.0.1:${sshd.port}`,
          os: "linux",
          ssh: { identityFile: sshd.identityFile, knownHosts: sshd.knownHosts },
        },
      ],
    });
    const hardcheck = await Hardcheck.create({ plugins: [linuxProbes, checklists], config });
    const report = await hardcheck.scan(config);
    expect(report.results.length).toBe(linuxBaselineRuleCount);
    expect(report.results.filter((result) => result.status === "error").map((result) => `${result.ruleId}: ${result.message}`)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((sshd.log().match(/Accepted publickey/g) ?? []).length - before).toBe(1);
  }, 120_000);

  it("refuses a host whose key differs from known_hosts, naming the presented fingerprint", async () => {
    await expect(open({ identityFile: sshd.identityFile, knownHosts: sshd.wrongKnownHosts })).rejects.toThrow(
      new RegExp(`HC_SSH_HOSTKEY_CHANGED: .*${sshd.hostKeyFingerprint.replace(/[+/]/g, "\\$&")}`),
    );
  });

  it("refuses an unknown host key by default and accepts it only when strict checking is off", async () => {
    await expect(open({ identityFile: sshd.identityFile, knownHosts: sshd.emptyKnownHosts })).rejects.toThrow(/HC_SSH_HOSTKEY_UNKNOWN: .*SHA256:/);
    const lenient = await open({ identityFile: sshd.identityFile, knownHosts: sshd.emptyKnownHosts, strictHostKeyChecking: false });
    await lenient.close();
  });

  it("reports refused authentication as such", async () => {
    await expect(open({ identityFile: sshd.strangerIdentityFile, knownHosts: sshd.knownHosts })).rejects.toThrow(/HC_SSH_AUTH: /);
  });

  it("turns a failed open into errors for the host's checks, not a crash", async () => {
    const config = configFromObject({
      packs: ["linux-baseline"],
      targets: [
        {
          id: "spoofed",
          host: `ssh://${sshd.user}@127.0.0.1:${sshd.port}`,
          os: "linux",
          ssh: { identityFile: sshd.identityFile, knownHosts: sshd.wrongKnownHosts },
        },
      ],
    });
    const hardcheck = await Hardcheck.create({ plugins: [linuxProbes, checklists], config });
    const report = await hardcheck.scan(config);
    expect(new Set(report.results.map((result) => result.status))).toEqual(new Set(["error"]));
    expect(report.results[0]?.message).toContain("HC_SSH_HOSTKEY_CHANGED");
  });
});

describe("ssh:// transport against hostile listeners", () => {
  it("a server that drops the connection after its banner is an error, not a hang", async () => {
    const server = createServer((socket) => socket.end("SSH-2.0-OpenSSH_9.2\r\n"));
    hostile.push(server);
    const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
    await expect(open({ identityFile: sshd?.identityFile ?? "/dev/null", knownHosts: sshd?.knownHosts ?? "/dev/null" }, port, "nobody")).rejects.toThrow(
      /HC_SSH_(DROPPED|CONNECT): /,
    );
  });

  it("a closed port is a connect error", async () => {
    const port = await freePort();
    await expect(open({ identityFile: sshd?.identityFile ?? "/dev/null", knownHosts: sshd?.knownHosts ?? "/dev/null" }, port, "nobody")).rejects.toThrow(
      /HC_SSH_CONNECT: .*ECONNREFUSED/,
    );
  });

  it("the provider is registered as the ssh transport", () => {
    const kinds: string[] = [];
    linuxProbes({ registerProbe: () => {}, registerTransport: (provider: { kind: string }) => kinds.push(provider.kind) } as unknown as PluginContext);
    expect(kinds).toEqual(["local", "root", "ssh"]);
    expect(sshTransportProvider.kind).toBe("ssh");
  });
});
