/**
 * Resolve step 3: the rules of the loaded packs — unique ids, known facts and operators, one kind of
 * evidence per rule (part), tailoring, the selection, and compilation with the tailored parameters.
 */
import type { LoadedConfig } from "../config/config.js";
import { conditionSets, forEachLeaf, type LoadedPack, paramReferences } from "../config/pack.js";
import { formatKeyPath, type KeyPath } from "../config/source.js";
import { type CompiledRule, compileRuleParts } from "../engine/evaluate.js";
import { CUSTOM_OPERATORS, OPERATOR_NAMES } from "../engine/operators.js";
import { HardcheckError } from "../errors.js";
import type { Pack } from "../model/rule.js";
import type { JsonValue } from "../model/values.js";
import type { PluginRegistry } from "../plugin/registry.js";
import { ResolveIssues, suggest } from "./resolve-issues.js";

/** Where a rule id is defined: its pack and its index in the pack's rules. */
export interface RuleOwner {
  readonly pack: LoadedPack;
  readonly index: number;
}

/** The rules of the loaded packs, cross-checked against the registered probes and operators. */
export interface CheckedRules {
  /** Rule id → where it is defined. */
  readonly owners: ReadonlyMap<string, RuleOwner>;
  /** For rules of bundled packs: rule part key → facts no installed probe provides. */
  readonly unprovided: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Checks every rule of `packs`. Raises `HC_RULE_DUPLICATE` for ids defined twice, else
 * `HC_RULE_UNKNOWN_FACT` for facts no probe provides (in packs the user wrote), else
 * `HC_PACK_INVALID` for unknown operators and rules that mix endpoint and host facts.
 */
export function checkRules(packs: readonly LoadedPack[], bundledPackIds: ReadonlySet<string>, registry: PluginRegistry): CheckedRules {
  const issues = new ResolveIssues();
  const owners = new Map<string, RuleOwner>();
  const unprovided = new Map<string, Set<string>>();
  for (const pack of packs) {
    pack.pack.rules.forEach((rule, index) => {
      const at = (code: "HC_RULE_DUPLICATE" | "HC_RULE_UNKNOWN_FACT" | "HC_PACK_INVALID", path: KeyPath, message: string) =>
        issues.at(code, pack.document, path, message);
      const owner = owners.get(rule.id);
      if (owner) {
        const first = owner.pack.document.locate(owner.pack.rulePath(owner.index));
        at(
          "HC_RULE_DUPLICATE",
          [...pack.rulePath(index), "id"],
          `rule id "${rule.id}" is also defined in ${owner.pack.document.file}${first ? `:${first.line}` : ""} — rule ids must be unique across packs`,
        );
      } else owners.set(rule.id, { pack, index });
      for (const set of conditionSets(rule, pack.rulePath(index))) {
        const levels = new Set<string>();
        const unprovidedKey = set.source ? `${rule.id}#${set.source}` : rule.id;
        forEachLeaf(set.conditions, set.path, (leaf, path) => {
          const providers = registry.providersOf(leaf.fact);
          if (providers.length === 0 && bundledPackIds.has(pack.pack.id)) {
            unprovided.set(unprovidedKey, (unprovided.get(unprovidedKey) ?? new Set<string>()).add(leaf.fact));
          } else if (providers.length === 0) {
            at("HC_RULE_UNKNOWN_FACT", [...path, "fact"], `no probe provides fact "${leaf.fact}"${suggest(leaf.fact, registry.factNames)}`);
          }
          for (const provider of providers) levels.add(provider.level);
          if (!OPERATOR_NAMES.has(leaf.operator)) {
            at("HC_PACK_INVALID", [...path, "operator"], `unknown operator "${leaf.operator}" — expected one of ${[...OPERATOR_NAMES].sort().join(", ")}`);
          }
        });
        if (levels.size > 1) {
          at(
            "HC_PACK_INVALID",
            set.source ? set.path.slice(0, -1) : pack.rulePath(index),
            set.source
              ? `source "${set.source}" reads both endpoint facts and host facts — each source reads one kind`
              : "a rule must read either endpoint facts or host facts, not both — give it one source per kind (sources: [{ name, conditions }, …])",
          );
        } else if (set.source && levels.size === 1) {
          // The name says where the evidence comes from; facts of the other kind would make it lie.
          const expected = set.source === "network" || set.source === "client" ? "endpoint" : "host";
          const level = [...levels][0];
          if (level !== expected)
            at(
              "HC_PACK_INVALID",
              [...set.path.slice(0, -1), "name"],
              `source "${set.source}" reads ${level} facts — a ${set.source} source reads ${expected} facts (network and client read endpoints; windows, linux, linux-live and config read the host)`,
            );
        }
      }
    });
  }
  // A duplicate id makes the other problems of that rule misleading; an unknown fact hides operator checks.
  issues.raiseFirst(["HC_RULE_DUPLICATE", "HC_RULE_UNKNOWN_FACT", "HC_PACK_INVALID"]);
  return { owners, unprovided };
}

/** Parameter overrides from the config's `tailoring:`, by pack id and by rule id. */
export interface Tailoring {
  readonly byPack: ReadonlyMap<string, Readonly<Record<string, JsonValue>>>;
  readonly byRule: ReadonlyMap<string, Readonly<Record<string, JsonValue>>>;
}

/** Reads `tailoring:`: keys are rule ids or pack ids, and every parameter must be declared. */
export function resolveTailoring(
  config: LoadedConfig,
  packById: ReadonlyMap<string, Pack>,
  owners: ReadonlyMap<string, RuleOwner>,
  issues: ResolveIssues,
): Tailoring {
  const byPack = new Map<string, Record<string, JsonValue>>();
  const byRule = new Map<string, Record<string, JsonValue>>();
  for (const [key, values] of Object.entries(config.data.tailoring ?? {})) {
    const pack = packById.get(key);
    const owner = owners.get(key);
    if (!pack && !owner) {
      issues.at(
        "HC_CONFIG_INVALID",
        config.document,
        ["tailoring", key],
        `"${key}" is neither a loaded rule id nor a pack id${suggest(key, [...owners.keys(), ...packById.keys()])}`,
        true,
      );
      continue;
    }
    const declared = pack
      ? new Set(pack.rules.flatMap((rule) => Object.keys(rule.parameters)))
      : new Set(Object.keys(owner?.pack.pack.rules[owner.index]?.parameters ?? {}));
    for (const name of Object.keys(values)) {
      if (!declared.has(name)) {
        issues.at(
          "HC_CONFIG_INVALID",
          config.document,
          ["tailoring", key, name],
          `${pack ? `no rule of pack "${key}" declares` : `rule "${key}" declares no`} parameter "${name}" — expected one of ${[...declared].sort().join(", ") || "(none)"}`,
          true,
        );
      }
    }
    (pack ? byPack : byRule).set(key, values as Record<string, JsonValue>);
  }
  return { byPack, byRule };
}

/** The packs and rules a selection keeps; undefined keeps all. */
export interface RuleFilter {
  readonly packs?: ReadonlySet<string>;
  readonly rules?: ReadonlySet<string>;
}

/** Checks that every selected pack and rule exists (`HC_PACK_UNKNOWN`, `HC_RULE_UNKNOWN`). */
export function resolveRuleFilter(
  selection: { readonly packs?: readonly string[]; readonly rules?: readonly string[] },
  packById: ReadonlyMap<string, Pack>,
  owners: ReadonlyMap<string, RuleOwner>,
): RuleFilter {
  const packs = selection.packs ? new Set(selection.packs) : undefined;
  const rules = selection.rules ? new Set(selection.rules) : undefined;
  for (const id of packs ?? []) {
    if (!packById.has(id))
      throw new HardcheckError("HC_PACK_UNKNOWN", `--pack ${id}: no such pack in this config — loaded: ${[...packById.keys()].join(", ")}`);
  }
  for (const id of rules ?? []) {
    if (!owners.has(id)) throw new HardcheckError("HC_RULE_UNKNOWN", `--rule ${id}: no such rule in the loaded packs${suggest(id, [...owners.keys()])}`);
  }
  return { ...(packs ? { packs } : {}), ...(rules ? { rules } : {}) };
}

/**
 * Compiles the selected rules with their tailored parameters, one part per evidence source, and
 * checks operator values now that parameters are known: a bad value goes to `issues` at the
 * tailoring key that set it, or at the pack's condition.
 */
export function compileRules(
  packs: readonly LoadedPack[],
  checked: CheckedRules,
  tailoring: Tailoring,
  filter: RuleFilter,
  config: LoadedConfig,
  issues: ResolveIssues,
): CompiledRule[] {
  const rules: CompiledRule[] = [];
  for (const pack of packs) {
    pack.pack.rules.forEach((rule, index) => {
      if (filter.packs && !filter.packs.has(rule.pack)) return;
      if (filter.rules && !filter.rules.has(rule.id)) return;
      const overrides: Record<string, JsonValue> = {};
      for (const name of Object.keys(rule.parameters)) {
        const fromPack = tailoring.byPack.get(rule.pack)?.[name];
        if (fromPack !== undefined) overrides[name] = fromPack;
      }
      Object.assign(overrides, tailoring.byRule.get(rule.id) ?? {});
      for (const part of compileRuleParts(rule, overrides)) {
        const missing = checked.unprovided.get(part.key);
        const compiled: CompiledRule = { ...part, ...(missing ? { unprovidedFacts: [...missing].sort() } : {}) };
        const partPath: KeyPath = part.source
          ? [...pack.rulePath(index), "sources", rule.sources?.findIndex((source) => source.name === part.source) ?? 0, "conditions"]
          : [...pack.rulePath(index), "conditions"];
        const written = part.source ? rule.sources?.find((source) => source.name === part.source)?.conditions : rule.conditions;
        if (compiled.conditions) {
          forEachLeaf(compiled.conditions, partPath, (leaf, path) => {
            const why = CUSTOM_OPERATORS.find((op) => op.name === leaf.operator)?.validate?.(leaf.value);
            if (!why) return;
            const original = paramReferences(written, partPath).find((ref) => formatKeyPath(ref.path).startsWith(formatKeyPath([...path, "value"])));
            const byRule = original ? tailoring.byRule.get(rule.id)?.[original.value] !== undefined : false;
            const byPack = original ? tailoring.byPack.get(rule.pack)?.[original.value] !== undefined : false;
            if (original && (byRule || byPack)) {
              const key = byRule ? rule.id : rule.pack;
              issues.at(
                "HC_CONFIG_INVALID",
                config.document,
                ["tailoring", key, original.value],
                `value for operator ${leaf.operator} of rule ${rule.id}: ${why}`,
              );
            } else {
              issues.at("HC_CONFIG_INVALID", pack.document, [...path, "value"], `operator ${leaf.operator}: ${why}`);
            }
          });
        }
        rules.push(compiled);
      }
    });
  }
  return rules;
}
