/**
 * The published JSON Schema files: committed copies must equal what the zod schemas produce now,
 * and they must accept and refuse the same documents as the run-time validation.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { configFromObject } from "../src/config/config.js";
import { jsonSchemas } from "../src/config/json-schemas.js";
import { attestationsFileSchema, configSchema, packSchema } from "../src/config/schema.js";
import { Hardcheck } from "../src/hardcheck.js";
import { reportSchema } from "../src/model/report.js";
import type { JsonValue } from "../src/model/values.js";
import { parseReport } from "../src/report/report.js";
import { serializeReport } from "../src/report/serialize.js";
import { joinResults } from "../src/report/tables.js";
import { fakePlugin, fixedClock, fixture, passingProbe } from "./support/fakes.js";

const schemaDir = fixture("..", "..", "schemas");
const published = (name: string): JsonSchema => JSON.parse(readFileSync(`${schemaDir}/${name}`, "utf8")) as JsonSchema;

type JsonSchema = { readonly [keyword: string]: JsonValue };

/** Keywords the structural checker below understands; annotations are listed so nothing is ignored by accident. */
const CHECKED = new Set(["type", "properties", "required", "additionalProperties", "propertyNames", "items", "prefixItems", "anyOf", "$ref", "enum", "const"]);
const LIMITS = new Set(["minItems", "maxItems", "minLength", "minimum", "maximum", "pattern"]);
const ANNOTATIONS = new Set(["$schema", "$id", "$defs", "title", "description", "default"]);

function isObject(value: unknown): value is { [key: string]: JsonValue } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/**
 * A small JSON Schema (2020-12 subset) checker: enough for the keywords zod emits here. Returns the
 * paths that do not conform; an empty list means valid.
 */
function violations(schema: JsonValue, value: unknown, root: JsonSchema, path = "$"): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: nothing is allowed here`];
  if (!isObject(schema)) throw new Error(`${path}: not a schema`);
  const problems: string[] = [];
  for (const keyword of Object.keys(schema)) {
    if (!CHECKED.has(keyword) && !LIMITS.has(keyword) && !ANNOTATIONS.has(keyword)) throw new Error(`the checker does not know keyword ${keyword}`);
  }
  const ref = schema.$ref;
  if (typeof ref === "string") {
    const target = ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<JsonValue | undefined>((node, key) => (isObject(node) ? node[key] : undefined), root as JsonValue);
    if (target === undefined) throw new Error(`unresolvable $ref ${ref}`);
    problems.push(...violations(target, value, root, path));
  }
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((branch) => violations(branch, value, root, path).length === 0)) {
    problems.push(`${path}: matches no accepted form`);
  }
  if (typeof schema.type === "string") {
    const actual = typeOf(value);
    if (!(actual === schema.type || (schema.type === "number" && actual === "integer")))
      return [...problems, `${path}: expected ${schema.type}, got ${actual}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value)))
    problems.push(`${path}: not one of the enum`);
  if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) problems.push(`${path}: not the constant`);
  if (typeof value === "string") {
    if (typeof schema.minLength === "number" && value.length < schema.minLength) problems.push(`${path}: too short`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) problems.push(`${path}: does not match ${schema.pattern}`);
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) problems.push(`${path}: below ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum) problems.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) problems.push(`${path}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) problems.push(`${path}: more than ${schema.maxItems} items`);
    // A tuple: the first items by position, the rest by `items`.
    const positional = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
    for (const [i, item] of value.entries()) {
      const itemSchema = i < positional.length ? positional[i] : schema.items;
      if (itemSchema !== undefined) problems.push(...violations(itemSchema as JsonValue, item, root, `${path}[${i}]`));
    }
  }
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    for (const key of Array.isArray(schema.required) ? schema.required : []) {
      if (typeof key === "string" && !(key in value)) problems.push(`${path}.${key}: required`);
    }
    for (const [key, item] of Object.entries(value)) {
      if (schema.propertyNames !== undefined) problems.push(...violations(schema.propertyNames, key, root, `${path}.${key} (name)`));
      const known = properties[key];
      if (known !== undefined) problems.push(...violations(known, item, root, `${path}.${key}`));
      else if (schema.additionalProperties !== undefined) problems.push(...violations(schema.additionalProperties, item, root, `${path}.${key}`));
    }
  }
  return problems;
}

