/**
 * Runs catalog commands on a live Windows host through the target's transport (local or SSH), and
 * reads the same sections from an evidence bundle when the transport cannot run commands.
 */
import type { HostTransport } from "@hardcheck/core";
import { JSON_DEPTH, POWERSHELL_PRELUDE, SECTION_IDS, type SectionId, WINDOWS_COMMANDS } from "./catalog.js";

/** Where an evidence transport serves each section (a virtual path, never a real file). */
export const EVIDENCE_SECTION_ROOT = "/hardcheck-evidence/sections";
/** Where an evidence transport serves what it knows about the bundle itself. */
export const EVIDENCE_INTEGRITY_PATH = "/hardcheck-evidence/integrity.json";

/**
 * Longest command line one batch may need. Windows' OpenSSH server hands the command to cmd.exe,
 * whose line limit is 8191 characters, so batches stay below it with room for the program name.
 */
export const COMMAND_LINE_BUDGET = 8000;

/** The PowerShell programs tried in order: Windows PowerShell 5.1, then PowerShell 7. */
export const POWERSHELL_PROGRAMS = ["powershell", "pwsh"] as const;

/** Statements that store one section's object (or its error) in `$hcResult`. */
export function sectionStatement(id: SectionId): string {
  const command = WINDOWS_COMMANDS.find((candidate) => candidate.id === id);
  if (!command) throw new Error(`no Windows command with id ${id}`);
  const body = command.script.replaceAll("\n", "\n  ");
  return `try {\n  $hcResult['${id}'] = & {\n  ${body}\n  }\n} catch { $hcResult['${id}'] = [ordered]@{ '__error' = [string]$_.Exception.Message } }`;
}

/** The script one live batch runs: prelude, each section, one compressed JSON object on stdout. */
export function batchScript(ids: readonly SectionId[]): string {
  return [
    POWERSHELL_PRELUDE,
    // SSH sessions default to the OEM code page; JSON must reach us as UTF-8.
    "[Console]::OutputEncoding = [System.Text.Encoding]::UTF8",
    "$hcResult = [ordered]@{}",
    ...ids.map(sectionStatement),
    `ConvertTo-Json -InputObject $hcResult -Depth ${JSON_DEPTH} -Compress`,
  ].join("\n");
}

/** Strips indentation and blank lines: the script means the same and the command line gets shorter. */
export function compactScript(script: string): string {
  return script
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join("\n");
}

/** `-EncodedCommand` takes Base64 of the script in UTF-16LE. */
export function encodePowerShell(script: string): string {
  return Buffer.from(script, "utf16le").toString("base64");
}

/** The argv that runs `script` without a profile, without prompts, from an encoded command. */
export function powershellArgv(script: string, program: string = POWERSHELL_PROGRAMS[0]): string[] {
  return [program, "-NoProfile", "-NonInteractive", "-EncodedCommand", encodePowerShell(compactScript(script))];
}

