import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/program.js";
import { cliReference } from "../src/reference.js";

/** Table rows without the padding a formatter adds. */
const normalise = (table: string) =>
  table
    .trim()
    .split("\n")
    .map((line) => line.replace(/\s*\|\s*/g, "|").replace(/-+/g, "-"))
    .join("\n");

describe("the CLI reference in README.md", () => {
  it("is what the command definitions generate (node scripts/cli-reference.mjs rewrites it)", () => {
    const readme = readFileSync(resolve(import.meta.dirname, "../../../README.md"), "utf8");
    const section = /<!-- cli-reference:start[^>]*-->\n\n([\s\S]*?)<!-- cli-reference:end -->/.exec(readme)?.[1];
    expect(section).toBe(cliReference());
  });

  it("documents every command and option with a description", () => {
    const reference = cliReference();
    for (const command of ["scan", "validate", "list-rules", "explain", "merge", "report", "diff", "attest", "collect-script"]) {
      expect(reference).toContain(`### \`hardcheck ${command}`);
    }
    expect(reference).not.toMatch(/— \(|— $/m);
  });

  it("carries the pack coverage table that hardcheck list-rules --markdown prints", async () => {
    const readme = readFileSync(resolve(import.meta.dirname, "../../../README.md"), "utf8");
    const section = /<!-- coverage:start[^>]*-->\n\n([\s\S]*?)<!-- coverage:end -->/.exec(readme)?.[1] ?? "";
    let printed = "";
    const code = await main(["list-rules", "--markdown"], {
      stdout: { write: (text: string) => (printed += text) },
      stderr: { write: () => true },
      env: {},
      cwd: process.cwd(),
    });
    expect(code).toBe(0);
    expect(normalise(section)).toBe(normalise(printed));
  });
});