const validConfig = {
  $schema: "../node_modules/@hardcheck/core/schemas/config.schema.json",
  packs: ["fake-pack", "./site-rules.yaml"],
  plugins: ["./probes/banner.mjs"],
  trust: { caFile: "./ca.pem", systemRoots: false },
  targets: [
    {
      id: "mail-1",
      os: "linux",
      host: "ssh://admin@mail-1",
      tags: ["dmz"],
      endpoints: ["smtp://mail-1:25", { url: "tls://mail-1:8443", tags: ["admin"], servername: "mail.example" }],
    },
    { id: "web.2", endpoints: ["https://web-2"] },
  ],
  tailoring: { "fake-pack": { horizon: "now+60d" }, "fake-value-ok": { expected: "fine" } },
  waivers: [{ rule: "fake-value-ok", target: "mail-1", reason: "legacy client", approvedBy: "ciso", expires: "2026-12-31" }],
  attestations: [{ rule: "fake-manual", target: "web.2", verdict: "pass", by: "alice", at: "2026-02-01T09:00:00Z", note: "checked on site" }],
  limits: { concurrency: 8, perHost: 2, connectTimeoutMs: 3000, probeTimeoutMs: 10000, scanTimeoutMs: 600000 },
};

describe("published JSON Schemas", () => {
  const schemas = jsonSchemas();

  it("are committed exactly as jsonSchemas() produces them now (run the core build to refresh)", () => {
    expect(readdirSync(schemaDir).sort()).toEqual(Object.keys(schemas).sort());
    for (const [name, schema] of Object.entries(schemas)) {
      expect(readFileSync(`${schemaDir}/${name}`, "utf8"), name).toBe(`${JSON.stringify(schema, null, 2)}\n`);
    }
  });

  it.each(Object.keys(jsonSchemas()))("%s is a draft 2020-12 schema with its own id and title", (name) => {
    const schema = published(name);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe(`urn:hardcheck:schema:${name}`);
    expect(typeof schema.title).toBe("string");
    // Walking a valid document through it uses only keywords the checker knows (throws otherwise).
    expect(() => violations(schema, {}, schema)).not.toThrow();
  });

  it("describes the config's keys, required ones and all", () => {
    const schema = published("config.schema.json");
    expect(Object.keys(schema.properties as object).sort()).toEqual(
      ["$schema", "attestations", "limits", "packs", "plugins", "site", "strict", "tailoring", "targets", "trust", "waivers"].sort(),
    );
    expect(schema.required).toEqual(["packs", "targets"]);
    expect(schema.additionalProperties).toBe(false);
  });

  it("accepts a full sample config, as the run-time validation and prepare do", async () => {
    const schema = published("config.schema.json");
    expect(violations(schema, validConfig, schema)).toEqual([]);
    expect(configSchema.safeParse(validConfig).success).toBe(true);
    // The sample is not only well-formed: it prepares against the fake pack, apart from the files it names.
    const { packs: _packs, plugins: _plugins, trust: _trust, ...rest } = validConfig;
    const config = configFromObject({ ...rest, packs: ["fake-pack"] }, { baseDir: fixture("packs") });
    const hardcheck = await Hardcheck.create({ plugins: [fakePlugin(passingProbe)] });
    await expect(hardcheck.resolve(config)).resolves.toMatchObject({ limits: { concurrency: 8, perHost: 2 } });
  });

  it.each([
    { name: "no targets", change: { targets: undefined } },
    { name: "an unknown top-level key", change: { reporters: ["json"] } },
    { name: "packs as a string", change: { packs: "tls-baseline" } },
    { name: "an empty pack list", change: { packs: [] } },
    { name: "concurrency as text", change: { limits: { concurrency: "ten" } } },
    { name: "concurrency 0", change: { limits: { concurrency: 0 } } },
    { name: "a fractional timeout", change: { limits: { probeTimeoutMs: 1.5 } } },
    { name: "a target id with a space", change: { targets: [{ id: "web 1", endpoints: ["tls://a"] }] } },
    { name: "an unknown target key", change: { targets: [{ id: "web", adress: "a" }] } },
    { name: "an endpoint object without url", change: { targets: [{ id: "web", endpoints: [{ tags: ["x"] }] }] } },
    { name: "a waiver without reason", change: { waivers: [{ rule: "r", approvedBy: "x" }] } },
    { name: "an attestation verdict outside the list", change: { attestations: [{ rule: "r", target: "t", verdict: "probably", by: "x", at: "2026-01-01" }] } },
  ])("refuses $name, as the run-time validation does", ({ change }) => {
    const schema = published("config.schema.json");
    const sample = JSON.parse(JSON.stringify({ ...validConfig, ...change })) as JsonValue;
    expect(violations(schema, sample, schema)).not.toEqual([]);
    expect(configSchema.safeParse(sample).success).toBe(false);
  });

  it.each([["packs/fake-pack.yaml"], ["bad-config/pack-same-rule-a.json"], ["bad-config/pack-unknown-fact.yaml"], ["plugins/banner-pack.yaml"]])(
    "accepts the well-formed pack %s",
    (file) => {
      const schema = published("pack.schema.json");
      const data = parseYaml(readFileSync(fixture(file), "utf8")) as JsonValue;
      expect(violations(schema, data, schema)).toEqual([]);
      expect(packSchema.safeParse(data).success).toBe(true);
    },
  );

  it("follows the recursive condition tree of a pack", () => {
    const schema = published("pack.schema.json");
    const rule = { id: "r", title: "t", severity: "low", rationale: "r", remediation: "r" };
    const pack = (conditions: JsonValue) => ({ id: "p", title: "t", version: "1", rules: [{ ...rule, conditions }] });
    const deep = { all: [{ any: [{ not: { all: [{ fact: "a.b", operator: "equal", value: { param: "x" } }] } }] }] };
    const broken = { all: [{ any: [{ not: { all: [{ fact: "a.b", operator: "equal", value: 1, priority: 2 }] } }] }] };
    expect(violations(schema, pack(deep), schema)).toEqual([]);
    expect(packSchema.safeParse(pack(deep)).success).toBe(true);
    expect(violations(schema, pack(broken), schema)).not.toEqual([]);
    expect(packSchema.safeParse(pack(broken)).success).toBe(false);
  });

  it("accepts the attestation file forms and refuses a bad verdict", () => {
    const schema = published("attestations.schema.json");
    const entry = { rule: "r", target: "t", verdict: "fail", by: "alice", at: "2026-01-01" };
    for (const good of [[entry], { attestations: [entry] }]) {
      expect(violations(schema, good, schema)).toEqual([]);
      expect(attestationsFileSchema.safeParse(good).success).toBe(true);
    }
    const bad = parseYaml(readFileSync(fixture("bad-config", "attestations-bad-verdict.yaml"), "utf8")) as JsonValue;
    expect(violations(schema, bad, schema)).not.toEqual([]);
    expect(attestationsFileSchema.safeParse(bad).success).toBe(false);
  });

  it("accepts a real report document", async () => {
    const config = configFromObject({ ...validConfig, packs: ["fake-pack"], plugins: undefined, trust: undefined }, { baseDir: fixture("packs") });
    const hardcheck = await Hardcheck.create({ plugins: [fakePlugin(passingProbe)] });
    const document = await hardcheck.scan(config, { clock: fixedClock("2026-03-01T12:00:00Z") });
    const report = JSON.parse(serializeReport(document)) as JsonValue;
    const schema = published("report-v4.schema.json");
    expect(violations(schema, report, schema)).toEqual([]);
    expect(reportSchema.safeParse(report).success).toBe(true);
    expect(violations(schema, { ...(report as object), schemaVersion: 5 }, schema)).not.toEqual([]);
    // Versions 3 and 2 keep their published schemas, for their documents and not version 4's.
    const v3 = JSON.parse(JSON.stringify({ ...document, schemaVersion: 3 })) as JsonValue;
    const third = published("report-v3.schema.json");
    expect(violations(third, report, third)).not.toEqual([]);
    expect(violations(third, v3, third)).toEqual([]);
    expect(parseReport(v3, "v3.json")).toEqual(JSON.parse(JSON.stringify(document)));
    const { facts: _facts, conditions: _conditions, ...rest } = document;
    const upgraded = JSON.parse(JSON.stringify({ ...rest, schemaVersion: 2, results: joinResults(document) })) as JsonValue;
    const previous = published("report.schema.json");
    expect(violations(previous, report, previous)).not.toEqual([]);
    expect(violations(previous, upgraded, previous)).toEqual([]);
    expect(parseReport(upgraded, "v2.json")).toEqual(JSON.parse(JSON.stringify(document)));
  });
});
