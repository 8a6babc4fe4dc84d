/**
 * The `ssh://user@host[:port]` transport on the ssh2 package: one connection per target, host key
 * verified against known_hosts before authentication completes, files over one SFTP channel,
 * commands on a bounded number of exec channels, privileged work through `sudo -n` when configured.
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  defineTransport,
  type ExecOptions,
  type ExecResult,
  type FileStat,
  type HostSpec,
  type HostTransport,
  hostImport,
  type SshOptions,
  type TransportDeps,
  type TransportProvider,
} from "@hardcheck/core";
import type { ConnectConfig, SFTPWrapper, Stats } from "ssh2";
import { detectUnixOs } from "../os-detection/detect-os.js";
import { TransportError } from "./errors.js";
import { keyTypeOf, knownHostsName, knownKeyTypes, parseKnownHosts, sha256Fingerprint, verifyHostKey } from "./known-hosts.js";
import { DEFAULT_EXEC_TIMEOUT_MS, MAX_OUTPUT_BYTES } from "./local.js";
import { quotePosixCommand } from "./shell-quote.js";

/** Channels open at once when the target sets no `ssh.maxChannels` (OpenSSH allows 10 per connection). */
export const DEFAULT_MAX_CHANNELS = 4;

/** Work done over one connection, for benchmarks and tests. */
export interface SshTransportStats {
  /** Exec channels opened (one per command: each costs a round trip or two). */
  execCalls: number;
  /** SFTP requests (read, list, stat). */
  sftpRequests: number;
  /** Highest number of channels open at the same time, SFTP included. */
  peakChannels: number;
}

/** The ssh transport with its counters and the raw command line that non-POSIX remote shells need. */
export interface SshHostTransport extends HostTransport {
  readonly stats: Readonly<SshTransportStats>;
  execCommandLine(commandLine: string, options?: ExecOptions): Promise<ExecResult>;
}

/** ssh2 names for the host-key algorithms a known_hosts key type can be checked with. */
const HOST_KEY_ALGORITHMS: Readonly<Record<string, readonly string[]>> = {
  "ssh-ed25519": ["ssh-ed25519"],
  "ecdsa-sha2-nistp256": ["ecdsa-sha2-nistp256"],
  "ecdsa-sha2-nistp384": ["ecdsa-sha2-nistp384"],
  "ecdsa-sha2-nistp521": ["ecdsa-sha2-nistp521"],
  "ssh-rsa": ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
};

/** Waits for a free channel slot; keeps the number of open channels at or below the limit. */
class ChannelSlots {
  #free: number;
  readonly #waiting: Array<() => void> = [];
  constructor(limit: number) {
    this.#free = limit;
  }
  async acquire(): Promise<() => void> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    };
  }
}

const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;

function statOfSftp(stats: Stats): FileStat {
  const type = stats.isFile() ? "file" : stats.isDirectory() ? "directory" : stats.isSymbolicLink() ? "symlink" : "other";
  return { type, size: stats.size, mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid, modified: new Date(stats.mtime * 1000).toISOString() };
}

interface ConnectSettings {
  readonly config: ConnectConfig;
  /** Filled by the host verifier, so a refused handshake can say which key and why. */
  readonly verdict: { kind?: ReturnType<typeof verifyHostKey>; fingerprint?: string; keyType?: string };
}

