/**
 * Loads the command's CommonJS bundle with a V8 code cache, so a run deserialises the bytecode an
 * earlier run compiled instead of parsing and compiling megabytes of JavaScript again (Node 20 has
 * no `module.enableCompileCache`).
 *
 * The cache is code the process will run, so it is trusted only from where no one else can write:
 * a directory and files owned by the current user and writable by no one else, never through a
 * symbolic link (by default `$XDG_CACHE_HOME/hardcheck`, else `~/.cache/hardcheck`; on platforms
 * without user ids, Windows, the cache is off). Each file is named by the bundle's
 * SHA-256, the Node version and architecture, and the command that wrote it (a scan compiles far
 * more than `validate`); V8 rejects a cache made by another V8 or with other flags, and a rejected or
 * missing cache is written again, whole, by rename; another build's files go after a week, or sooner
 * when two newer builds have written theirs. Any failure to read or write only costs speed:
 * the bundle is then compiled from source as usual. `HARDCHECK_COMPILE_CACHE=off` turns it off; an
 * absolute path is the directory to use.
 */
import { isAscii } from "node:buffer";
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  type Stats,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { Script } from "node:vm";

/**
 * The cache directory `env` selects, or undefined when caching is off, no home is known, or the
 * platform has no user ids to check ownership with (Windows: the cache is off there).
 */
export function cacheDirectory(env: NodeJS.ProcessEnv): string | undefined {
  if (process.getuid === undefined) return undefined;
  const chosen = env.HARDCHECK_COMPILE_CACHE;
  if (chosen !== undefined && chosen !== "") return /^(off|0|false|no)$/i.test(chosen) || !isAbsolute(chosen) ? undefined : chosen;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "hardcheck");
  let home = "";
  try {
    home = homedir();
  } catch {
    return undefined;
  }
  return home ? join(home, ".cache", "hardcheck") : undefined;
}

/** True when `stats` belong to the current user and no one else may write there. */
function writableOnlyByUser(stats: Stats): boolean {
  return stats.uid === process.getuid?.() && (stats.mode & 0o022) === 0;
}

/** True when `dir` is a real directory (not a link) that only the current user can write. */
function privateDirectory(dir: string): boolean {
  try {
    const stats = lstatSync(dir);
    return stats.isDirectory() && writableOnlyByUser(stats);
  } catch {
    return false;
  }
}

/**
 * Makes `dir` (mode 0700) when missing, but only inside a directory the current user owns: under
 * `sudo` with the caller's HOME, root must not leave root-owned folders in that user's home.
 */
function ensurePrivateDirectory(dir: string): boolean {
  let existing = dir;
  const missing: string[] = [];
  while (!existsSync(existing)) {
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) return false;
    existing = parent;
  }
  if (missing.length > 0) {
    try {
      if (lstatSync(existing).uid !== process.getuid?.()) return false;
      for (const folder of missing) mkdirSync(folder, { mode: 0o700 });
    } catch {
      return false;
    }
  }
  return privateDirectory(dir);
}

