// `hardcheck --version` and `--help` start in the time Node itself takes because the executable's
// static import graph holds only the command-line definition: core, the probes and their protocol
// libraries are imported when a command runs. The executable ships as a code-split bundle
// (dist/command/), the library as modules (dist/); this walks both built graphs (no timing is
// asserted; bench/cli/cold-start.mjs measures it) and runs the command to show it still answers.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const dist = resolve(import.meta.dirname, "..", "dist");
const command = join(dist, "command");

/** Every module the file imports statically (not `import()`), by specifier. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers: string[] = [];
  // Statements start a line (modules) or follow a `;` (the minified bundle).
  for (const match of text.matchAll(/(?:^|;)\s*(?:import|export)\s*(?:[^;"']*?from\s*)?["']([^"']+)["']/gm)) specifiers.push(match[1] as string);
  return specifiers;
}

/** The packages reached from `entry` through static imports, following the bundle's own chunks. */
function packagesReached(entry: string): Set<string> {
  return walk(entry).packages;
}

/** The files and packages reached from `entry` through static imports. */
function walk(entry: string): { files: Set<string>; packages: Set<string> } {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith(".")) visit(join(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files: seen, packages };
}

/** Bytes of JavaScript Node reads and compiles to evaluate `entry`'s static graph. */
function bytesReached(entry: string): number {
  let bytes = 0;
  for (const file of walk(entry).files) bytes += readFileSync(file).byteLength;
  return bytes;
}

describe("start-up", () => {
  it("the walk sees a command's static imports, so it would catch core on the start-up path", () => {
    const scan = readdirSync(dist).find((name) => /^scan-[A-Z0-9]+\.js$/.test(name));
    expect(scan).toBeDefined();
    expect(packagesReached(join(dist, scan as string))).toContain("@hardcheck/core");
  });

  it("the executable's bundle compiles the command-line definition, not core, before a command runs", () => {
    // Everything is inside the bundle, so the walk counts bytes: the core entry's graph (core, zod,
    // YAML, the rules engine) is megabytes; the executable's start-up graph must stay far below it.
    const bin = join(command, "bin.js");
    expect([...packagesReached(bin)].filter((name) => !name.startsWith("node:"))).toEqual([]);
    const startUp = bytesReached(bin);
    const core = bytesReached(join(command, "core.js"));
    expect(core).toBeGreaterThan(500_000);
    expect(startUp).toBeLessThan(250_000);
    // The walk follows the bundle's chunks: a scan's graph reaches core's.
    const scan = readdirSync(command).find((name) => /^scan-[A-Z0-9]+\.js$/.test(name));
    expect(scan).toBeDefined();
    expect(bytesReached(join(command, scan as string))).toBeGreaterThan(core / 2);
  });

  it("the executable's bundle leaves out only what must be shared with plugins or loads native parts", () => {
    const outside = new Set<string>();
    for (const name of readdirSync(command).filter((file) => file.endsWith(".js"))) {
      const text = readFileSync(join(command, name), "utf8");
      for (const specifier of staticImports(join(command, name))) outside.add(specifier);
      for (const match of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) outside.add(match[1] as string);
    }
    const reached = [...outside].filter((name) => !name.startsWith("."));
    expect(reached.filter((name) => !name.startsWith("node:")).sort()).toEqual(["mssql", "reflect-metadata", "ssh2", "tsyringe"]);
  });

  it("a scan imports a protocol or format library only when a target needs it", () => {
    // What a tls-baseline scan loads: the packages' own static graphs. SSH, SNMP and the XML, INI and
    // properties parsers load with the first ssh://, snmp:// or setting file that needs them, and
    // semver by its two functions rather than its 48-module index.
    const packages = resolve(import.meta.dirname, "..", "..");
    const reached = new Set(
      ["core", "probes-network", "probes-linux", "probes-windows", "reporters", "checklists"].flatMap((name) => [
        ...packagesReached(join(packages, name, "dist", "index.js")),
      ]),
    );
    for (const lazy of ["ssh2", "net-snmp", "@xmldom/xmldom", "xpath", "ini", "dot-properties", "semver", "mssql", "ldapts", "nodemailer"]) {
      expect(reached, lazy).not.toContain(lazy);
    }
    // The walk does see the libraries every scan needs.
    expect(reached).toContain("zod");
    expect(reached).toContain("json-rules-engine");
  });

  it("answers --version and --help", () => {
    const bin = join(command, "bin.js");
    expect(execFileSync(process.execPath, [bin, "--version"], { encoding: "utf8" }).trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(execFileSync(process.execPath, [bin, "--help"], { encoding: "utf8" })).toContain("Usage: hardcheck");
  });
});