async function connectSettings(host: HostSpec, options: SshOptions, deps: TransportDeps): Promise<ConnectSettings> {
  const port = host.port ?? 22;
  const name = knownHostsName(host.location, port);
  const knownHostsFile = options.knownHosts ?? join(homedir(), ".ssh", "known_hosts");
  let knownHostsText = "";
  try {
    knownHostsText = await readFile(knownHostsFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || options.knownHosts) {
      throw new TransportError("HC_SSH_CONFIG", `cannot read known_hosts file ${knownHostsFile}`, "point ssh.knownHosts at a readable known_hosts file", {
        cause: error,
      });
    }
  }
  const entries = parseKnownHosts(knownHostsText);
  const strict = options.strictHostKeyChecking ?? true;
  const verdict: ConnectSettings["verdict"] = {};
  const config: ConnectConfig = {
    host: host.location,
    port,
    username: host.user ?? "root",
    readyTimeout: options.connectTimeoutMs ?? deps.limits.connectTimeoutMs,
    keepaliveInterval: 10_000,
    keepaliveCountMax: 3,
    hostVerifier: (key: Buffer) => {
      verdict.kind = verifyHostKey(entries, name, key);
      verdict.fingerprint = sha256Fingerprint(key);
      verdict.keyType = keyTypeOf(key);
      return verdict.kind === "trusted" || (verdict.kind === "unknown" && !strict);
    },
  };
  // Ask for the key types the file knows first, as OpenSSH does, so a host with several keys is not "changed".
  const known = knownKeyTypes(entries, name).flatMap((type) => HOST_KEY_ALGORITHMS[type] ?? []);
  if (known.length > 0) {
    const rest = Object.values(HOST_KEY_ALGORITHMS)
      .flat()
      .filter((algorithm) => !known.includes(algorithm));
    config.algorithms = { serverHostKey: [...known, ...rest] as never };
  }
  if (options.identityFile) {
    try {
      config.privateKey = await readFile(options.identityFile);
    } catch (error) {
      throw new TransportError("HC_SSH_CONFIG", `cannot read identity file ${options.identityFile}`, "point ssh.identityFile at a readable private key", {
        cause: error,
      });
    }
    if (options.passphrase) config.passphrase = await deps.secrets.resolve(options.passphrase);
  } else if (process.env.SSH_AUTH_SOCK) {
    config.agent = process.env.SSH_AUTH_SOCK;
  } else {
    throw new TransportError(
      "HC_SSH_CONFIG",
      `no key for ${host.spec}: no ssh.identityFile and no SSH agent (SSH_AUTH_SOCK)`,
      "set ssh.identityFile on the target or start an agent",
    );
  }
  return { config, verdict };
}

function describeConnectFailure(
  host: HostSpec,
  error: Error & { level?: string; code?: string },
  verdict: ConnectSettings["verdict"],
  knownHosts: string,
): TransportError {
  const where = `${host.location}:${host.port ?? 22}`;
  if (verdict.kind === "unknown") {
    return new TransportError(
      "HC_SSH_HOSTKEY_UNKNOWN",
      `${where} presented a ${verdict.keyType} host key ${verdict.fingerprint} that ${knownHosts} does not list`,
      "verify the fingerprint out of band, then add the key with ssh-keyscan to the known_hosts file",
    );
  }
  if (verdict.kind === "changed") {
    return new TransportError(
      "HC_SSH_HOSTKEY_CHANGED",
      `${where} presented a ${verdict.keyType} host key ${verdict.fingerprint} that differs from the one ${knownHosts} lists — possibly an attack`,
      "find out why the key changed before replacing the known_hosts line",
    );
  }
  if (verdict.kind === "revoked") {
    return new TransportError(
      "HC_SSH_HOSTKEY_REVOKED",
      `${where} presented the revoked host key ${verdict.fingerprint}`,
      "do not connect; reinstall the host's keys",
    );
  }
  if (error.level === "client-authentication") {
    return new TransportError(
      "HC_SSH_AUTH",
      `${where} refused authentication as the configured user`,
      "check the user, the key and the server's authorized_keys",
      { cause: error },
    );
  }
  if (error.message.includes("private") || error.message.includes("passphrase")) {
    return new TransportError("HC_SSH_CONFIG", `the identity file cannot be used: ${error.message}`, "check the key file and its passphrase reference", {
      cause: error,
    });
  }
  return new TransportError(
    "HC_SSH_CONNECT",
    `cannot connect to ${where}: ${error.code ?? error.message}`,
    "check that the host is up and runs an SSH server on that port",
    {
      cause: error,
    },
  );
}

