/**
 * The generic `setting` probe: reads named values from a product configuration file or export the
 * user points at (JSON, YAML, INI, XML, Java properties), over whatever host transport the target
 * has. It reports what the file says and never judges; rules compare the values.
 */
import type * as DotProperties from "dot-properties";
import type * as Ini from "ini";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { HardcheckError } from "../../errors.js";
import type { JsonObject, JsonValue } from "../../model/values.js";
import { defineFacts } from "../../plugin/facts.js";
import { defineProbe, type HostProbe, notApplicable } from "../../plugin/probe.js";
import { loadParser } from "./load-parser.js";
import { parseXmlDocument, readXmlPath, xmlPathYieldsList } from "./xml-path.js";

/** File formats the probe reads. */
export const SETTING_FORMATS = ["json", "yaml", "ini", "xml", "properties"] as const;
/** A file format the probe reads. */
export type SettingFormat = (typeof SETTING_FORMATS)[number];

/** What the probe needs: the file, its format, and the values to read by name. */
export interface SettingParams {
  /** Absolute path on the target host; empty means the user named no file. */
  readonly file: string;
  /** A format, or `auto` to decide by the file's extension. */
  readonly format: SettingFormat | "auto";
  /** Name → where the value sits: a dotted path (`a.b.*.c`), an INI `section.key`, an XPath 1.0 expression, or a properties key. */
  readonly keys: Readonly<Record<string, string>>;
}

const EXTENSIONS: Readonly<Record<string, SettingFormat>> = {
  json: "json",
  yaml: "yaml",
  yml: "yaml",
  ini: "ini",
  cfg: "ini",
  conf: "ini",
  xml: "xml",
  properties: "properties",
};

/** Reads the probe parameters, refusing shapes a rule author could not have meant. */
export function settingParams(params: JsonObject): SettingParams {
  const file = params.file ?? "";
  const format = params.format ?? "auto";
  const keys = params.keys ?? {};
  if (typeof file !== "string") throw usage("parameter file must be a path string");
  if (typeof format !== "string" || (format !== "auto" && !(SETTING_FORMATS as readonly string[]).includes(format))) {
    throw usage(`parameter format "${String(format)}" is not one of auto, ${SETTING_FORMATS.join(", ")}`);
  }
  if (keys === null || typeof keys !== "object" || Array.isArray(keys) || Object.keys(keys).length === 0) {
    throw usage("parameter keys must map value names to key paths, e.g. { masterPassword: security.masterPassword.enabled }");
  }
  for (const [name, path] of Object.entries(keys)) {
    if (typeof path !== "string" || path.trim() === "") throw usage(`key "${name}" needs a non-empty path string`);
  }
  return { file, format: format as SettingParams["format"], keys: keys as Record<string, string> };
}

/** The format to parse `file` with: the declared one, else the one its extension names. */
export function settingFormatOf(file: string, declared: SettingParams["format"]): SettingFormat {
  if (declared !== "auto") return declared;
  const extension = file.toLowerCase().split(".").pop() ?? "";
  const format = EXTENSIONS[extension];
  if (!format) throw usage(`cannot tell the format of ${file} from its extension — set the format parameter (${SETTING_FORMATS.join(", ")})`);
  return format;
}

/**
 * Reads every key of `keys` from `text`. A path with a wildcard (`*`, `//`) yields a list of every
 * match; any other path yields its one value. Names whose path matches nothing are `undefined`.
 */
export function readSettings(text: string, format: SettingFormat, keys: Readonly<Record<string, string>>): Record<string, JsonValue | undefined> {
  const out: Record<string, JsonValue | undefined> = {};
  if (format === "xml") {
    const document = parseXmlDocument(text);
    for (const [name, path] of Object.entries(keys)) {
      const selected = readXmlPath(document, path);
      if (Array.isArray(selected)) out[name] = collapse(selected.map(coerceText), xmlPathYieldsList(path));
      else out[name] = typeof selected === "string" ? coerceText(selected) : selected;
    }
    return out;
  }
  if (format === "properties") {
    const table = (loadParser("dot-properties") as typeof DotProperties).parse(text) as Record<string, string>;
    for (const [name, key] of Object.entries(keys)) out[name] = Object.hasOwn(table, key) ? coerceText(table[key] as string) : undefined;
    return out;
  }
  const tree =
    format === "json"
      ? (JSON.parse(text) as unknown)
      : format === "yaml"
        ? (parseYaml(text) as unknown)
        : ((loadParser("ini") as typeof Ini).parse(text) as unknown);
  for (const [name, path] of Object.entries(keys)) {
    const segments = path.split(".");
    const matches = walk(tree, segments).map((value) => (format === "ini" && typeof value === "string" ? coerceText(value) : toJson(value)));
    out[name] = collapse(matches, segments.includes("*"));
  }
  return out;
}

