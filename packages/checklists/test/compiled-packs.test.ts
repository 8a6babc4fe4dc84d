// The build compiles every bundled pack (tsup.config.ts); a run loads that form instead of parsing
// the YAML and checking it against the pack schema. Each must match its YAML exactly and give the
// pack parsing gives.
import { existsSync, readFileSync } from "node:fs";
import { loadPackFile, sourceFromCompiled } from "@hardcheck/core";
import { describe, expect, it } from "vitest";
import { bundledPacks } from "../src/index.js";

const coreVersion = (JSON.parse(readFileSync(new URL("../../core/package.json", import.meta.url), "utf8")) as { version: string }).version;

describe("compiled bundled packs", () => {
  it.each(bundledPacks.map((pack) => [pack.id, pack] as const))("%s: compiled from the YAML as it is, and loads to the same pack", async (_id, source) => {
    expect(existsSync(source.compiled as string)).toBe(true);
    const text = readFileSync(source.file, "utf8");
    const compiled = JSON.parse(readFileSync(source.compiled as string, "utf8"));
    // Undefined here means the YAML changed after the build, and runs would parse it again.
    expect(sourceFromCompiled(text, source.id, compiled)).toBeDefined();
    // The pack as core's schema accepted it, so a run of that core skips the check.
    expect(compiled.accepted?.by).toBe(`pack@${coreVersion}`);
    const fromCompiled = await loadPackFile(source.file, source.displayName, source.compiled);
    const fromYaml = await loadPackFile(source.file, source.displayName);
    expect(fromCompiled.pack).toEqual(fromYaml.pack);
    expect(fromCompiled.document.data).toEqual(fromYaml.document.data);
  });
});
