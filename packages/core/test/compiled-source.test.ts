// A compiled source (bundled packs, built ahead of time) must be indistinguishable from parsing the
// text: same data, same line and column for every key path, and never used for other text.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { KeyPath } from "../src/config/source.js";
import { compilePack, compileSource, loadPackFile, parseSource, readSource, type SourceDocument, sourceFromCompiled } from "../src/index.js";

const TEXT = `# a pack
id: demo
version: "1.0"
title: "Demo pack"
rules:
  - id: DEMO-1
    title: first
    rationale: why
    remediation: how
    severity: high
    conditions:
      all:
        - { fact: tls, path: $.version, operator: equal, value: TLSv1.3 }
  - id: DEMO-2
    title: "second: with a colon"
    rationale: why
    remediation: how
    severity: low
    manual: true
    prompt: Is it so?
`;

/** Every key path of `value`, with the paths of keys and values. */
function paths(value: unknown, base: KeyPath = []): KeyPath[] {
  const out: KeyPath[] = [base];
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) out.push(...paths(item, [...base, index]));
  } else if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) out.push(...paths(item, [...base, key]));
  return out;
}

function sameDocument(compiled: SourceDocument, parsed: SourceDocument): void {
  expect(compiled.data).toEqual(parsed.data);
  for (const path of [...paths(parsed.data), ["rules", 9], ["nowhere", "deeper"]]) {
    expect(compiled.locate(path), JSON.stringify(path)).toEqual(parsed.locate(path));
    expect(compiled.locate(path, true), JSON.stringify(path)).toEqual(parsed.locate(path, true));
  }
}

