import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { cliReference } from "../src/reference.js";

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
});
