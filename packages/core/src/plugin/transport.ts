/**
 * The host transport seam: how host probes reach an operating system (this machine, a mounted root
 * file system, SSH, an offline evidence bundle). Plugins register one factory per transport kind;
 * the scan opens one transport per target, shares it between that target's probes, and closes it
 * at the end. Probes see only this interface, so they are tested on fake hosts built from fixtures.
 */
import { HardcheckError } from "../errors.js";
import type { HostSpec, HostTransportKind, Target } from "../model/target.js";
import type { ProbeServices } from "./services.js";

/** What `stat` says about a path. */
export interface FileStat {
  readonly type: "file" | "directory" | "symlink" | "other";
  readonly size: number;
  /** Permission bits (e.g. 0o644). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** ISO-8601 modification time. */
  readonly modified: string;
}

/** The outcome of a command. A non-zero exit is a result, not an error. */
export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link HostTransport.exec}. */
export interface ExecOptions {
  /** Text written to the command's standard input. */
  readonly stdin?: string;
  /** Kills the command after this long (default: the probe's remaining time). */
  readonly timeoutMs?: number;
  /** Run with the privileges configured for the target (e.g. through sudo). */
  readonly privileged?: boolean;
}

/** One open connection to a host. Paths are absolute paths on that host. */
export interface HostTransport {
  readonly kind: HostTransportKind;
  /** False where commands cannot run (a mounted root, an evidence bundle): probes fall back to files. */
  readonly canExec: boolean;
  /**
   * When the data this transport serves was captured (ISO-8601), for offline copies that record it
   * (an evidence bundle's `collectedAt`). Host probes then compute ages against this time instead of
   * the scan's. Absent for live hosts and for copies that do not record it.
   */
  readonly observedAt?: string;
  /** The file's text (UTF-8), or undefined when it does not exist. */
  readFile(path: string): Promise<string | undefined>;
  /** Entry names of a directory, sorted, or undefined when it does not exist. */
  listDir(path: string): Promise<string[] | undefined>;
  /** Facts about a path (not following a final symlink), or undefined when it does not exist. */
  stat(path: string): Promise<FileStat | undefined>;
  /** Runs a program with arguments — never a shell string. Throws when `canExec` is false. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /**
   * Runs one command line exactly as written, for remote shells that are not POSIX (cmd.exe or
   * PowerShell behind Windows OpenSSH), where `exec`'s POSIX quoting would be wrong. Only transports
   * whose commands go through a remote shell offer it (`ssh`); the caller owns the quoting, so never
   * build it from untrusted text.
   */
  execCommandLine?(commandLine: string, options?: ExecOptions): Promise<ExecResult>;
  /** Releases the connection; called once at the end of the scan. */
  close(): Promise<void>;
}

/** What a transport factory receives. */
export interface TransportDeps extends ProbeServices {
  readonly target: Target;
  /** Aborted when the scan is cancelled. */
  readonly signal: AbortSignal;
}

/** The operating system a host reports about itself. */
export interface DetectedOs {
  /** The family rules are scoped by (`linux`, `windows`). */
  readonly family: string;
  /** What the host calls itself, e.g. "Debian GNU/Linux 12 (bookworm)". */
  readonly name?: string;
  /** Where the answer came from, e.g. "/etc/os-release" or "uname -s". */
  readonly source: string;
}

/** Opens transports of one kind. */
export interface TransportProvider {
  readonly kind: HostTransportKind;
  readonly description: string;
  open(host: HostSpec, deps: TransportDeps): Promise<HostTransport>;
  /**
   * Asks an open transport which OS it reaches, so rules scoped by OS apply without `os:` in the
   * config. Undefined when the host does not say; never throws for an unknown host.
   */
  detectOs?(transport: HostTransport): Promise<DetectedOs | undefined>;
}

/**
 * Declares a transport provider, checking its shape.
 *
 * @example
 * ```ts
 * context.registerTransport(defineTransport({ kind: "local", description: "this machine", open: async () => localTransport() }));
 * ```
 */
export function defineTransport<T extends TransportProvider>(provider: T): T {
  if (!["local", "root", "ssh", "evidence"].includes(provider?.kind) || typeof provider.open !== "function") {
    throw new HardcheckError("HC_PLUGIN_REGISTER", `transport "${String(provider?.kind)}" needs kind local, root, ssh or evidence and an open function`);
  }
  return provider;
}

/** A transport that cannot run commands says so clearly. */
export function execUnavailable(kind: HostTransportKind): never {
  throw new HardcheckError("HC_USAGE", `the ${kind}: transport cannot run commands — the probe must read files instead`);
}
