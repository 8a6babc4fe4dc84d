// Every YAML, JSON and TypeScript block of README.md is something a reader can paste: configs and
// packs validate against the published schemas, the report example is a report, the library
// example type-checks against the built packages.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configSchema, packSchema } from "../packages/core/src/config/schema.js";
import { reportSchema } from "../packages/core/src/model/report.js";

const root = resolve(import.meta.dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const blocks = [...readme.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((match) => ({
  lang: match[1] as string,
  body: match[2] as string,
  line: readme.slice(0, match.index).split("\n").length,
}));
const of = (...langs: string[]) => blocks.filter((block) => langs.includes(block.lang)).map((block) => [`line ${block.line}`, block] as const);

/** A minimal config a fragment is pasted into: a fragment is valid when the whole is. */
const BASE_CONFIG = { packs: ["tls-baseline"], targets: [{ id: "x", host: "local:" }] };

describe("README.md blocks", () => {
  it("has the blocks this test is about", () => {
    expect(of("yaml").length).toBeGreaterThanOrEqual(4);
    expect(of("json").length).toBe(1);
    expect(of("ts").length).toBe(1);
  });

  it.each(of("yaml"))("YAML at %s parses and validates as a config, a config fragment or a pack", (_, block) => {
    const data = parse(block.body) as unknown;
    if (Array.isArray(data)) {
      // A list of rules, as in a pack's rules: section.
      const result = packSchema.safeParse({ id: "readme", title: "README", version: "1", rules: data });
      expect(result.error?.issues ?? []).toEqual([]);
    } else if (data && typeof data === "object" && "rules" in data) {
      expect(packSchema.safeParse(data).error?.issues ?? []).toEqual([]);
    } else {
      const result = configSchema.safeParse({ ...BASE_CONFIG, ...(data as object) });
      expect(result.error?.issues ?? []).toEqual([]);
    }
  });

  it.each(of("json"))("JSON at %s parses and is a report document", (_, block) => {
    expect(reportSchema.safeParse(JSON.parse(block.body)).error?.issues ?? []).toEqual([]);
  });

  const dir = mkdtempSync(join(root, "test", ".readme-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(of("ts"))(
    "TypeScript at %s type-checks against the built packages",
    (_, block) => {
      const file = join(dir, `block-${block.line}.mts`);
      writeFileSync(file, block.body);
      const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
      const args = [
        "--noEmit",
        "--strict",
        "--skipLibCheck",
        "--target",
        "es2022",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--types",
        "node",
        file,
      ];
      let output = "";
      try {
        execFileSync(process.execPath, [tsc, ...args], { cwd: root, encoding: "utf8" });
      } catch (error) {
        output = String((error as { stdout?: string }).stdout);
      }
      expect(output).toBe("");
    },
    60_000,
  );
});
