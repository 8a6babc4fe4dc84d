/** Loads rule packs from YAML/JSON files, keeping each rule's source line. */

import { isDeepStrictEqual } from "node:util";
import type { z } from "zod";
import { HardcheckError, type InputIssue } from "../errors.js";
import type { Condition, NotVerifiedCondition, Pack, Rule, RuleParameter, TopLevelCondition } from "../model/rule.js";
import type { JsonObject } from "../model/values.js";
import { PACK_SCHEMA_FINGERPRINT } from "../version.js";
import { packSchema } from "./schema.js";
import {
  type CompiledSource,
  compileSource,
  formatKeyPath,
  issuesFromZod,
  type KeyPath,
  raise,
  readSource,
  type SourceDocument,
  sourceFromCompiled,
} from "./source.js";

/** Names this build's pack schema in a compiled pack's `checkedBy`; undefined when the build did not name it. */
const PACK_SCHEMA = PACK_SCHEMA_FINGERPRINT === undefined ? undefined : `pack@${PACK_SCHEMA_FINGERPRINT}`;

/** A pack's data as the pack schema gives it. */
type PackData = z.output<typeof packSchema>;

/** A pack a plugin makes available by id (bundled packs are registered this way). */
export interface PackSource {
  readonly id: string;
  /** Absolute path of the pack file. */
  readonly file: string;
  /** How reports name the file (stable across machines), e.g. `@hardcheck/checklists/packs/tls-baseline.yaml`. */
  readonly displayName?: string;
  /**
   * A JSON file holding the pack's {@link compilePack} form, made at build time: used instead of
   * parsing while it matches the file's text, and instead of the schema check when made by a core
   * with the same pack schema.
   */
  readonly compiled?: string;
}

/** A pack together with the document it came from, for positioned errors in later checks. */
export interface LoadedPack {
  readonly pack: Pack;
  readonly document: SourceDocument;
  /** Key path of rule `index` inside the document. */
  rulePath(index: number): KeyPath;
}

/**
 * Loads and validates one pack file. `displayName` is what errors and reports call the file;
 * `compiled` its precompiled form, if any (see `readSource`).
 * Throws `HC_PACK_INVALID` naming file, line and key for every problem.
 */
export async function loadPackFile(path: string, displayName: string = path, compiled?: string): Promise<LoadedPack> {
  const document = await readSource(path, displayName, compiled);
  return packFromDocument(document);
}

/**
 * Compiles a pack's text for {@link PackSource.compiled}: the text's compiled form (see
 * `compileSource`), marked as checked by this build's pack schema when the schema takes the data as
 * it is. A core with the same schema then loads it without checking again; any other core checks it.
 * Throws as loading the text would: `HC_CONFIG_SYNTAX` for YAML it cannot parse, `HC_CONFIG_INVALID`
 * for data plain JSON cannot hold, `HC_PACK_INVALID` for a pack that does not hold, each naming the
 * file, line and key.
 */
export function compilePack(text: string, file: string): CompiledSource {
  const form = compileSource(text, file);
  const document = sourceFromCompiled(text, file, form) as SourceDocument;
  const checked = checkedPack(document);
  buildPack(document, checked);
  // A default or a transform in the schema would make its output differ from the data: such data must be checked on load.
  return PACK_SCHEMA !== undefined && isDeepStrictEqual(checked, form.data) ? { ...form, checkedBy: PACK_SCHEMA } : form;
}

/** The pack's data, checked against the pack schema. */
function checkedPack(document: SourceDocument): PackData {
  const parsed = packSchema.safeParse(document.data);
  if (!parsed.success) raise("HC_PACK_INVALID", issuesFromZod(parsed.error, document));
  return parsed.data;
}

/** Validates an already parsed pack document (skipping the schema check where {@link compilePack} made it with this schema). */
export function packFromDocument(document: SourceDocument): LoadedPack {
  if (PACK_SCHEMA !== undefined && document.checkedBy === PACK_SCHEMA) {
    try {
      return buildPack(document, document.data as PackData);
    } catch (error) {
      if (error instanceof HardcheckError) throw error;
      // Data that no longer holds (a compiled file edited by hand): the schema check below names what is wrong.
    }
  }
  return buildPack(document, checkedPack(document));
}

