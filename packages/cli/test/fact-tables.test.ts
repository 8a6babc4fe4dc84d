import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { builtinProbes, factTable, type Probe } from "@hardcheck/core";
import { probes as linuxProbes } from "@hardcheck/probes-linux";
import { probes as networkProbes } from "@hardcheck/probes-network";
import { probes as windowsProbes } from "@hardcheck/probes-windows";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");

/** Every bundled probe with the folder its README lives in. */
const bundled: ReadonlyArray<readonly [string, Probe]> = [
  ...builtinProbes.map((probe) => [`packages/core/src/probes/${probe.meta.id}`, probe] as const),
  ...linuxProbes.map((probe) => [`packages/probes-linux/src/${probe.meta.id}`, probe] as const),
  ...networkProbes.map((probe) => [`packages/probes-network/src/${probe.meta.id}`, probe] as const),
  ...windowsProbes.map((probe) => [`packages/probes-windows/src/${probe.meta.id}`, probe] as const),
];

/** Table rows without the padding the formatter adds. */
const normalise = (table: string) =>
  table
    .trim()
    .split("\n")
    .map((line) => line.replace(/\s*(?<!\\)\|\s*/g, "|").replace(/-+/g, "-"))
    .join("\n");

describe("the fact table in every probe's README.md", () => {
  it.each(bundled.map(([folder, probe]) => [probe.meta.id, folder, probe] as const))(
    "%s: is what its fact declarations generate (npm run docs:facts rewrites it)",
    (_id, folder, probe) => {
      const readme = readFileSync(resolve(ROOT, folder, "README.md"), "utf8");
      const section = /<!-- facts:start[^>]*-->\n\n([\s\S]*?)<!-- facts:end -->/.exec(readme)?.[1];
      expect(section, `${folder}/README.md has no generated fact table`).toBeDefined();
      expect(normalise(section ?? "")).toBe(normalise(factTable(probe.meta.facts)));
    },
  );

  it("documents every fact of every bundled probe with a schema", () => {
    const undeclared = bundled.flatMap(([, probe]) => probe.meta.facts.filter((fact) => !fact.schema).map((fact) => fact.name));
    expect(undeclared).toEqual([]);
  });
});