/** Groups every section into as few batches as the command-line budget allows, in catalog order. */
export function planBatches(budget: number = COMMAND_LINE_BUDGET): SectionId[][] {
  const batches: SectionId[][] = [];
  let current: SectionId[] = [];
  for (const id of SECTION_IDS) {
    const candidate = [...current, id];
    if (current.length > 0 && powershellArgv(batchScript(candidate)).join(" ").length > budget) {
      batches.push(current);
      current = [id];
    } else current = candidate;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** A section could not be read: the message says which, where and why. */
export class WindowsSectionError extends Error {
  override readonly name = "WindowsSectionError";
  constructor(
    readonly section: SectionId,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const BATCHES = planBatches();
const sectionCache = new WeakMap<HostTransport, Map<SectionId, Promise<unknown>>>();

/**
 * The raw JSON value of one section for this transport: from the evidence bundle when the
 * transport cannot run commands, otherwise from one PowerShell batch per group of sections, run at
 * most once per transport (probes of one target share it).
 */
export function readSection(transport: HostTransport, id: SectionId, signal?: AbortSignal): Promise<unknown> {
  let cache = sectionCache.get(transport);
  if (!cache) {
    cache = new Map();
    sectionCache.set(transport, cache);
  }
  const cached = cache.get(id);
  if (cached) return cached;
  if (!transport.canExec) {
    const pending = readEvidenceSection(transport, id);
    cache.set(id, pending);
    return pending;
  }
  const batch = BATCHES.find((candidate) => candidate.includes(id)) ?? [id];
  const run = runBatch(transport, batch, signal);
  for (const member of batch) {
    const pending = run.then((result) => sectionOf(result, member));
    pending.catch(() => {});
    cache.set(member, pending);
  }
  return cache.get(id) as Promise<unknown>;
}

async function readEvidenceSection(transport: HostTransport, id: SectionId): Promise<unknown> {
  const text = await transport.readFile(`${EVIDENCE_SECTION_ROOT}/${id}.json`);
  if (text === undefined) {
    throw new WindowsSectionError(
      id,
      `the evidence holds no "${id}" section — a collector bundle from \`hardcheck collect-script\` has it; a .reg or .inf export covers only part of the facts`,
    );
  }
  return sectionOf({ [id]: JSON.parse(text) as unknown }, id);
}

function sectionOf(result: Record<string, unknown>, id: SectionId): unknown {
  if (!(id in result)) throw new WindowsSectionError(id, `PowerShell returned no "${id}" section`);
  const value = result[id];
  if (value && typeof value === "object" && "__error" in value) {
    throw new WindowsSectionError(id, `the "${id}" command failed on the host: ${String((value as { __error: unknown }).__error)}`);
  }
  return value;
}

async function runBatch(transport: HostTransport, ids: readonly SectionId[], signal?: AbortSignal): Promise<Record<string, unknown>> {
  const script = batchScript(ids);
  let lastProblem = "";
  for (const program of POWERSHELL_PROGRAMS) {
    signal?.throwIfAborted();
    let result: Awaited<ReturnType<HostTransport["exec"]>>;
    try {
      const argv = powershellArgv(script, program);
      // Windows' OpenSSH hands the command line to cmd.exe, not a POSIX shell: send it as is. Every
      // word (program, flags, Base64) is free of characters any shell would treat specially.
      result = transport.execCommandLine ? await transport.execCommandLine(argv.join(" ")) : await transport.exec(argv);
    } catch (error) {
      // A missing program throws on local transports; try the next one.
      lastProblem = `${program}: ${error instanceof Error ? error.message : String(error)}`;
      continue;
    }
    const output = result.stdout.replace(/^\uFEFF/, "").trim();
    if (output.startsWith("{")) {
      try {
        return JSON.parse(output) as Record<string, unknown>;
      } catch (error) {
        throw new Error(`${program} printed output that is not JSON (${(error as Error).message}) — is a logon script writing to stdout?`, { cause: error });
      }
    }
    // It ran and answered, just not with our JSON: blaming the PATH would send the user the wrong way.
    if (result.exitCode === 0 && output !== "") {
      throw new Error(`${program} ran but printed output that is not JSON ("${firstLine(output)}") — is a logon script writing to stdout?`);
    }
    // 127: POSIX shell "not found"; 9009: cmd.exe "is not recognized".
    lastProblem = `${program} exited ${result.exitCode}: ${firstLine(result.stderr) || firstLine(result.stdout) || "no output"}`;
    if (result.exitCode !== 127 && result.exitCode !== 9009) break;
  }
  throw new Error(`cannot run PowerShell on the host (${lastProblem}) — the account needs powershell.exe or pwsh on its PATH`);
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0]?.slice(0, 300) ?? "";
}

/** PowerShell turns a one-item array into the item and an empty one into null: this undoes both. */
export function asArray<T = unknown>(value: unknown): T[] {
  if (value === null || value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}

/** The object at `value`, or an empty one. */
export function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
