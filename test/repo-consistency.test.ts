// Repository-wide invariants: package manifests, probe folders, and packs against probes.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundledPacks } from "@hardcheck/checklists";
import { configFromObject, isEndpointProbe, loadPackFile } from "@hardcheck/core";
import { BUNDLED_PLUGINS, createInstance } from "hardcheck";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
const publishable = readdirSync(join(root, "packages")).map((name) => ({
  name,
  dir: join(root, "packages", name),
  manifest: readJson(join(root, "packages", name, "package.json")),
}));

describe("package manifests", () => {
  it.each(publishable.map((pkg) => [pkg.name, pkg] as const))(
    "%s is an ESM package with types-first exports, a files whitelist, engines and a README",
    (_, pkg) => {
      const { manifest, dir } = pkg;
      expect(manifest.type).toBe("module");
      expect(manifest.engines).toEqual({ node: ">=20.19" });
      const exports = manifest.exports as Record<string, Record<string, string>>;
      expect(Object.keys(exports["."] ?? {})[0]).toBe("types");
      expect(manifest.files).toContain("dist");
      expect(existsSync(join(dir, "README.md"))).toBe(true);
      expect(existsSync(join(dir, "src", "index.ts"))).toBe(true);
      // After the build, what the exports map names exists.
      expect(existsSync(join(dir, exports["."]?.types ?? "missing"))).toBe(true);
      expect(existsSync(join(dir, exports["."]?.import ?? "missing"))).toBe(true);
    },
  );

  it("pins the toolchain to versions that run on Node 20", () => {
    const devDependencies = readJson(join(root, "package.json")).devDependencies as Record<string, string>;
    expect(devDependencies.typescript).toMatch(/^\^?5\.9\./);
    expect(devDependencies.tsup).toMatch(/^\^?8\.5\./);
    expect(devDependencies.vitest).toMatch(/^\^?4\.1\./);
    expect(devDependencies.turbo).toMatch(/^\^?2\./);
    expect(existsSync(join(root, "package-lock.json"))).toBe(true);
  });
});

describe("probes", async () => {
  const { hardcheck } = await createInstance(undefined, root);
  const probes = [...hardcheck.registry.probes.values()];

  it("have unique ids (the registry refuses duplicates) and at least one fact each", () => {
    expect(probes.length).toBeGreaterThan(0);
    for (const probe of probes) expect(probe.meta.facts.length).toBeGreaterThan(0);
  });

  it.each(probes.map((probe) => [probe.meta.id, probe] as const))("%s lives in its own folder with a test and a README naming every fact", (id, probe) => {
    const folder = readdirSync(join(root, "packages"))
      .flatMap((name) => [join(root, "packages", name, "src", id), join(root, "packages", name, "src", "probes", id)])
      .find((candidate) => existsSync(candidate));
    expect(folder, `no folder src/${id} in any package`).toBeDefined();
    const dir = folder as string;
    expect(existsSync(join(dir, `${id}.probe.ts`))).toBe(true);
    expect(existsSync(join(dir, `${id}.probe.test.ts`))).toBe(true);
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    for (const fact of probe.meta.facts) expect(readme).toContain(fact.name);
    expect(isEndpointProbe(probe) ? probe.meta.schemes.length : 1).toBeGreaterThan(0);
  });
});

describe("bundled packs", () => {
  it.each(bundledPacks.map((pack) => [pack.id, pack] as const))("%s loads, every fact it reads has a probe, every rule has remediation", async (id, source) => {
    const { pack } = await loadPackFile(source.file, source.displayName);
    expect(pack.id).toBe(id);
    for (const rule of pack.rules) {
      expect(rule.remediation.length).toBeGreaterThan(20);
      for (const [name, parameter] of Object.entries(rule.parameters)) {
        expect(parameter.description, `${rule.id}.${name}`).not.toBe("");
      }
    }
    const config = configFromObject({ packs: [id], targets: [{ id: "t", endpoints: ["tls://127.0.0.1:1"] }] });
    const { hardcheck } = await createInstance(undefined, root);
    await expect(hardcheck.resolve(config)).resolves.toMatchObject({ rules: expect.any(Array) });
  });

  it("rule ids are unique across all bundled packs", async () => {
    const ids = (await Promise.all(bundledPacks.map(async (source) => (await loadPackFile(source.file)).pack.rules.map((rule) => rule.id)))).flat();
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("the CLI registers every bundled plugin", () => {
    // core's built-ins, three probe packages, reporters, checklists
    expect(BUNDLED_PLUGINS.length).toBe(6);
  });
});

describe("the dated suites (run again with the clock two years ahead)", () => {
  const lines = readFileSync(join(root, "scripts", "dated-suites.txt"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const testFiles = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && /\.test\.(ts|mjs)$/.test(entry.name) && !entry.parentPath.includes("node_modules"))
      .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1));
  const all = ["test", "packages", "examples"].flatMap(testFiles);

  it.each(lines)("%s names at least one test file", (line) => {
    expect(all.some((file) => file.startsWith(line))).toBe(true);
  });

  it("includes the check that the clock really moved", () => {
    expect(lines).toContain("test/clock-shift.test.ts");
  });
});