/** Opens one SSH connection for a target; rejects with a {@link TransportError} naming the cause. */
export async function openSshTransport(host: HostSpec, deps: TransportDeps): Promise<SshHostTransport> {
  const options = deps.target.ssh ?? {};
  const { config, verdict } = await connectSettings(host, options, deps);
  const knownHostsLabel = options.knownHosts ?? "~/.ssh/known_hosts";
  // ssh2 is loaded with the first SSH connection: a scan without ssh:// hosts never pays for it.
  const { Client } = await (hostImport<typeof import("ssh2")>("ssh2") ?? import("ssh2"));
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      deps.signal.removeEventListener("abort", onAbort);
      client.end();
      reject(error);
    };
    const onAbort = () => fail(new TransportError("HC_SSH_CONNECT", `connecting to ${host.location} was cancelled`, "let the scan run longer"));
    deps.signal.addEventListener("abort", onAbort, { once: true });
    client.once("ready", () => {
      settled = true;
      deps.signal.removeEventListener("abort", onAbort);
      resolve();
    });
    client.on("error", (error) => fail(describeConnectFailure(host, error, verdict, knownHostsLabel)));
    client.once("close", () =>
      fail(
        verdict.kind && verdict.kind !== "trusted" && verdict.kind !== "unknown"
          ? describeConnectFailure(host, new Error("closed"), verdict, knownHostsLabel)
          : new TransportError(
              "HC_SSH_DROPPED",
              `${host.location}:${host.port ?? 22} closed the connection during the handshake`,
              "check the server's logs (MaxStartups, AllowUsers, a firewall)",
            ),
      ),
    );
    try {
      client.connect(config);
    } catch (error) {
      fail(describeConnectFailure(host, error as Error, verdict, knownHostsLabel));
    }
  });

  const stats: SshTransportStats = { execCalls: 0, sftpRequests: 0, peakChannels: 0 };
  const maxChannels = options.maxChannels ?? DEFAULT_MAX_CHANNELS;
  // The SFTP channel stays open once started, so it takes one of the slots for good.
  const slots = new ChannelSlots(maxChannels);
  let openChannels = 0;
  const channelOpened = () => {
    openChannels++;
    stats.peakChannels = Math.max(stats.peakChannels, openChannels);
  };
  let dropped: TransportError | undefined;
  let closing = false;
  client.on("error", () => {});
  client.on("close", () => {
    if (!closing)
      dropped = new TransportError("HC_SSH_DROPPED", `${host.location} dropped the SSH connection`, "check the host and the network, then scan again");
  });
  const ensureConnected = () => {
    if (dropped) throw dropped;
  };

  let sftpSession: Promise<SFTPWrapper> | undefined;
  const sftp = () => {
    ensureConnected();
    sftpSession ??= (async () => {
      const release = await slots.acquire();
      return new Promise<SFTPWrapper>((resolve, reject) => {
        client.sftp((error, session) => {
          if (error) {
            release();
            reject(
              new TransportError("HC_SSH_CONNECT", `SFTP is unavailable on ${host.location}: ${error.message}`, "enable the sftp subsystem in sshd_config"),
            );
            return;
          }
          channelOpened();
          session.on("close", () => {
            openChannels--;
            release();
            sftpSession = undefined;
          });
          resolve(session);
        });
      });
    })();
    return sftpSession;
  };

  const runCommandLine = async (commandLine: string, execOptions: ExecOptions = {}): Promise<ExecResult> => {
    ensureConnected();
    const release = await slots.acquire();
    stats.execCalls++;
    const timeoutMs = execOptions.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    try {
      return await new Promise<ExecResult>((resolve, reject) => {
        client.exec(commandLine, (error, channel) => {
          if (error) {
            reject(
              dropped ??
                new TransportError(
                  "HC_SSH_CONNECT",
                  `cannot open a channel on ${host.location}: ${error.message}`,
                  "lower ssh.maxChannels or raise MaxSessions in sshd_config",
                ),
            );
            return;
          }
          channelOpened();
          const stdout: Buffer[] = [];
          const stderr: Buffer[] = [];
          let size = 0;
          let failure: Error | undefined;
          const collect = (into: Buffer[]) => (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_OUTPUT_BYTES) {
              failure ??= new Error(`output of "${commandLine.slice(0, 60)}" exceeds ${MAX_OUTPUT_BYTES} bytes`);
              channel.close();
            } else into.push(chunk);
          };
          channel.on("data", collect(stdout));
          channel.stderr.on("data", collect(stderr));
          const timer = setTimeout(() => {
            failure ??= new TransportError(
              "HC_EXEC_TIMEOUT",
              `a command on ${host.location} did not finish within ${timeoutMs} ms`,
              "raise the probe timeout or check the host's load",
            );
            channel.close();
          }, timeoutMs);
          channel.on("close", (code: number | null | undefined, signalName?: string) => {
            clearTimeout(timer);
            openChannels--;
            if (failure) return reject(failure);
            if (code === undefined && dropped) return reject(dropped);
            resolve({
              exitCode: typeof code === "number" ? code : signalName ? 128 : 255,
              stdout: Buffer.concat(stdout).toString("utf8"),
              stderr: Buffer.concat(stderr).toString("utf8"),
            });
          });
          channel.end(execOptions.stdin ?? undefined);
        });
      });
    } finally {
      release();
    }
  };

  const exec = (argv: readonly string[], execOptions: ExecOptions = {}) =>
    runCommandLine(quotePosixCommand(execOptions.privileged && options.sudo ? ["sudo", "-n", "--", ...argv] : argv), execOptions);

  const sftpCall = async <T>(
    path: string,
    call: (session: SFTPWrapper, done: (error: (Error & { code?: number }) | null | undefined, value?: T) => void) => void,
  ) => {
    const session = await sftp();
    stats.sftpRequests++;
    return new Promise<T | undefined>((resolve, reject) =>
      call(session, (error, value) => {
        if (!error) return resolve(value);
        if (error.code === SFTP_NO_SUCH_FILE) return resolve(undefined);
        if (error.code === SFTP_PERMISSION_DENIED) {
          return reject(
            new TransportError(
              "HC_READ_DENIED",
              `${path} is not readable by ${host.user ?? "the SSH user"}`,
              "set ssh.sudo: true with passwordless sudo for the user",
              { cause: error },
            ),
          );
        }
        reject(dropped ?? error);
      }),
    );
  };

  const transport: SshHostTransport = {
    kind: "ssh",
    canExec: true,
    stats,
    async readFile(path) {
      try {
        const data = await sftpCall<Buffer>(path, (session, done) => session.readFile(path, (error, buffer) => done(error, buffer)));
        return data?.toString("utf8");
      } catch (error) {
        if (!(error instanceof TransportError && error.code === "HC_READ_DENIED" && options.sudo)) throw error;
        const result = await exec(["cat", "--", path], { privileged: true });
        if (result.exitCode !== 0) throw error;
        return result.stdout;
      }
    },
    async listDir(path) {
      const list = await sftpCall<{ filename: string }[]>(path, (session, done) => session.readdir(path, (error, entries) => done(error, entries)));
      return list
        ?.map((entry) => entry.filename)
        .filter((name) => name !== "." && name !== "..")
        .sort();
    },
    async stat(path) {
      const stats = await sftpCall<Stats>(path, (session, done) => session.lstat(path, (error, value) => done(error, value)));
      return stats ? statOfSftp(stats) : undefined;
    },
    exec,
    execCommandLine: (commandLine, execOptions) => runCommandLine(commandLine, execOptions),
    async close() {
      closing = true;
      await new Promise<void>((resolve) => {
        client.once("close", () => resolve());
        client.end();
        setTimeout(resolve, 1000).unref();
      });
    },
  };
  return transport;
}

/** Provider of the `ssh://` transport (configure keys, known_hosts and sudo in the target's `ssh:` block). */
export const sshTransportProvider: TransportProvider = defineTransport({
  kind: "ssh",
  description: "a remote host over SSH (ssh2): host key checked against known_hosts, one connection, files over SFTP, commands as argv",
  open: (host, deps) => openSshTransport(host, deps),
  detectOs: detectUnixOs,
});