function walk(node: unknown, segments: readonly string[]): unknown[] {
  if (segments.length === 0) return node === undefined ? [] : [node];
  const [head, ...rest] = segments as [string, ...string[]];
  if (node === null || typeof node !== "object") return [];
  if (head === "*") return Object.values(node as Record<string, unknown>).flatMap((child) => walk(child, rest));
  if (Array.isArray(node)) {
    const index = /^\d+$/.test(head) ? Number(head) : Number.NaN;
    return Number.isInteger(index) && index < node.length ? walk(node[index], rest) : [];
  }
  return Object.hasOwn(node, head) ? walk((node as Record<string, unknown>)[head], rest) : [];
}

/** A list for wildcard paths; otherwise the single value (the first, should a file repeat a key). */
function collapse(matches: JsonValue[], wildcard: boolean): JsonValue | undefined {
  if (wildcard) return matches;
  return matches[0];
}

/** Values from text formats arrive as strings; booleans and numbers become typed so rules compare them plainly. */
function coerceText(text: string): JsonValue {
  const trimmed = text.trim();
  if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === "true";
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  return trimmed;
}

function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, child]) => [key, toJson(child)]));
  }
  return value as JsonValue;
}

function usage(message: string): HardcheckError {
  return new HardcheckError("HC_USAGE", `setting probe: ${message}`);
}

/** The facts `setting` produces, each with its schema and meaning. */
export const settingFacts = defineFacts({
  "setting.values": {
    description:
      "value by requested name (typed: booleans and numbers from text formats become JSON booleans and numbers); a list for wildcard paths; null when the path matches nothing",
    schema: z.record(z.string(), z.json()),
  },
  "setting.missing": {
    description: "requested names whose path matched nothing, sorted",
    schema: z.array(z.string()),
  },
  "setting.source": {
    description: "{ file, format } the values were read from",
    schema: z.object({ file: z.string(), format: z.enum(SETTING_FORMATS) }),
  },
});

/**
 * The `setting` probe. Rules pass `{ file, format, keys }` through `probeParams.setting`, usually
 * from tailorable parameters, and read `setting.values.<name>`.
 *
 * @example
 * ```yaml
 * probeParams:
 *   setting: { file: { param: configFile }, format: auto, keys: { masterPassword: security.masterPassword.enabled } }
 * conditions:
 *   all: [{ fact: setting.values, path: masterPassword, operator: equal, value: false }]
 * ```
 */
export const settingProbe: HostProbe = defineProbe({
  meta: {
    id: "setting",
    description: "Reads named values from a product configuration file (JSON, YAML, INI, XML, Java properties) on the target host.",
    transports: ["local", "root", "ssh"],
    facts: settingFacts,
  },
  async collect(_host, params, deps) {
    const { file, format: declared, keys } = settingParams(params);
    // No file named: the item cannot be read from configuration and stays with the person who attests it.
    if (file.trim() === "") return notApplicable("no product configuration file named — set the rule's configFile parameter, or attest the item");
    const format = settingFormatOf(file, declared);
    const text = await deps.transport.readFile(file);
    if (text === undefined) throw new Error(`configuration file ${file} does not exist on the host — check the configFile parameter`);
    let values: Record<string, JsonValue | undefined>;
    try {
      values = readSettings(text, format, keys);
    } catch (error) {
      throw new Error(`configuration file ${file} is not valid ${format}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const missing = Object.keys(values)
      .filter((name) => values[name] === undefined)
      .sort();
    const facts: Record<string, JsonValue> = {};
    for (const [name, value] of Object.entries(values)) facts[name] = value === undefined ? null : value;
    return { facts: { "setting.values": facts, "setting.missing": missing, "setting.source": { file, format } } };
  },
});
