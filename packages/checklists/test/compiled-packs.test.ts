// The build compiles every bundled pack (tsup.config.ts); a run loads that form instead of parsing
// the YAML and checking it against the pack schema. Each must match its YAML exactly and give the
// pack parsing gives.
import { existsSync, readFileSync } from "node:fs";
import { compilePack, loadPackFile, sourceFromCompiled } from "@hardcheck/core";
import { describe, expect, it } from "vitest";
import { bundledPacks } from "../src/index.js";

describe("compiled bundled packs", () => {
  it.each(bundledPacks.map((pack) => [pack.id, pack] as const))("%s: compiled from the YAML as it is, and loads to the same pack", async (_id, source) => {
    expect(existsSync(source.compiled as string)).toBe(true);
    const text = readFileSync(source.file, "utf8");
    const compiled = JSON.parse(readFileSync(source.compiled as string, "utf8"));
    // Undefined here means the YAML changed after the build, and runs would parse it again.
    expect(sourceFromCompiled(text, source.id, compiled)).toBeDefined();
    // Marked as checked by the pack schema core has now, so a run skips the check.
    expect(compiled.checkedBy).toMatch(/^pack@[0-9a-f]{16}$/);
    expect(compiled.checkedBy).toBe(compilePack(text, source.id).checkedBy);
    const fromCompiled = await loadPackFile(source.file, source.displayName, source.compiled);
    const fromYaml = await loadPackFile(source.file, source.displayName);
    expect(fromCompiled.pack).toEqual(fromYaml.pack);
    expect(fromCompiled.document.data).toEqual(fromYaml.document.data);
  });
});
