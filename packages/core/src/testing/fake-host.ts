/** An in-memory host for probe tests: files and recorded command outputs, nothing else. */
// Types come through the package index so this module does not depend on where the model keeps them.
import type { ExecResult, FileStat, HostTransport, HostTransportKind } from "../index.js";
import { execUnavailable } from "../plugin/transport.js";

/** What a fake host holds. Commands are keyed by their argv joined with spaces. */
export interface FakeHostContent {
  /** File texts by absolute path (an undefined value is the same as no entry, which keeps test tables simple). */
  readonly files?: Readonly<Record<string, string | undefined>>;
  /** Symlinks (path → target); they show in listings and `stat`. */
  readonly symlinks?: Readonly<Record<string, string | undefined>>;
  /** Recorded outputs by command line; a command not listed exits 127. Absent: the host cannot exec. */
  readonly commands?: Readonly<Record<string, Partial<ExecResult> | undefined>>;
  /** The transport kind the host reports; by default `local` when it has commands, `root` when not. */
  readonly kind?: HostTransportKind;
  /** Owner and permission bits by path (files default to 0644 root:root). */
  readonly owners?: Readonly<Record<string, { readonly mode?: number; readonly uid?: number; readonly gid?: number }>>;
}

/** A fake host: a {@link HostTransport} that also lists what it was asked to run. */
export interface FakeHost extends HostTransport {
  /** Every command line the probe ran, in order (argv joined with spaces). */
  readonly commandsRun: string[];
}

/**
 * A {@link HostTransport} over an in-memory tree; every command it was asked to run is recorded.
 *
 * @example
 * ```ts
 * const host = fakeHost({ files: { "/etc/login.defs": "PASS_MAX_DAYS 90\n" } });
 * ```
 */
export function fakeHost(content: FakeHostContent): FakeHost {
  const defined = (record: Readonly<Record<string, string | undefined>> = {}) =>
    new Map(Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const files = defined(content.files);
  const symlinks = defined(content.symlinks);
  const commandsRun: string[] = [];
  const entriesOf = (dir: string) => {
    const prefix = dir.endsWith("/") ? dir : `${dir}/`;
    const names = new Set<string>();
    for (const path of [...files.keys(), ...symlinks.keys()]) if (path.startsWith(prefix)) names.add(path.slice(prefix.length).split("/")[0] as string);
    return names;
  };
  const stat = (type: FileStat["type"], size = 0, path = ""): FileStat => ({
    type,
    size,
    mode: 0o644,
    uid: 0,
    gid: 0,
    modified: "2026-01-01T00:00:00.000Z",
    ...content.owners?.[path],
  });
  return {
    kind: content.kind ?? (content.commands ? "local" : "root"),
    canExec: content.commands !== undefined,
    commandsRun,
    readFile: async (path) => files.get(path) ?? (symlinks.has(path) ? files.get(symlinks.get(path) as string) : undefined),
    listDir: async (path) => {
      const names = entriesOf(path);
      return names.size > 0 ? [...names].sort() : undefined;
    },
    stat: async (path) => {
      if (files.has(path)) return stat("file", files.get(path)?.length, path);
      if (symlinks.has(path)) return stat("symlink", 0, path);
      return entriesOf(path).size > 0 ? stat("directory", 0, path) : undefined;
    },
    exec: async (argv) => {
      if (!content.commands) return execUnavailable("root");
      const line = argv.join(" ");
      commandsRun.push(line);
      const recorded = content.commands[line];
      return recorded ? { exitCode: 0, stdout: "", stderr: "", ...recorded } : { exitCode: 127, stdout: "", stderr: `${argv[0]}: command not found` };
    },
    close: async () => {},
  };
}