/** Runs `body` with `demo.yaml` (holding {@link TEXT}) and the path for its compiled form in a fresh folder. */
async function withPackFiles(body: (file: string, compiled: string, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "hc-compiled-"));
  try {
    await writeFile(join(dir, "demo.yaml"), TEXT);
    await body(join(dir, "demo.yaml"), join(dir, "demo.json"), dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("compiled sources", () => {
  it("give the data and every position parsing gives, through JSON", () => {
    const compiled = JSON.parse(JSON.stringify(compileSource(TEXT, "demo.yaml")));
    const document = sourceFromCompiled(TEXT, "demo.yaml", compiled);
    expect(document).toBeDefined();
    sameDocument(document as SourceDocument, parseSource(TEXT, "demo.yaml"));
    expect(document?.locate(["rules", 1, "title"])).toEqual({ line: 15, column: 12 });
  });

  it("are not used for any other text, nor in another layout", () => {
    const compiled = compileSource(TEXT, "demo.yaml");
    expect(sourceFromCompiled(TEXT.replace("high", "low"), "demo.yaml", compiled)).toBeUndefined();
    expect(sourceFromCompiled(TEXT, "demo.yaml", { ...compiled, format: "hardcheck-compiled-source/0" })).toBeUndefined();
    expect(sourceFromCompiled(TEXT, "demo.yaml", null)).toBeUndefined();
    expect(sourceFromCompiled(TEXT, "demo.yaml", "text")).toBeUndefined();
  });

  it("refuse data plain JSON cannot hold, and syntax errors, naming the file", () => {
    expect(() => compileSource("a: .inf\n", "odd.yaml")).toThrow(/odd\.yaml.*plain JSON/s);
    expect(() => compileSource("a: [1,\n", "broken.yaml")).toThrow(/broken\.yaml/);
  });

  it("readSource falls back to parsing when the compiled file is stale, damaged or missing", async () => {
    await withPackFiles(async (file, compiled, dir) => {
      const parsed = parseSource(TEXT, "demo.yaml");
      // Matching: used. A stale form whose data differs shows which one was read.
      await writeFile(compiled, JSON.stringify({ ...compileSource(TEXT, "demo.yaml"), data: { marker: true } }));
      expect((await readSource(file, "demo.yaml", compiled)).data).toEqual({ marker: true });
      await writeFile(file, TEXT.replace("Demo pack", "Edited pack"));
      expect((await readSource(file, "demo.yaml", compiled)).data).toMatchObject({ title: "Edited pack" });
      await writeFile(file, TEXT);
      await writeFile(compiled, "{ not json");
      sameDocument(await readSource(file, "demo.yaml", compiled), parsed);
      sameDocument(await readSource(file, "demo.yaml", join(dir, "missing.json")), parsed);
    });
  });

  it("a pack loaded from its compiled form reports the same rule lines and errors", async () => {
    await withPackFiles(async (file, compiled) => {
      await writeFile(compiled, JSON.stringify(compileSource(TEXT, "demo.yaml")));
      const fromCompiled = await loadPackFile(file, "demo.yaml", compiled);
      const fromYaml = await loadPackFile(file, "demo.yaml");
      expect(fromCompiled.pack).toEqual(fromYaml.pack);
      const bad = TEXT.replace("severity: low", "severity: loud");
      await writeFile(file, bad);
      await writeFile(compiled, JSON.stringify(compileSource(bad, "demo.yaml")));
      const errorOf = (promise: Promise<unknown>) =>
        promise.then(
          () => "no error",
          (error: Error) => error.message,
        );
      const message = await errorOf(loadPackFile(file, "demo.yaml", compiled));
      expect(message).toMatch(/demo\.yaml:18:/);
      expect(message).toBe(await errorOf(loadPackFile(file, "demo.yaml")));
    });
  });

  it("a compiled pack is marked as checked by this build's pack schema, and loads to the same pack", async () => {
    await withPackFiles(async (file, compiled) => {
      const form = compilePack(TEXT, "demo.yaml");
      expect(form.checkedBy).toMatch(/^pack@[0-9a-f]{16}$/);
      await writeFile(compiled, JSON.stringify(form));
      const fromCompiled = await loadPackFile(file, "demo.yaml", compiled);
      const fromYaml = await loadPackFile(file, "demo.yaml");
      expect(fromCompiled.pack).toEqual(fromYaml.pack);
      expect(fromCompiled.rulePath(1)).toEqual(fromYaml.rulePath(1));
    });
  });

  it("the schema check is skipped only for a pack marked by this same schema", async () => {
    await withPackFiles(async (file, compiled) => {
      const form = compilePack(TEXT, "demo.yaml");
      // Data the schema would refuse, under the text's hash: what shows whether the check ran.
      const data = structuredClone(form.data) as { rules: { severity: string }[] };
      (data.rules[1] as { severity: string }).severity = "loud";
      const load = async (checkedBy: string | undefined) => {
        await writeFile(compiled, JSON.stringify({ ...form, data, checkedBy }));
        return loadPackFile(file, "demo.yaml", compiled).then(
          (loaded) => loaded.pack.rules[1]?.severity as string,
          (error: Error) => error.message,
        );
      };
      expect(await load(form.checkedBy)).toBe("loud");
      expect(await load("pack@0000000000000000")).toMatch(/demo\.yaml:18:.*severity/s);
      expect(await load(undefined)).toMatch(/demo\.yaml:18:.*severity/s);
    });
  });

  it("a marked pack whose data no longer holds together gets the schema check's positioned error, not a crash", async () => {
    await withPackFiles(async (file, compiled) => {
      const form = compilePack(TEXT, "demo.yaml");
      await writeFile(compiled, JSON.stringify({ ...form, data: { id: "demo" } }));
      const message = await loadPackFile(file, "demo.yaml", compiled).then(
        () => "no error",
        (error: Error) => `${error.name}: ${error.message}`,
      );
      expect(message).toMatch(/^HardcheckError: .*demo\.yaml.*rules/s);
    });
  });

  it("compiling a pack that does not load fails with the loader's positioned error", () => {
    expect(() => compilePack(TEXT.replace("severity: low", "severity: loud"), "demo.yaml")).toThrow(/demo\.yaml:18:/);
    expect(() => compilePack(TEXT.replace("id: DEMO-2", "id: DEMO-1"), "demo.yaml")).toThrow(/duplicate rule id "DEMO-1"/);
  });
});
