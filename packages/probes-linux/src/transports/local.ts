/** The `local:` transport: this machine, through Node's file system and child processes. */
import { execFile } from "node:child_process";
import { lstat, readdir, readFile } from "node:fs/promises";
import { defineTransport, type ExecOptions, type ExecResult, type FileStat, type HostTransport, type TransportProvider } from "@hardcheck/core";
import { detectUnixOs } from "../os-detection/detect-os.js";
import { TransportError } from "./errors.js";

/** Command output beyond this is an error rather than a memory spike. */
export const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** Commands that set no timeout of their own get this one. */
export const DEFAULT_EXEC_TIMEOUT_MS = 15_000;

const MISSING = new Set(["ENOENT", "ENOTDIR"]);

/** Undefined for "does not exist"; a clear error for "may not read it". */
export async function absentAsUndefined<T>(path: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (MISSING.has(code)) return undefined;
    if (code === "EACCES" || code === "EPERM") {
      throw new TransportError("HC_READ_DENIED", `${path} is not readable by this user`, "run as root, or configure sudo for the target", {
        cause: error,
      });
    }
    throw error;
  }
}

/** A Node `Stats` as the transport interface describes it. */
export function fileStatOf(stats: import("node:fs").Stats): FileStat {
  const type = stats.isFile() ? "file" : stats.isDirectory() ? "directory" : stats.isSymbolicLink() ? "symlink" : "other";
  return { type, size: stats.size, mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid, modified: stats.mtime.toISOString() };
}

/** Runs a program without a shell; a missing program is exit code 127, as a shell would say. */
export function execLocal(argv: readonly string[], options: ExecOptions = {}, root?: string): Promise<ExecResult> {
  const [program, ...args] = argv;
  if (!program) return Promise.reject(new Error("cannot run an empty command"));
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = execFile(
      program,
      args,
      { encoding: "utf8", timeout: timeoutMs, maxBuffer: MAX_OUTPUT_BYTES, env: { ...process.env, LC_ALL: "C" }, ...(root ? { cwd: root } : {}) },
      (error, stdout, stderr) => {
        if (!error) return resolve({ exitCode: 0, stdout, stderr });
        const failure = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
        if (failure.code === "ENOENT") return resolve({ exitCode: 127, stdout: "", stderr: `${program}: command not found` });
        if (failure.killed) {
          return reject(
            new TransportError("HC_EXEC_TIMEOUT", `${program} did not finish within ${timeoutMs} ms`, "raise the probe timeout or check the host's load"),
          );
        }
        if (typeof failure.code === "number") return resolve({ exitCode: failure.code, stdout, stderr });
        reject(error);
      },
    );
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    else child.stdin?.end();
  });
}

/** This machine. Privileged commands run as the current user: run hardcheck as root to see everything. */
export function openLocalTransport(): HostTransport {
  return {
    kind: "local",
    canExec: true,
    readFile: (path) => absentAsUndefined(path, () => readFile(path, "utf8")),
    listDir: (path) => absentAsUndefined(path, async () => (await readdir(path)).sort()),
    stat: (path) => absentAsUndefined(path, async () => fileStatOf(await lstat(path))),
    exec: (argv, options) => execLocal(argv, options),
    close: async () => {},
  };
}

/** Provider of the `local:` transport. */
export const localTransportProvider: TransportProvider = defineTransport({
  kind: "local",
  description: "this machine: files through the file system, commands as child processes (no shell)",
  open: async () => openLocalTransport(),
  detectOs: detectUnixOs,
});
