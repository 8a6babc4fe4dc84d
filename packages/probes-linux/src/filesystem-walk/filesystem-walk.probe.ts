/**
 * One bounded walk of the file system for the entries hardening cares about: world-writable files,
 * world-writable directories without the sticky bit, files no account owns, and set-user-ID or
 * set-group-ID programs. Pseudo file systems and other mounts are skipped; a time limit and a
 * findings cap keep it bounded, and the facts say when either was hit.
 */
import { performance } from "node:perf_hooks";
import { compareText, defineFacts, defineProbe, type HostProbe, type HostTransport, type JsonObject } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { namesById } from "../support/ownership.js";

const SKIPPED = ["/proc", "/sys", "/dev", "/run"];
const DEFAULT_TIME_LIMIT_SECONDS = 120;
const DEFAULT_MAX_FINDINGS = 5000;
/** An offline root is walked entry by entry; this many entries is far beyond any system image. */
const MAX_OFFLINE_ENTRIES = 2_000_000;

/** One entry the walk reports. */
export interface WalkEntry {
  readonly type: "f" | "d" | "other";
  readonly mode: number;
  readonly path: string;
  readonly unownedUser: boolean;
  readonly unownedGroup: boolean;
}

interface WalkOutcome {
  readonly entries: WalkEntry[];
  readonly complete: boolean;
  readonly note: string | null;
}

const interesting = (entry: Omit<WalkEntry, "path">) =>
  (entry.mode & 0o002) !== 0 || (entry.type === "f" && (entry.mode & 0o6000) !== 0) || entry.unownedUser || entry.unownedGroup;

/** Parses `find -printf '%y %m %U %G %u %g %p\0'` records; %u equal to %U means no account has that id. */
export function parseFindRecords(stdout: string): WalkEntry[] {
  const entries: WalkEntry[] = [];
  for (const record of stdout.split("\0")) {
    const match = /^(\S) ([0-7]+) (\d+) (\d+) (\S+) (\S+) (\/.*)$/s.exec(record);
    if (!match) continue;
    const [, type, mode, uid, gid, user, group, path] = match as unknown as string[];
    entries.push({
      type: type === "f" ? "f" : type === "d" ? "d" : "other",
      mode: Number.parseInt(mode as string, 8),
      path: path as string,
      unownedUser: user === uid,
      unownedGroup: group === gid,
    });
  }
  return entries;
}

/** The walk on a live host: one `find` per scan, limited by `timeout` and `head`. */
async function walkWithFind(transport: HostTransport, paths: readonly string[], timeLimitSeconds: number, maxFindings: number): Promise<WalkOutcome> {
  const prune = SKIPPED.flatMap((path, index) => (index === 0 ? ["-path", path] : ["-o", "-path", path]));
  const find = [
    "find",
    ...paths,
    "-xdev",
    "(",
    ...prune,
    ")",
    "-prune",
    "-o",
    "(",
    ...[
      "-type",
      "f",
      "-perm",
      "-0002",
      "-o",
      "-type",
      "d",
      "-perm",
      "-0002",
      "!",
      "-perm",
      "-1000",
      "-o",
      "-nouser",
      "-o",
      "-nogroup",
      "-o",
      "-type",
      "f",
      "-perm",
      "/6000",
    ],
    ")",
    "-printf",
    "%y %m %U %G %u %g %p\\0",
  ];
  // find's own exit status goes to stderr so the findings cap (head) and the time limit can be told apart.
  const script = 'limit=$1; cap=$2; shift 2; { timeout "$limit" "$@"; echo "find-exit $?" >&2; } | head -z -n "$cap"';
  const result = await transport.exec(["sh", "-c", script, "walk", String(timeLimitSeconds), String(maxFindings + 1), ...find], {
    privileged: true,
    timeoutMs: (timeLimitSeconds + 30) * 1000,
  });
  const findExit = Number([...result.stderr.matchAll(/find-exit (\d+)/g)].pop()?.[1] ?? Number.NaN);
  const entries = parseFindRecords(result.stdout);
  if (entries.length > maxFindings)
    return { entries: entries.slice(0, maxFindings), complete: false, note: `stopped after ${maxFindings} findings (maxFindings)` };
  if (findExit === 124) return { entries, complete: false, note: `stopped after ${timeLimitSeconds} s (timeLimitSeconds); the findings are those seen so far` };
  if (Number.isNaN(findExit) || findExit > 1)
    throw new Error(`find failed (exit ${Number.isNaN(findExit) ? result.exitCode : findExit}): ${result.stderr.trim().slice(0, 300)}`);
  // Exit 1 is find's "some directory could not be read": the walk went on past it.
  return { entries, complete: findExit === 0, note: findExit === 1 ? "some directories could not be read (scan as root or with ssh.sudo)" : null };
}