/** The pack from data the schema accepted, after the checks the schema cannot make. */
function buildPack(document: SourceDocument, data: PackData): LoadedPack {
  const issues: InputIssue[] = [];
  const at = (path: KeyPath, message: string) => issues.push({ file: document.file, ...document.locate(path), path: formatKeyPath(path), message });
  const seen = new Map<string, number>();
  const rules: Rule[] = data.rules.map((rule, index) => {
    const base: KeyPath = ["rules", index];
    const previous = seen.get(rule.id);
    if (previous !== undefined) {
      at([...base, "id"], `duplicate rule id "${rule.id}" — first defined at rules[${previous}] (line ${document.locate(["rules", previous])?.line ?? "?"})`);
    }
    seen.set(rule.id, index);
    if (rule.pack !== undefined && rule.pack !== data.id) at([...base, "pack"], `rule says pack "${rule.pack}" but sits in pack "${data.id}"`);
    const manual = rule.manual === true;
    if (manual && (rule.conditions || rule.sources))
      at([...base, rule.conditions ? "conditions" : "sources"], "a manual rule has no conditions — remove them or set manual: false");
    if (rule.conditions && rule.sources) at([...base, "sources"], "a rule has either conditions or sources, not both");
    if (!manual && !rule.conditions && !rule.sources) at(base, "a rule needs conditions (or sources), or manual: true with a prompt");
    const sourceNames = new Set<string>();
    rule.sources?.forEach((source, i) => {
      if (sourceNames.has(source.name)) at([...base, "sources", i, "name"], `source "${source.name}" is named twice in this rule`);
      sourceNames.add(source.name);
    });
    if (rule.notVerifiedWhen && !rule.conditions) at([...base, "notVerifiedWhen"], "notVerifiedWhen needs the rule's own conditions (not sources, not manual)");
    if (manual && !rule.prompt) at([...base, "manual"], "a manual rule needs a prompt: the question the attesting person answers");
    const parameters: Record<string, RuleParameter> = {};
    for (const [name, parameter] of Object.entries(rule.parameters ?? {})) {
      parameters[name] = { default: parameter.default, description: parameter.description };
    }
    for (const { value, path } of [
      ...paramReferences(rule.conditions ?? {}, [...base, "conditions"]),
      ...paramReferences(rule.sources ?? [], [...base, "sources"]),
      ...paramReferences(rule.notVerifiedWhen ?? [], [...base, "notVerifiedWhen"]),
    ]) {
      if (!(value in parameters)) at(path, `parameter "${value}" is not declared in this rule's parameters — declare it with a default and a description`);
    }
    for (const { value, path } of paramReferences(rule.probeParams ?? {}, [...base, "probeParams"])) {
      if (!(value in parameters)) at(path, `parameter "${value}" is not declared in this rule's parameters`);
    }
    const line = document.locate(base)?.line ?? 1;
    return {
      id: rule.id,
      pack: data.id,
      ...(rule.checklistRef ? { checklistRef: rule.checklistRef } : {}),
      ...(rule.section ? { section: rule.section } : {}),
      title: rule.title,
      severity: rule.severity,
      rationale: rule.rationale,
      remediation: rule.remediation,
      scope: rule.scope ?? {},
      parameters,
      ...(rule.conditions ? { conditions: rule.conditions as TopLevelCondition } : {}),
      ...(rule.sources
        ? {
            sources: rule.sources.map((source) => ({
              name: source.name,
              conditions: source.conditions as TopLevelCondition,
              ...(source.notVerifiedWhen ? { notVerifiedWhen: notVerifiedEntries(source.notVerifiedWhen) } : {}),
            })),
          }
        : {}),
      ...(rule.notVerifiedWhen ? { notVerifiedWhen: notVerifiedEntries(rule.notVerifiedWhen) } : {}),
      manual,
      ...(rule.prompt ? { prompt: rule.prompt } : {}),
      probeParams: (rule.probeParams ?? {}) as Record<string, JsonObject>,
      source: { file: document.file, line },
      ...(rule.accessRights ? { accessRights: rule.accessRights } : {}),
      ...(rule.references ? { references: rule.references } : {}),
    };
  });
  const roleTags = new Map<string, number>();
  data.roles?.forEach((role, i) => {
    const first = roleTags.get(role.tag);
    if (first !== undefined) at(["roles", i, "tag"], `role tag "${role.tag}" is listed twice — first at roles[${first}]; each role needs its own tag`);
    roleTags.set(role.tag, i);
  });
  if (issues.length > 0) raise("HC_PACK_INVALID", issues);
  const pack: Pack = {
    id: data.id,
    title: data.title,
    version: data.version,
    ...(data.description ? { description: data.description } : {}),
    ...(data.roles ? { roles: data.roles } : {}),
    rules,
    source: document.file,
  };
  return { pack, document, rulePath: (index) => ["rules", index] };
}

/** Every `{ "param": name }` reference inside a JSON tree, with its key path. */
/** `notVerifiedWhen` entries as written, with the default status. */
function notVerifiedEntries(entries: ReadonlyArray<{ status?: NotVerifiedCondition["status"]; reason: string; conditions: unknown }>): NotVerifiedCondition[] {
  return entries.map((entry) => ({ status: entry.status ?? "error", reason: entry.reason, conditions: entry.conditions as TopLevelCondition }));
}

export function paramReferences(node: unknown, path: KeyPath): Array<{ value: string; path: KeyPath }> {
  const out: Array<{ value: string; path: KeyPath }> = [];
  const walk = (value: unknown, at: KeyPath) => {
    if (Array.isArray(value))
      value.forEach((item, i) => {
        walk(item, [...at, i]);
      });
    else if (value !== null && typeof value === "object") {
      const entries = Object.entries(value);
      if (entries.length === 1 && entries[0]?.[0] === "param" && typeof entries[0][1] === "string") {
        out.push({ value: entries[0][1], path: at });
        return;
      }
      for (const [key, child] of entries) walk(child, [...at, key]);
    }
  };
  walk(node, path);
  return out;
}

/** The condition trees of a rule with their key paths: `conditions`, or each of `sources[i].conditions`. */
export function conditionSets(rule: Rule, base: KeyPath): Array<{ source?: string; conditions: TopLevelCondition; path: KeyPath }> {
  if (rule.conditions) return [{ conditions: rule.conditions, path: [...base, "conditions"] }];
  return (rule.sources ?? []).map((source, i) => ({ source: source.name, conditions: source.conditions, path: [...base, "sources", i, "conditions"] }));
}

/** Walks a condition tree, calling `visit` for each leaf with its key path relative to `base`. */
export function forEachLeaf(condition: Condition, base: KeyPath, visit: (leaf: Extract<Condition, { fact: string }>, path: KeyPath) => void): void {
  if ("fact" in condition) visit(condition, base);
  else if ("all" in condition)
    condition.all.forEach((child, i) => {
      forEachLeaf(child, [...base, "all", i], visit);
    });
  else if ("any" in condition)
    condition.any.forEach((child, i) => {
      forEachLeaf(child, [...base, "any", i], visit);
    });
  else forEachLeaf(condition.not, [...base, "not"], visit);
}
