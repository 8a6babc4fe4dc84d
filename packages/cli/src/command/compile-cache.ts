/**
 * Loads the command's CommonJS bundle with a V8 code cache, so a run deserialises the bytecode an
 * earlier run compiled instead of parsing and compiling megabytes of JavaScript again (Node 20 has
 * no `module.enableCompileCache`).
 *
 * The cache is code the process will run, so it is trusted only from where no one else can write:
 * a directory and files owned by the current user and writable by no one else (by default
 * `$XDG_CACHE_HOME/hardcheck`, else `~/.cache/hardcheck`). Each file is named by the bundle's
 * SHA-256, the Node version and architecture, and the command that wrote it (a scan compiles far
 * more than `--help`); V8 rejects a cache made by another V8 or with other flags, and a rejected or
 * missing cache is written again, whole, by rename. Any failure to read or write only costs speed:
 * the bundle is then compiled from source as usual. `HARDCHECK_COMPILE_CACHE=off` turns it off; any
 * other value is the directory to use.
 */
import { createHash, randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, type Stats, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { Script } from "node:vm";

/** The cache directory `env` selects, or undefined when caching is off or no home is known. */
export function cacheDirectory(env: NodeJS.ProcessEnv): string | undefined {
  const chosen = env.HARDCHECK_COMPILE_CACHE;
  if (chosen !== undefined && chosen !== "") return /^(off|0|false|no)$/i.test(chosen) ? undefined : chosen;
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

/** True when only the current user can have written `stats`' file (always true where there are no uids). */
function ownedAndPrivate(stats: Stats): boolean {
  const uid = process.getuid?.();
  return uid === undefined || (stats.uid === uid && (stats.mode & 0o022) === 0);
}

function trustedCache(dir: string, file: string): Buffer | undefined {
  try {
    const folder = lstatSync(dir);
    if (!folder.isDirectory() || !ownedAndPrivate(folder)) return undefined;
    const path = join(dir, file);
    const stats = lstatSync(path);
    if (!stats.isFile() || !ownedAndPrivate(stats)) return undefined;
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeCache(dir: string, file: string, prefix: string, data: Buffer): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const folder = lstatSync(dir);
    if (!folder.isDirectory() || !ownedAndPrivate(folder)) return;
    const scratch = join(dir, `.${file}.${process.pid}.${randomBytes(4).toString("hex")}`);
    writeFileSync(scratch, data, { mode: 0o600, flag: "wx" });
    renameSync(scratch, join(dir, file));
    // Caches of other builds of the bundle can never be used again; a scratch file written an hour
    // before this one (both times from the file system's clock) was left by a process that died.
    const written = lstatSync(join(dir, file)).mtimeMs;
    for (const name of readdirSync(dir)) {
      const stale = name.startsWith("command-") && name.endsWith(".v8") && !name.startsWith(prefix);
      if (stale || (name.startsWith(".command-") && written - lstatSync(join(dir, name)).mtimeMs > 3_600_000)) unlinkSync(join(dir, name));
    }
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

/** Evaluates the CommonJS bundle at `file` and returns its `module.exports`. */
export function loadCommandBundle(file: string, options: LoadOptions): unknown {
  const bytes = readFileSync(file);
  const source = bytes.toString("utf8");
  const dir = cacheDirectory(options.env);
  const prefix = `command-${createHash("sha256").update(bytes).digest("hex").slice(0, 32)}-`;
  const name = `${prefix}${process.version}-${process.arch}-${options.kind.replace(/[^a-z0-9-]/gi, "_")}.v8`;
  const cachedData = dir === undefined ? undefined : trustedCache(dir, name);
  // No `importModuleDynamically`: on Node 20 it is lost when code comes from a cache, so the bundle
  // imports through the host (core's `hostImport`) and never calls `import()` itself.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  if (dir !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
    // Written at exit, so the cache holds every function the run compiled, not only the top level.
    process.once("exit", () => writeCache(dir, name, prefix, script.createCachedData()));
  }
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as unknown };
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}