/** The cache file's bytes, read through one descriptor opened without following links. */
function trustedCache(dir: string, file: string): Buffer | undefined {
  if (!privateDirectory(dir)) return undefined;
  let descriptor: number | undefined;
  try {
    descriptor = openSync(join(dir, file), constants.O_RDONLY | constants.O_NOFOLLOW);
    const stats = fstatSync(descriptor);
    return stats.isFile() && writableOnlyByUser(stats) ? readFileSync(descriptor) : undefined;
  } catch {
    return undefined;
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/** A week, in milliseconds: how long another build's cache is kept (a second install may use it). */
const OTHER_BUILDS_KEPT_MS = 7 * 24 * 3_600_000;
/**
 * How many other builds keep their caches: one for each of a couple of installs side by side. A
 * developer who rebuilds all day would otherwise gather a cache of some megabytes per build and command.
 */
const OTHER_BUILDS_KEPT = 2;
/** An hour: a scratch file this old was left by a process that died while writing. */
const SCRATCH_KEPT_MS = 3_600_000;

/** The build part of a cache file's name (`command-<bundle hash>-`), or undefined for any other file. */
function buildOf(name: string): string | undefined {
  return /^(command-[0-9a-f]{32}-).*\.v8$/.exec(name)?.[1];
}

/**
 * Removes, in `dir`, the caches of other builds than `prefix` that are a week old or that belong to
 * any but the {@link OTHER_BUILDS_KEPT} other builds written most lately, and scratch files of dead writers.
 * Ages are read from the file system's clock (the file just written at `written`), not the process's.
 */
function pruneCache(dir: string, prefix: string, written: number): void {
  const others: { name: string; build: string; mtimeMs: number }[] = [];
  for (const name of readdirSync(dir)) {
    try {
      const { mtimeMs } = lstatSync(join(dir, name));
      const build = buildOf(name);
      if (name.startsWith(".command-") && written - mtimeMs > SCRATCH_KEPT_MS) unlinkSync(join(dir, name));
      else if (build !== undefined && build !== prefix) others.push({ name, build, mtimeMs });
    } catch {
      // Renamed or removed by another run meanwhile.
    }
  }
  const lastUse = new Map<string, number>();
  for (const { build, mtimeMs } of others) lastUse.set(build, Math.max(lastUse.get(build) ?? 0, mtimeMs));
  const kept = new Set(
    [...lastUse]
      .sort((a, b) => b[1] - a[1])
      .slice(0, OTHER_BUILDS_KEPT)
      .map(([build]) => build),
  );
  for (const { name, build, mtimeMs } of others) {
    if (kept.has(build) && written - mtimeMs <= OTHER_BUILDS_KEPT_MS) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // Removed by another run meanwhile.
    }
  }
}

function writeCache(dir: string, file: string, prefix: string, script: Script): void {
  try {
    if (!ensurePrivateDirectory(dir)) return;
    const scratch = join(dir, `.${file}.${process.pid}.${randomBytes(4).toString("hex")}`);
    writeFileSync(scratch, script.createCachedData(), { mode: 0o600, flag: "wx" });
    renameSync(scratch, join(dir, file));
    pruneCache(dir, prefix, lstatSync(join(dir, file)).mtimeMs);
  } catch {
    // Only speed is lost: the next run compiles from source again.
  }
}

/** Options for {@link loadCommandBundle}. */
export interface LoadOptions {
  /** The run's environment (reads `HARDCHECK_COMPILE_CACHE`, `XDG_CACHE_HOME`). */
  readonly env: NodeJS.ProcessEnv;
  /** Names the cache file: runs of different commands compile different parts of the bundle. */
  readonly kind: string;
}

/**
 * Says on stderr why a directory the user named in `HARDCHECK_COMPILE_CACHE` goes unused; the
 * default directory is passed over silently (a cache only ever costs or saves time).
 */
function warnAboutOverride(env: NodeJS.ProcessEnv, dir: string | undefined): void {
  const chosen = env.HARDCHECK_COMPILE_CACHE;
  if (!chosen || /^(off|0|false|no)$/i.test(chosen) || process.getuid === undefined) return;
  const why = dir === undefined ? "is not an absolute path" : existsSync(dir) && !privateDirectory(dir) ? "is a link, or others may write to it" : undefined;
  if (why) process.stderr.write(`hardcheck: HARDCHECK_COMPILE_CACHE=${JSON.stringify(chosen)} ${why}: running without a compile cache\n`);
}

/** Evaluates the CommonJS bundle at `file` and returns its `module.exports`. */
export function loadCommandBundle(file: string, options: LoadOptions): unknown {
  const bytes = readFileSync(file);
  // The bundle is built as ASCII; decoding it as Latin-1 then gives the same text, about a quarter faster.
  const source = bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
  const dir = cacheDirectory(options.env);
  const prefix = `command-${createHash("sha256").update(bytes).digest("hex").slice(0, 32)}-`;
  const name = `${prefix}${process.version}-${process.arch}-${options.kind.replace(/[^a-z0-9-]/gi, "_")}.v8`;
  warnAboutOverride(options.env, dir);
  const cachedData = dir === undefined ? undefined : trustedCache(dir, name);
  // No `importModuleDynamically`: on Node 20 it is lost when code comes from a cache, so no bare
  // `import()` may run in the bundle: it imports through the host (core's `hostImport`).
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  if (dir !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
    // Written at exit, so the cache holds every function the run compiled, not only the top level.
    process.once("exit", () => writeCache(dir, name, prefix, script));
  }
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as unknown };
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}
