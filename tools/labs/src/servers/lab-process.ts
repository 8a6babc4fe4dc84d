/**
 * Test-only: runs a real Debian server (postfix, slapd, snmpd, nginx) from a generated config in a
 * temp folder, waits until it answers, and stops it by its own PID (and its own process group).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestPki, reserveLoopbackPort } from "@hardcheck/testkit";

export { reserveLoopbackPort };

/** A running server process. */
export type LabProcess = {
  readonly pid: number;
  /** What the process wrote to stdout/stderr so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
};

/** A temp folder readable by the unprivileged users servers drop to, and the lab CA with a localhost leaf in it. */
export type LabDir = {
  readonly dir: string;
  readonly caPem: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly caPath: string;
  write(name: string, text: string): string;
  remove(): void;
};

/** Makes the temp folder and a lab PKI (leaf for localhost and 127.0.0.1). */
export function createLabDir(prefix: string): LabDir {
  const dir = mkdtempSync(join(tmpdir(), `hardcheck-${prefix}-`));
  chmodSync(dir, 0o755);
  const pki = createTestPki();
  const leaf = pki.issueLeaf({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"] });
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o644 });
    return path;
  };
  return {
    dir,
    caPem: pki.caPem,
    certPath: write("server.crt", leaf.chainPem),
    keyPath: write("server.key", leaf.keyPem),
    caPath: write("ca.crt", pki.caPem),
    write,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Starts `command` in its own process group and waits until `ready()` resolves true (polled), at most `timeoutMs`. */
export async function startLabProcess(
  command: string,
  args: readonly string[],
  ready: () => Promise<boolean>,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<LabProcess> {
  const child: ChildProcess = spawn(command, args, { detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...options.env } });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let running = true;
  child.once("exit", () => {
    running = false;
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${command} did not start`);
  const stop = async () => {
    if (!running) return;
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      child.kill("SIGTERM");
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, 3_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  while (Date.now() < deadline) {
    if (!running) throw new Error(`${command} exited before it was ready:\n${output}`);
    if (await ready()) return { pid, output: () => output, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`${command} was not ready within ${options.timeoutMs ?? 15_000} ms:\n${output}`);
}

/** True when a TCP connect to 127.0.0.1:port succeeds within 500 ms. */
export function tcpPortAnswers(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), 500);
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
