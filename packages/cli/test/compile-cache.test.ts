// The executable compiles its bundle through a V8 code cache (src/command/compile-cache.ts). The
// cache is code the process runs, so it must be read only from a directory and files that no one
// but the user can have written, never make a run fail, and be written whole. These run the built
// executable with HARDCHECK_COMPILE_CACHE pointing at a directory the test owns.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const bin = resolve(import.meta.dirname, "../dist/command/bin.js");
const CACHE_FILE = /^command-[0-9a-f]{32}-v[\d.]+-\w+-list-rules\.v8$/;

describe("the executable's compile cache", () => {
  let root: string;
  let cache: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "hc-compile-cache-"));
    cache = join(root, "cache");
    await mkdir(cache, { mode: 0o700 });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function listRules(env: Record<string, string> = { HARDCHECK_COMPILE_CACHE: cache }): string {
    return execFileSync(process.execPath, [bin, "list-rules", "--pack", "tls-baseline"], { encoding: "utf8", env: { ...process.env, ...env } });
  }
  /** What the command writes to stderr for `list-rules` with `env`, run in `cwd`. */
  function stderrOf(env: Record<string, string>, cwd?: string): string {
    const run = spawnSync(process.execPath, [bin, "list-rules", "--pack", "tls-baseline"], { encoding: "utf8", cwd, env: { ...process.env, ...env } });
    expect(run.status).toBe(0);
    return run.stderr;
  }
  function cacheFiles(): string[] {
    return readdirSync(cache);
  }

  it("writes one private cache file on the first run and reads it, unchanged, on the next", () => {
    const first = listRules();
    const [file] = cacheFiles();
    expect(cacheFiles()).toEqual([expect.stringMatching(CACHE_FILE)]);
    const written = lstatSync(join(cache, file as string));
    expect(written.mode & 0o777).toBe(0o600);
    expect(written.size).toBeGreaterThan(100_000);
    expect(listRules()).toBe(first);
    const after = lstatSync(join(cache, file as string));
    expect([after.ino, after.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
  });

  it("replaces a damaged cache with a whole one and still answers", () => {
    const expected = listRules();
    const file = join(cache, cacheFiles()[0] as string);
    writeFileSync(file, Buffer.alloc(4096, 0x5a), { mode: 0o600 });
    expect(listRules()).toBe(expected);
    const rewritten = readFileSync(file);
    expect(rewritten.byteLength).toBeGreaterThan(100_000);
    expect(rewritten.subarray(0, 64).equals(Buffer.alloc(64, 0x5a))).toBe(false);
    expect(cacheFiles()).toHaveLength(1);
  });

  it.skipIf(process.getuid?.() !== 0)("ignores a cache file another user owns and writes its own", () => {
    const expected = listRules();
    const file = join(cache, cacheFiles()[0] as string);
    chownSync(file, 65534, 65534);
    expect(listRules()).toBe(expected);
    expect(statSync(file).uid).toBe(0);
  });

  it("neither reads nor writes a cache in a directory others can write", () => {
    const expected = listRules();
    const file = join(cache, cacheFiles()[0] as string);
    writeFileSync(file, Buffer.alloc(4096, 0x5a), { mode: 0o600 });
    chmodSync(cache, 0o777);
    expect(listRules()).toBe(expected);
    // Not replaced: the directory is not trusted, so the run wrote nothing into it.
    expect(readFileSync(file).equals(Buffer.alloc(4096, 0x5a))).toBe(true);
    // The user named this directory, so the run says why it goes unused.
    expect(stderrOf({ HARDCHECK_COMPILE_CACHE: cache })).toContain(`HARDCHECK_COMPILE_CACHE=${JSON.stringify(cache)} is a link, or others may write to it`);
  });

  it("removes other builds' caches a week old and dead writers' scratch files an hour old when it writes", () => {
    const other = (hash: string) => `command-${hash.repeat(32)}-${process.version}-${process.arch}-scan.v8`;
    writeFileSync(join(cache, "unrelated.txt"), "kept", { mode: 0o600 });
    const writing = `.${other("1")}.456.ef01`;
    writeFileSync(join(cache, writing), "partial", { mode: 0o600 });
    // Ages by the file system's clock (the test's own clock may be moved).
    const now = statSync(join(cache, writing)).mtimeMs / 1000;
    const aged = (name: string, seconds: number) => {
      writeFileSync(join(cache, name), "old", { mode: 0o600 });
      utimesSync(join(cache, name), now - seconds, now - seconds);
    };
    aged(other("0"), 8 * 86_400);
    aged(other("2"), 2 * 86_400);
    aged(`.${other("1")}.123.abcd`, 7_200);
    listRules();
    // This build's own cache sorts anywhere among the others (its name holds the bundle's hash).
    const files = cacheFiles();
    expect(files.filter((name) => CACHE_FILE.test(name))).toHaveLength(1);
    expect(files.filter((name) => !CACHE_FILE.test(name)).sort()).toEqual([writing, other("2"), "unrelated.txt"].sort());
  });

  it("keeps the caches of only the two other builds written most lately", () => {
    const other = (hash: string, kind: string) => `command-${hash.repeat(32)}-${process.version}-${process.arch}-${kind}.v8`;
    writeFileSync(join(cache, "probe"), "", { mode: 0o600 });
    const now = statSync(join(cache, "probe")).mtimeMs / 1000;
    rmSync(join(cache, "probe"));
    // Four other builds within the week, each with a scan and a validate cache; build "a" wrote its
    // validate cache last of all, so it counts as the newest even though its scan cache is the oldest.
    const ages: Record<string, [number, number]> = { a: [6 * 86_400, 60], b: [3_600, 3_600], c: [7_200, 7_200], d: [600, 600] };
    for (const [hash, [scanAge, validateAge]] of Object.entries(ages)) {
      for (const [kind, seconds] of [
        ["scan", scanAge],
        ["validate", validateAge],
      ] as const) {
        writeFileSync(join(cache, other(hash, kind)), "old", { mode: 0o600 });
        utimesSync(join(cache, other(hash, kind)), now - seconds, now - seconds);
      }
    }
    listRules();
    const files = cacheFiles();
    expect(files.filter((name) => CACHE_FILE.test(name))).toHaveLength(1);
    expect(files.filter((name) => !CACHE_FILE.test(name)).sort()).toEqual(
      [other("a", "scan"), other("a", "validate"), other("d", "scan"), other("d", "validate")].sort(),
    );
  });

  it("never reads or writes through a symbolic link, and replaces a file others can write", () => {
    const expected = listRules();
    const name = cacheFiles()[0] as string;
    const file = join(cache, name);
    // A link in place of the file: not followed; the run writes a real file over it.
    const elsewhere = join(root, "elsewhere.v8");
    writeFileSync(elsewhere, Buffer.alloc(4096, 0x5a), { mode: 0o600 });
    rmSync(file);
    symlinkSync(elsewhere, file);
    expect(listRules()).toBe(expected);
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
    expect(readFileSync(elsewhere).equals(Buffer.alloc(4096, 0x5a))).toBe(true);
    // A file others may write: not trusted, written again (privately).
    chmodSync(file, 0o666);
    const before = lstatSync(file).ino;
    expect(listRules()).toBe(expected);
    expect(lstatSync(file).ino).not.toBe(before);
    expect(lstatSync(file).mode & 0o777).toBe(0o600);
    // A link in place of the directory: nothing is written where it points.
    const target = join(root, "target");
    mkdirSync(target, { mode: 0o700 });
    const linked = join(root, "linked");
    symlinkSync(target, linked);
    expect(listRules({ HARDCHECK_COMPILE_CACHE: linked })).toBe(expected);
    expect(readdirSync(target)).toEqual([]);
  });

  it("ignores a relative cache directory", () => {
    const expected = listRules();
    const cwd = join(root, "cwd");
    mkdirSync(cwd);
    const output = execFileSync(process.execPath, [bin, "list-rules", "--pack", "tls-baseline"], {
      encoding: "utf8",
      cwd,
      env: { ...process.env, HARDCHECK_COMPILE_CACHE: "relative-cache" },
    });
    expect(output).toBe(expected);
    expect(readdirSync(cwd)).toEqual([]);
    expect(stderrOf({ HARDCHECK_COMPILE_CACHE: "relative-cache" }, cwd)).toContain('HARDCHECK_COMPILE_CACHE="relative-cache" is not an absolute path');
  });

  it("writes nothing when turned off", () => {
    const expected = listRules();
    const off = join(root, "off");
    expect(listRules({ HARDCHECK_COMPILE_CACHE: "off", XDG_CACHE_HOME: off })).toBe(expected);
    expect(() => readdirSync(off)).toThrow();
  });

  it.skipIf(process.getuid?.() !== 0)("creates no folder inside one another user owns (sudo with the caller's HOME)", () => {
    const expected = listRules();
    const home = join(root, "someone");
    mkdirSync(home, { mode: 0o755 });
    chownSync(home, 65534, 65534);
    expect(listRules({ HARDCHECK_COMPILE_CACHE: "", XDG_CACHE_HOME: "", HOME: home })).toBe(expected);
    expect(readdirSync(home)).toEqual([]);
  });

  it("still answers when the cache directory cannot be created", () => {
    const expected = listRules();
    const blocked = join(root, "a-file");
    writeFileSync(blocked, "not a directory");
    expect(listRules({ HARDCHECK_COMPILE_CACHE: join(blocked, "cache") })).toBe(expected);
  });

  it("uses $XDG_CACHE_HOME/hardcheck by default", () => {
    const xdg = join(root, "xdg");
    listRules({ HARDCHECK_COMPILE_CACHE: "", XDG_CACHE_HOME: xdg });
    expect(readdirSync(join(xdg, "hardcheck"))).toEqual([expect.stringMatching(CACHE_FILE)]);
    expect(lstatSync(join(xdg, "hardcheck")).mode & 0o777).toBe(0o700);
  });
});
