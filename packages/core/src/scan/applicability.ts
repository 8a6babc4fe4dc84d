/**
 * Which rules can apply to which targets, known before any probe runs — so a config that would
 * scan nothing says so at load, with the line to add, instead of a quiet column of "n/a".
 */

import { compareText } from "../compare-text.js";
import type { CompiledRule } from "../engine/evaluate.js";
import type { ReportNotice } from "../model/report.js";
import type { Rule } from "../model/rule.js";
import type { Target } from "../model/target.js";
import type { PluginRegistry } from "../plugin/registry.js";
import { settingProbe } from "../probes/setting/setting.probe.js";

/** Notice codes that `--strict` (or `strict: true`) turns into exit 2: something the scan would skip silently. */
export const SCOPE_WARNING_CODES: ReadonlySet<string> = new Set([
  "HC_PACK_APPLIES_TO_NOTHING",
  "HC_TARGET_UNCHECKED",
  "HC_ROLE_TAG_UNUSED",
  "HC_OS_UNDETECTED",
  "HC_OS_MISMATCH",
]);

/** Why a rule's target-level scope leaves a target out: by its tags or by its OS. */
export interface TargetOutOfScope {
  readonly by: "tags" | "os";
  /** The reason as results state it, e.g. "target has none of the tags xpert". */
  readonly reason: string;
}

/**
 * Why `rule` does not apply to `target` by the target's tags or OS, or undefined when it does. A
 * target without a known OS is out of an OS-scoped rule here; the scan first tries to detect it.
 * Endpoint scopes are judged per endpoint by the plan.
 */
export function targetOutOfScope(rule: Rule, target: Target): TargetOutOfScope | undefined {
  const { scope } = rule;
  if (scope.targetTags && !scope.targetTags.some((tag) => target.tags.includes(tag))) {
    return { by: "tags", reason: `target has none of the tags ${scope.targetTags.join(", ")}` };
  }
  if (scope.os && !(target.os && scope.os.includes(target.os))) {
    return { by: "os", reason: `rule applies to ${scope.os.join("/")} targets; target os is ${target.os ?? "not set"}` };
  }
  return undefined;
}

/**
 * True when a rule part reads what a product's settings export says (the built-in `setting`
 * probe): such a part is decided from a file when the config names one, else by an attestation.
 */
export function readsProductSetting(compiled: Pick<CompiledRule, "facts">): boolean {
  return compiled.facts.some((fact) => fact.startsWith(`${settingProbe.meta.id}.`));
}

/** How a rule reads its evidence: from a person, from a host transport, or from endpoints. */
export type RuleLevel = "manual" | "host" | "endpoint";

/** The level of a compiled rule (part), as the planner decides it. */
export function ruleLevel(compiled: CompiledRule, registry: PluginRegistry): RuleLevel {
  if (compiled.rule.manual) return "manual";
  return compiled.facts.some((fact) => registry.providersOf(fact).some((provider) => provider.level === "host")) ? "host" : "endpoint";
}

/** Why a rule cannot apply to a target, with the change to the config that would make it apply. */
export interface ScopeGap {
  /** What the rule needs, e.g. "a target tagged `xpert`". */
  readonly need: string;
  /** The config change, e.g. "add `tags: [xpert]` to the targets it is for". */
  readonly fix: string;
}

/**
 * Whether `compiled` can apply to `target` as configured; undefined when it can. A target with a
 * host but no `os:` counts as matching an OS scope: its OS is detected when the scan opens the host.
 */
