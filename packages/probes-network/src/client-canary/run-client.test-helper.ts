/**
 * Test-only: runs a real client program (curl, openssl, ldapsearch, gnutls-cli) against a canary,
 * with a timeout, and stops it by its own PID.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pinnedClockEnvironment } from "@hardcheck/testkit";

/** Proxy settings a CI machine may carry: the clients talk only to canaries on loopback, never through a proxy. */
const PROXY_VARIABLES = new Set(["http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "no_proxy"]);

/** The only variables a client inherits: whatever else the machine sets (preloaded libraries, proxies, Node or TLS options) stays out. */
const CLIENT_VARIABLES = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR"];

/**
 * The environment of a client the test pins with its own `faketime`: a few basic variables of this
 * process, `TZ=UTC` (the tests' pinned instants are UTC), then `extra`. Nothing else is inherited, so
 * neither an outer libfaketime (test-all runs the dated suites two years ahead, whose offset would be
 * added to the client's pinned clock) nor a machine's proxy or preload settings reach the client.
 */
export function pinnedClientEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { TZ: "UTC" };
  for (const name of CLIENT_VARIABLES) if (process.env[name] !== undefined) env[name] = process.env[name];
  Object.assign(env, extra);
  return env;
}

/**
 * Overrides for helpers that merge into `process.env` (undefined removes): the outer libfaketime
 * and proxy settings removed, then `extra` added.
 */
export function outerClockRemoved(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const removed: NodeJS.ProcessEnv = {};
  for (const name of Object.keys(process.env)) {
    if (name.startsWith("FAKETIME") || PROXY_VARIABLES.has(name.toLowerCase())) removed[name] = undefined;
  }
  if (process.env.LD_PRELOAD?.includes("faketime")) removed.LD_PRELOAD = undefined;
  return { ...removed, ...extra };
}

/** What a client run produced. */
export type ClientRun = { readonly code: number | null; readonly output: string };

/**
 * Runs `command` with `args`, writes `input` to its stdin (kept open for `holdStdinMs` so
 * interactive clients such as `openssl s_client` read it before they see end of input), and kills it by
 * PID after `timeoutMs`.
 */
export function runClient(
  command: string,
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly input?: string; readonly holdStdinMs?: number; readonly timeoutMs?: number } = {},
): Promise<ClientRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: pinnedClientEnvironment(options.env), stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8_000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.stdin.on("error", () => {});
    if (options.input !== undefined) child.stdin.write(options.input);
    const holdTimer = setTimeout(() => child.stdin.end(), options.holdStdinMs ?? 0);
    const killTimer = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
    }, options.timeoutMs ?? 20_000);
    child.once("error", (error) => {
      clearTimeout(holdTimer);
      clearTimeout(killTimer);
      resolve({ code: null, output: `${output}${error.message}` });
    });
    child.once("close", (code) => {
      clearTimeout(holdTimer);
      clearTimeout(killTimer);
      resolve({ code, output });
    });
  });
}

/**
 * {@link runClient} with the client's clock starting at `instant` (UTC): libfaketime is preloaded
 * into the client itself, so no `faketime` wrapper (with its per-run semaphore, which a killed run
 * leaves behind for a later run under the same PID to trip on) stands between the test and the client.
 */
export function runPinned(instant: string, command: string, args: readonly string[], options: Parameters<typeof runClient>[2] = {}): Promise<ClientRun> {
  return runClient(command, args, { ...options, env: { ...options.env, ...pinnedClockEnvironment(instant) } });
}

/** A temp folder with the canary CA written to `ca.pem`; `remove()` deletes it. */
export function writeCaFile(caPem: string): { readonly caPath: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "hardcheck-canary-test-"));
  const caPath = join(dir, "ca.pem");
  writeFileSync(caPath, caPem);
  return { caPath, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
