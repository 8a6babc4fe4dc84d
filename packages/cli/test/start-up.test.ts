// `hardcheck --version` and `--help` start in the time Node itself takes because the executable's
// static import graph holds only the command-line definition: core, the probes and their protocol
// libraries are imported when a command runs. This walks the built graph (no timing is asserted;
// bench/cli/cold-start.mjs measures it) and runs both to show they still answer.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const dist = resolve(import.meta.dirname, "..", "dist");

/** Every module the file imports statically (not `import()`), by specifier. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s(?:[^;]*?\sfrom\s)?["']([^"']+)["']/gms)) specifiers.push(match[1] as string);
  return specifiers;
}

/** The packages reached from `entry` through static imports, following the bundle's own chunks. */
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
  it("loads nothing but commander and Node's own modules before a command runs", () => {
    const reached = [...packagesReached(join(dist, "bin.js"))].filter((name) => !name.startsWith("node:"));
    expect(reached).toEqual(["commander"]);
  });

  it("the walk sees a command's static imports, so it would catch core on the start-up path", () => {
    const scan = readdirSync(dist).find((name) => /^scan-[A-Z0-9]+\.js$/.test(name));
    expect(scan).toBeDefined();
    expect(packagesReached(join(dist, scan as string))).toContain("@hardcheck/core");
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
    const bin = join(dist, "bin.js");
    expect(execFileSync(process.execPath, [bin, "--version"], { encoding: "utf8" }).trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(execFileSync(process.execPath, [bin, "--help"], { encoding: "utf8" })).toContain("Usage: hardcheck");
  });
});
