// What a user meets before reading any code: the bin after `npm ci`, CommonJS require, licences
// and the manifest fields registries show.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
const packages = readdirSync(join(root, "packages")).map((name) => ({
  name,
  dir: join(root, "packages", name),
  manifest: readJson(join(root, "packages", name, "package.json")),
}));
const tracked = new Set(execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n"));
const licence = readFileSync(join(root, "LICENSE"), "utf8");

describe("npx hardcheck right after npm ci", () => {
  const cli = packages.find((pkg) => pkg.manifest.name === "hardcheck");
  const bins = Object.entries((cli?.manifest.bin ?? {}) as Record<string, string>);

  it.each(bins)("bin %s points at a committed file, so npm links it before the build", (_, target) => {
    const path = join("packages", "cli", target);
    expect(tracked.has(path)).toBe(true);
    expect(statSync(join(root, path)).mode & 0o111).not.toBe(0);
  });

  it("the linked bin runs the CLI", () => {
    const linked = join(root, "node_modules", ".bin", "hardcheck");
    expect(existsSync(linked)).toBe(true);
    const version = String(cli?.manifest.version);
    expect(execFileSync(linked, ["--version"], { encoding: "utf8" }).trim()).toBe(version);
  });
});

describe("CommonJS consumers", () => {
  it.each(packages.map((pkg) => [String(pkg.manifest.name)]))("require('%s') works", (name) => {
    // A real CommonJS script, run by the Node that runs the tests (>= 20.19: require of an ES module).
    const script = `const mod = require(${JSON.stringify(name)}); const keys = Object.keys(mod); if (keys.length === 0) process.exit(1); console.log(keys.length);`;
    const result = spawnSync(process.execPath, ["--input-type=commonjs", "-e", script], { cwd: root, encoding: "utf8" });
    expect(result.stderr).not.toContain("ERR_PACKAGE_PATH_NOT_EXPORTED");
    expect(result.status).toBe(0);
    expect(Number(result.stdout.trim())).toBeGreaterThan(0);
  });
});

describe("licence and manifest fields", () => {
  it("the repository carries the Apache-2.0 licence its manifests declare", () => {
    expect(readJson(join(root, "package.json")).license).toBe("Apache-2.0");
    expect(licence).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    expect(tracked.has("LICENSE")).toBe(true);
  });

  it.each(packages.map((pkg) => [pkg.name, pkg] as const))("%s ships the licence and says where it lives", (_, pkg) => {
    expect(pkg.manifest.license).toBe("Apache-2.0");
    expect(readFileSync(join(pkg.dir, "LICENSE"), "utf8")).toBe(licence);
    expect(pkg.manifest.files).toContain("LICENSE");
    expect(pkg.manifest.repository).toMatchObject({ type: "git", directory: `packages/${pkg.name}` });
    expect(String(pkg.manifest.homepage)).toMatch(/^https:\/\//);
    expect(String((pkg.manifest.bugs as { url?: string } | undefined)?.url)).toMatch(/^https:\/\/.*\/issues$/);
  });
});