export function scopeGap(compiled: CompiledRule, target: Target, registry: PluginRegistry): ScopeGap | undefined {
  const { scope } = compiled.rule;
  if (scope.targetTags && !scope.targetTags.some((tag) => target.tags.includes(tag))) {
    const tags = scope.targetTags.map((tag) => `\`${tag}\``).join(" or ");
    return { need: `a target tagged ${tags}`, fix: `add \`tags: [${scope.targetTags[0]}]\` to the targets it is for` };
  }
  if (compiled.unprovidedFacts) return undefined;
  const level = ruleLevel(compiled, registry);
  if (scope.os && (target.os ? !scope.os.includes(target.os) : !target.host)) {
    const os = scope.os.join(" or ");
    return target.os
      ? { need: `a target whose os is ${os}`, fix: `correct \`os: ${target.os}\` if it is wrong — this target's os rules out the rule` }
      : {
          need: `a ${os} host`,
          fix: `add \`host:\` (local:, root:/path, ssh://user@host or evidence:./bundle.json) so the OS is detected, or \`os: ${scope.os[0]}\``,
        };
  }
  if (level === "host") {
    if (target.host) return undefined;
    return { need: "a host transport", fix: "add `host:` (local:, root:/path, ssh://user@host or evidence:./bundle.json) to the target" };
  }
  const inScope = target.endpoints.filter(
    (endpoint) => (!scope.schemes || scope.schemes.includes(endpoint.scheme)) && (!scope.tags || scope.tags.some((tag) => endpoint.tags.includes(tag))),
  );
  if (level === "manual") {
    if (!(scope.schemes || scope.tags) || inScope.length > 0) return undefined;
  } else if (inScope.some((endpoint) => compiled.facts.every((fact) => registry.endpointProviderOf(fact, endpoint.scheme)))) {
    return undefined;
  }
  const schemes = level === "manual" ? [...(scope.schemes ?? [])] : assessableSchemes(compiled, registry);
  const tagged = scope.tags ? ` tagged ${scope.tags.map((tag) => `\`${tag}\``).join(" or ")}` : "";
  const example = `{ url: ${schemes[0] ?? "https"}://host${schemes[0] ? "" : ":443"}${scope.tags ? `, tags: [${scope.tags[0]}]` : ""} }`;
  return {
    need: `an endpoint${schemes.length ? ` (${schemes.join(", ")})` : ""}${tagged}`,
    fix: `add an endpoint such as \`${example}\` to the target it is for${scope.tags ? `, or tag the existing one \`tags: [${scope.tags[0]}]\`` : ""}`,
  };
}

/** The schemes some probe can read all of the rule's facts on, limited to the rule's scope. */
export function assessableSchemes(compiled: CompiledRule, registry: PluginRegistry): string[] {
  const schemes = new Set<string>();
  for (const fact of compiled.facts)
    for (const provider of registry.providersOf(fact)) if ("schemes" in provider.probe.meta) for (const s of provider.probe.meta.schemes) schemes.add(s);
  const { scope } = compiled.rule;
  return [...schemes].filter((scheme) => !scope.schemes || scope.schemes.includes(scheme)).sort();
}

/**
 * The warnings a config deserves before it scans: a pack that applies to no target, a target no
 * rule applies to, a role tag a pack's rules need that no endpoint in their scope carries.
 */
export function scopeNotices(rules: readonly CompiledRule[], targets: readonly Target[], registry: PluginRegistry): ReportNotice[] {
  const notices: ReportNotice[] = [];
  const gaps = new Map<CompiledRule, Map<string, ScopeGap | undefined>>();
  for (const compiled of rules) gaps.set(compiled, new Map(targets.map((target) => [target.id, scopeGap(compiled, target, registry)])));
  const applies = (compiled: CompiledRule, target: Target) => gaps.get(compiled)?.get(target.id) === undefined;
  const packs = [...new Set(rules.map((compiled) => compiled.rule.pack))].sort();

  for (const pack of packs) {
    const own = rules.filter((compiled) => compiled.rule.pack === pack);
    if (targets.some((target) => own.some((compiled) => applies(compiled, target)))) continue;
    const gap = commonest(own.flatMap((compiled) => targets.map((target) => gaps.get(compiled)?.get(target.id))));
    notices.push({
      level: "warning",
      code: "HC_PACK_APPLIES_TO_NOTHING",
      message: `${pack} applies to no target: its rules need ${gap?.need ?? "a matching target"} — ${gap?.fix ?? `see hardcheck list-rules --pack ${pack}`}`,
    });
  }

  for (const target of targets) {
    if (rules.some((compiled) => applies(compiled, target))) continue;
    const byPack = packs.map((pack) => {
      const gap = commonest(rules.filter((compiled) => compiled.rule.pack === pack).map((compiled) => gaps.get(compiled)?.get(target.id)));
      return `${pack} needs ${gap?.need ?? "a matching target"} — ${gap?.fix ?? "see hardcheck list-rules"}`;
    });
    notices.push({ level: "warning", code: "HC_TARGET_UNCHECKED", message: `target ${target.id}: no rule applies to it (${byPack.join("; ")})` });
  }

  // Role tags: a tag the pack's endpoint rules are scoped to that no endpoint of a target in their scope carries.
  for (const pack of packs) {
    const needing = new Map<string, { rules: Set<string>; targets: Set<string> }>();
    for (const compiled of rules.filter((rule) => rule.rule.pack === pack && rule.rule.scope.tags)) {
      if (ruleLevel(compiled, registry) === "host") continue;
      const unscoped = { ...compiled, rule: { ...compiled.rule, scope: { ...compiled.rule.scope, tags: undefined, schemes: undefined } } } as CompiledRule;
      const owners = targets.filter((target) => {
        const gap = scopeGap(unscoped, target, registry);
        return !gap || gap.need.startsWith("an endpoint");
      });
      for (const tag of compiled.rule.scope.tags ?? []) {
        const entry = needing.get(tag) ?? { rules: new Set<string>(), targets: new Set<string>() };
        if (owners.length > 0) entry.rules.add(compiled.rule.id);
        for (const target of owners) entry.targets.add(target.id);
        needing.set(tag, entry);
      }
    }
    for (const [tag, { rules: ids, targets: ownerIds }] of [...needing].sort(([a], [b]) => compareText(a, b))) {
      if (ownerIds.size === 0) continue;
      if (targets.some((target) => ownerIds.has(target.id) && target.endpoints.some((endpoint) => endpoint.tags.includes(tag)))) continue;
      const list = [...ids].sort();
      notices.push({
        level: "warning",
        code: "HC_ROLE_TAG_UNUSED",
        message: `${pack}: no endpoint carries the role tag \`${tag}\` that ${list.length > 3 ? `${list.length} rules (${list.slice(0, 3).join(", ")}, …)` : list.join(", ")} need${list.length === 1 ? "s" : ""} — add \`tags: [${tag}]\` to the endpoint of ${[...ownerIds].sort().join(" or ")} it is for, e.g. \`{ url: https://host:443, tags: [${tag}] }\``,
      });
    }
  }
  return notices;
}

/** The gap most rule × target pairs share (ties: the first seen), so a warning names one fix. */
function commonest(gaps: ReadonlyArray<ScopeGap | undefined>): ScopeGap | undefined {
  const counts = new Map<string, { gap: ScopeGap; count: number }>();
  for (const gap of gaps) {
    if (!gap) continue;
    const entry = counts.get(gap.need) ?? { gap, count: 0 };
    entry.count++;
    counts.set(gap.need, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count)[0]?.gap;
}
