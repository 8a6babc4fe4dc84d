// A throw-away OpenSSH server on 127.0.0.1: generated host key, key-only login for the current user,
// authorized_keys and logs in a temp dir. Stopped by its own PID.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { connect as tcpConnect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { reserveLoopbackPort } from "@hardcheck/testkit";

/** A running sshd and the files a client needs to reach it. */
export interface TestSshd {
  readonly port: number;
  readonly user: string;
  readonly dir: string;
  /** Client key the server accepts. */
  readonly identityFile: string;
  /** Client key the server does not know. */
  readonly strangerIdentityFile: string;
  /** known_hosts naming the server's real key; `wrongKnownHosts` names another key for it. */
  readonly knownHosts: string;
  readonly wrongKnownHosts: string;
  readonly emptyKnownHosts: string;
  /** `SHA256:…` of the server's host key, as ssh-keygen prints it. */
  readonly hostKeyFingerprint: string;
  /** Lines of sshd's log (one "Accepted publickey" per connection). */
  log(): string;
  stop(): Promise<void>;
}

export const SSHD_BINARY = "/usr/sbin/sshd";

/** A loopback port for sshd's config, from below the ephemeral range so no other test takes it first. */
export const freePort = reserveLoopbackPort;

function keygen(path: string): void {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "hardcheck-test", "-f", path]);
}

async function waitForPort(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect({ host: "127.0.0.1", port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${port}`);
}

/** What a test may add to the generated server. */
export interface TestSshdOptions {
  /** sshd_config lines appended as given, e.g. `SetEnv PATH=…` to put test programs on the session's PATH. */
  readonly extraConfig?: readonly string[];
}

/** Starts sshd; throws when the binary is missing (the caller skips with a clear message). */
export async function startTestSshd(options: TestSshdOptions = {}): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), "hardcheck-sshd-"));
  const user = userInfo().username;
  for (const name of ["host_ed25519", "client", "stranger", "other_host"]) keygen(join(dir, name));
  const hostPublic = readFileSync(join(dir, "host_ed25519.pub"), "utf8").trim().split(" ").slice(0, 2).join(" ");
  const otherPublic = readFileSync(join(dir, "other_host.pub"), "utf8").trim().split(" ").slice(0, 2).join(" ");
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client.pub")));
  const port = await freePort();
  writeFileSync(join(dir, "known_hosts"), `[127.0.0.1]:${port} ${hostPublic}\n`);
  writeFileSync(join(dir, "wrong_known_hosts"), `[127.0.0.1]:${port} ${otherPublic}\n`);
  writeFileSync(join(dir, "empty_known_hosts"), "");
  const fingerprint = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", join(dir, "host_ed25519.pub")], { encoding: "utf8" }).split(" ")[1] as string;
  writeFileSync(
    join(dir, "sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_ed25519")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      // The temp dir belongs to the test user and is not 0755 everywhere; the keys in it are private to this run.
      "StrictModes no",
      "UsePAM no",
      "MaxSessions 10",
      "Subsystem sftp internal-sftp",
      "LogLevel VERBOSE",
      ...(options.extraConfig ?? []),
      "",
    ].join("\n"),
  );
  // The privilege-separation directory sshd insists on exists on systems where the service ran once.
  if (!existsSync("/run/sshd")) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const logFile = join(dir, "sshd.log");
  const child: ChildProcess = spawn(SSHD_BINARY, ["-D", "-e", "-f", join(dir, "sshd_config"), "-E", logFile], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await waitForPort(port, Date.now() + 10_000);
  return {
    port,
    user,
    dir,
    identityFile: join(dir, "client"),
    strangerIdentityFile: join(dir, "stranger"),
    knownHosts: join(dir, "known_hosts"),
    wrongKnownHosts: join(dir, "wrong_known_hosts"),
    emptyKnownHosts: join(dir, "empty_known_hosts"),
    hostKeyFingerprint: fingerprint,
    log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : ""),
    async stop() {
      if (child.exitCode === null && child.pid) process.kill(child.pid, "SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
