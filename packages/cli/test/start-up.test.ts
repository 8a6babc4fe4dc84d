// `hardcheck --version` and `--help` start in the time Node itself takes because the executable
// holds only the command-line definition: core, the probes and their protocol libraries are in the
// command bundle (dist/command/command.cjs), loaded when a command runs; the library ships as
// modules (dist/). This walks the library's built graph, checks what the executable and the bundle
// hold (no timing is asserted; bench/cli/cold-start.mjs measures it) and runs the command.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
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

/** The packages reached from `entry` through static imports, following relative modules. */
function packagesReached(entry: string): Set<string> {
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
  return packages;
}

describe("start-up", () => {
  it("the walk sees a command's static imports, so it would catch core on the start-up path", () => {
    const scan = readdirSync(dist).find((name) => /^scan-[A-Z0-9]+\.js$/.test(name));
    expect(scan).toBeDefined();
    expect(packagesReached(join(dist, scan as string))).toContain("@hardcheck/core");
  });

  it("the executable compiles the command-line definition, not core, before a command runs", () => {
    // The executable is the command-line definition alone; every command's code and the packages
    // behind it are in the bundle (command.cjs), which is loaded when a command runs.
    const bin = join(command, "bin.js");
    expect(staticImports(bin).filter((name) => !name.startsWith("node:"))).toEqual([]);
    expect(readFileSync(bin).byteLength).toBeLessThan(250_000);
    expect(readFileSync(bin, "utf8")).not.toMatch(/\brequire\(\s*["'][^"'.]/);
    expect(readFileSync(join(command, "command.cjs")).byteLength).toBeGreaterThan(1_000_000);
  });

  it("--help never loads the bundle; a command does", async () => {
    const cache = await mkdtemp(join(tmpdir(), "hc-start-up-"));
    try {
      const env = { ...process.env, HARDCHECK_COMPILE_CACHE: cache };
      execFileSync(process.execPath, [join(command, "bin.js"), "--help"], { encoding: "utf8", env });
      execFileSync(process.execPath, [join(command, "bin.js"), "--version"], { encoding: "utf8", env });
      expect(readdirSync(cache)).toEqual([]);
      execFileSync(process.execPath, [join(command, "bin.js"), "list-rules"], { encoding: "utf8", env });
      expect(readdirSync(cache)).toEqual([expect.stringMatching(/^command-[0-9a-f]{32}-v[\d.]+-\w+-list-rules\.v8$/)]);
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });

  it("the executable's bundle leaves out only what must be shared with plugins or loads native parts", () => {
    const text = readFileSync(join(command, "command.cjs"), "utf8");
    const outside = new Set<string>();
    for (const match of text.matchAll(/\b(?:require|import)\(\s*["']([^"']+)["']\s*\)/g)) outside.add(match[1] as string);
    const reached = [...outside].filter((name) => !name.startsWith(".") && !name.startsWith("node:") && !builtinModules.includes(name));
    expect(reached.sort()).toEqual(["mssql", "ssh2"]);
    // Code compiled through the code cache cannot call import() on Node 20: each import() in the
    // bundle is the fallback behind core's hostImport, which the executable always answers.
    const imports = [...text.matchAll(/(.{2})\bimport\(/g)].map((match) => match[1]);
    expect(imports.length).toBeGreaterThanOrEqual(3);
    expect(imports.filter((before) => before !== "??")).toEqual([]);
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