/** The walk of an offline root through the transport, entry by entry. */
async function walkOffline(transport: HostTransport, paths: readonly string[], timeLimitSeconds: number, maxFindings: number): Promise<WalkOutcome> {
  const users = await namesById(transport, "/etc/passwd");
  const groups = await namesById(transport, "/etc/group");
  const entries: WalkEntry[] = [];
  const started = performance.now();
  let visited = 0;
  const pending = [...paths];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    if (SKIPPED.includes(dir)) continue;
    if (performance.now() - started > timeLimitSeconds * 1000)
      return { entries, complete: false, note: `stopped after ${timeLimitSeconds} s (timeLimitSeconds); the findings are those seen so far` };
    for (const name of (await transport.listDir(dir)) ?? []) {
      const path = dir === "/" ? `/${name}` : `${dir}/${name}`;
      const stat = await transport.stat(path);
      if (!stat || stat.type === "symlink") continue;
      if (++visited > MAX_OFFLINE_ENTRIES) return { entries, complete: false, note: `stopped after ${MAX_OFFLINE_ENTRIES} entries` };
      const entry = {
        type: stat.type === "file" ? "f" : stat.type === "directory" ? "d" : "other",
        mode: stat.mode,
        path,
        unownedUser: !users.has(stat.uid),
        unownedGroup: !groups.has(stat.gid),
      } as const;
      if (interesting(entry)) {
        entries.push(entry);
        if (entries.length >= maxFindings) return { entries, complete: false, note: `stopped after ${maxFindings} findings (maxFindings)` };
      }
      if (stat.type === "directory") pending.push(path);
    }
  }
  return { entries, complete: true, note: null };
}

const describeEntry = (entry: WalkEntry) => `${entry.path} (${entry.mode.toString(8).padStart(4, "0")})`;

/** The facts `filesystem-walk` produces, each with its schema and meaning. */
export const filesystemWalkFacts = defineFacts({
  "filesystem.worldWritableFiles": {
    description: "regular files anyone may write, sorted paths",
    schema: z.array(z.string()),
  },
  "filesystem.worldWritableDirsWithoutSticky": {
    description: "world-writable directories without the sticky bit, sorted paths",
    schema: z.array(z.string()),
  },
  "filesystem.unownedFiles": {
    description: "entries whose owner or group id has no account or group on the host, sorted paths",
    schema: z.array(z.string()),
  },
  "filesystem.setIdPrograms": {
    description: "regular files with the set-user-ID or set-group-ID bit, sorted paths",
    schema: z.array(z.string()),
  },
  "filesystem.setIdDetails": {
    description: 'the same with their modes, "/usr/bin/su (4755)"',
    schema: z.array(z.string()),
  },
  "filesystem.walkComplete": {
    description: "true when the walk finished; false when the time limit or findings cap stopped it (see walkNote)",
    schema: z.boolean(),
  },
  "filesystem.walkNote": {
    description: "why the walk is incomplete or partial, null when it is neither",
    schema: z.string().nullable(),
  },
  "filesystem.walkedPaths": {
    description: "the paths the walk started from (parameter paths, default /); other mounts below them are not entered",
    schema: z.array(z.string()),
  },
});

/** World-writable, unowned and set-ID entries, from one bounded walk. */
export const filesystemWalkProbe: HostProbe = defineProbe({
  meta: {
    id: "filesystem-walk",
    description:
      "Walks the file system once (find on a live host, entry by entry over root:), skipping /proc, /sys, /dev, /run and other mounts, for world-writable, unowned and set-ID entries.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: filesystemWalkFacts,
  },
  async collect(_host, params, { transport }) {
    const paths = Array.isArray(params.paths) && params.paths.length > 0 ? params.paths.map(String) : ["/"];
    const relative = paths.find((path) => !path.startsWith("/"));
    if (relative) throw new Error(`filesystem-walk: paths must be absolute, got ${JSON.stringify(relative)}`);
    const timeLimitSeconds = typeof params.timeLimitSeconds === "number" && params.timeLimitSeconds > 0 ? params.timeLimitSeconds : DEFAULT_TIME_LIMIT_SECONDS;
    const maxFindings = typeof params.maxFindings === "number" && params.maxFindings > 0 ? params.maxFindings : DEFAULT_MAX_FINDINGS;
    const outcome = transport.canExec
      ? await walkWithFind(transport, paths, timeLimitSeconds, maxFindings)
      : await walkOffline(transport, paths, timeLimitSeconds, maxFindings);
    const pick = (test: (entry: WalkEntry) => boolean) => [...new Set(outcome.entries.filter(test).map((entry) => entry.path))].sort();
    const setId = outcome.entries.filter((entry) => entry.type === "f" && (entry.mode & 0o6000) !== 0).sort((a, b) => compareText(a.path, b.path));
    return {
      facts: {
        "filesystem.worldWritableFiles": pick((entry) => entry.type === "f" && (entry.mode & 0o002) !== 0),
        "filesystem.worldWritableDirsWithoutSticky": pick((entry) => entry.type === "d" && (entry.mode & 0o002) !== 0 && (entry.mode & 0o1000) === 0),
        "filesystem.unownedFiles": pick((entry) => entry.unownedUser || entry.unownedGroup),
        "filesystem.setIdPrograms": setId.map((entry) => entry.path),
        "filesystem.setIdDetails": setId.map(describeEntry),
        "filesystem.walkComplete": outcome.complete,
        "filesystem.walkNote": outcome.note,
        "filesystem.walkedPaths": paths,
      } satisfies JsonObject,
    };
  },
});
