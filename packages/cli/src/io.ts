import type { Clock } from "@hardcheck/core";

/** Where the CLI writes, so tests can run it in-process and capture everything. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Where interactive commands (`attest`) read answers; absent in non-interactive embeddings. */
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** The clock scans and attestations read; the system clock when absent (tests pin it). */
  readonly clock?: Clock;
  /**
   * Called by `scan` once plugins are loaded: the executable installs its signal handlers then, so
   * that Ctrl-C still ends a plugin that never finishes loading.
   */
  readonly onScanStart?: () => void;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), stdin: process.stdin };
}

/** Exit codes of every command. */
export const EXIT = {
  /** Nothing failing at or above --fail-on. */
  ok: 0,
  /** Findings (or errors, or an incomplete scan) at or above --fail-on. */
  findings: 1,
  /** Invalid config or usage; the message on stderr names file and line. */
  usage: 2,
  /** A bug in hardcheck or a plugin. */
  internal: 3,
} as const;

/** Colour when the stream is a terminal and NO_COLOR is not set (https://no-color.org). */
export function useColor(stream: CliIo["stdout"], env: CliIo["env"]): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}
