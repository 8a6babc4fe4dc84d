/**
 * Phase 3 of a scan (after OS detection): expands rules × targets × endpoints into checks, each
 * with the probe runs it reads. Checks whose verdict is known without probing (out of scope, manual,
 * no transport) are decided here. Pure: it reads the registry and runs nothing.
 */

import { compareText } from "../compare-text.js";
import type { CompiledRule } from "../engine/evaluate.js";
import { substituteParams } from "../engine/evaluate.js";
import { sourceNotApplicableTo } from "../engine/sources.js";
import type { Endpoint, HostSpec, Target } from "../model/target.js";
import { type JsonObject, stableStringify } from "../model/values.js";
import type { Probe } from "../plugin/probe.js";
import type { PluginRegistry } from "../plugin/registry.js";
import { targetOutOfScope } from "./applicability.js";
import { type CheckOutcome, type CheckSubject, notAssessable, outcomeOf, outOfScope } from "./outcome.js";

/** One probe run a check reads: the probe, what it looks at, its parameters, and the facts taken from it. */
export interface ProbeRunPlan {
  readonly probe: Probe;
  readonly subject: Endpoint | HostSpec;
  readonly params: JsonObject;
  readonly facts: readonly string[];
}

/** A check that needs probing: a rule part on a target (and endpoint) with the probe runs it reads. */
export interface PlannedCheck extends CheckSubject {
  readonly runs: readonly ProbeRunPlan[];
}

/** What the plan phase needs: the targets (with their OS detected) and the compiled rules. */
export interface PlanInput {
  readonly targets: readonly Target[];
  readonly rules: readonly CompiledRule[];
  /** Targets whose OS stays unknown: target id → why. */
  readonly osUnknown: ReadonlyMap<string, string>;
}

/** The plan: checks to probe, and outcomes decided without probing. */
export interface ScanPlan {
  readonly checks: readonly PlannedCheck[];
  readonly decidedWithoutProbing: readonly CheckOutcome[];
}

/** The probe lookups planning needs; a {@link PluginRegistry} provides them. */
export type ProbeLookup = Pick<PluginRegistry, "providersOf" | "hostProviderOf" | "endpointProviderOf">;

/** Plans every check of a scan. */
export function planScan(input: PlanInput, registry: ProbeLookup): ScanPlan {
  const checks: PlannedCheck[] = [];
  const decidedWithoutProbing: CheckOutcome[] = [];
  for (const target of input.targets) {
    const plan = planTarget(target, input, registry);
    checks.push(...plan.checks);
    decidedWithoutProbing.push(...plan.decidedWithoutProbing);
  }
  return { checks, decidedWithoutProbing };
}

/**
 * Plans the checks of one target. A streamed scan plans each target when its turn comes, so the
 * plan in memory is that of the targets in flight, not of the whole estate.
 */
export function planTarget(target: Target, input: Omit<PlanInput, "targets">, registry: ProbeLookup): ScanPlan {
  const checks: PlannedCheck[] = [];
  const decidedWithoutProbing: CheckOutcome[] = [];
  const decided = (outcome: CheckOutcome) => decidedWithoutProbing.push(outcome);
  for (const compiled of input.rules) {
    const { rule } = compiled;
    // The check as a whole, before it is narrowed to an endpoint or given probe runs.
    const unprobed: CheckSubject = { compiled, target, endpoint: null };
    const scope = rule.scope;
    const outside = targetOutOfScope(rule, target);
    if (outside?.by === "tags") {
      decided(outOfScope(unprobed, outside.reason));
      continue;
    }
    const osUnknownReason = target.os ? undefined : input.osUnknown.get(target.id);
    if (scope.os && osUnknownReason) {
      // Not knowing the OS is not knowing whether the rule applies: never a quiet "n/a".
      decided(outcomeOf(unprobed, "error", `rule applies to ${scope.os.join("/")} targets, but ${osUnknownReason}`));
      continue;
    }
    if (outside) {
      decided(outOfScope(unprobed, outside.reason));
      continue;
    }
    const elsewhere = compiled.source ? sourceNotApplicableTo(compiled.source, target.os) : undefined;
    if (elsewhere) {
      decided(outOfScope(unprobed, elsewhere));
      continue;
    }
    const scopedEndpoints = target.endpoints.filter(
      (endpoint) => (!scope.schemes || scope.schemes.includes(endpoint.scheme)) && (!scope.tags || scope.tags.some((tag) => endpoint.tags.includes(tag))),
    );
    if (compiled.unprovidedFacts) {
      const facts = compiled.unprovidedFacts.map((fact) => `"${fact}"`).join(", ");
      const reason = `no probe provides fact ${facts} — install the plugin that provides it`;
      // One source of several that cannot be checked here is not available; a lone rule is an error.
      decided(compiled.source ? notAssessable(unprobed, reason) : outcomeOf(unprobed, "error", reason));
      continue;
    }
    if (rule.manual) {
      if ((scope.schemes || scope.tags) && scopedEndpoints.length === 0) {
        decided(outcomeOf(unprobed, "not-applicable", "no endpoint of this target is in the rule's scope"));
      } else {
        decided(outcomeOf(unprobed, "manual", rule.prompt ?? "needs a signed attestation"));
      }
      continue;
    }
    const level = compiled.facts.some((fact) => registry.providersOf(fact).some((p) => p.level === "host")) ? "host" : "endpoint";
    if (level === "host") {
      const host = target.host;
      const runs = host ? probeRuns(compiled, (fact) => registry.hostProviderOf(fact, host.kind, target.os), host) : undefined;
      if (!host) decided(notAssessable(unprobed, "target has no host transport"));
      else if (!runs) decided(notAssessable(unprobed, `no probe reads these facts over ${host.kind}:`));
      else checks.push({ ...unprobed, runs });
      continue;
    }
    let planned = 0;
    for (const endpoint of scopedEndpoints) {
      const runs = probeRuns(compiled, (fact) => registry.endpointProviderOf(fact, endpoint.scheme), endpoint);
      if (!runs) continue;
      checks.push({ compiled, target, endpoint, runs });
      planned++;
    }
    if (planned === 0 && compiled.source) {
      // A network source of a rule that applies here stays open: no endpoint of that kind was named.
      decided(notAssessable(unprobed, `no endpoint of this target can be assessed by this source${scope.tags ? ` (tagged ${scope.tags.join("/")})` : ""}`));
    } else if (planned === 0) {
      const schemes = new Set<string>();
      for (const fact of compiled.facts)
        for (const provider of registry.providersOf(fact)) if ("schemes" in provider.probe.meta) for (const s of provider.probe.meta.schemes) schemes.add(s);
      const allowed = scope.schemes ? [...schemes].filter((s) => scope.schemes?.includes(s)) : [...schemes];
      decided(
        outcomeOf(
          unprobed,
          "not-applicable",
          `no endpoint of this target can be assessed by this rule (needs ${allowed.sort().join(", ") || "no scheme"}${scope.tags ? ` tagged ${scope.tags.join("/")}` : ""})`,
        ),
      );
    }
  }
  return { checks, decidedWithoutProbing };
}

/** The probe runs that provide a rule part's facts on `subject`, or undefined when some fact has no provider. */
function probeRuns(compiled: CompiledRule, providerOf: (fact: string) => Probe | undefined, subject: Endpoint | HostSpec): ProbeRunPlan[] | undefined {
  const byProbe = new Map<Probe, string[]>();
  for (const fact of compiled.facts) {
    const probe = providerOf(fact);
    if (!probe) return undefined;
    byProbe.set(probe, [...(byProbe.get(probe) ?? []), fact]);
  }
  return [...byProbe.entries()]
    .map(([probe, facts]) => ({
      probe,
      subject,
      params: substituteParams(compiled.rule.probeParams[probe.meta.id] ?? {}, compiled.parameters) as JsonObject,
      facts,
    }))
    .sort((a, b) => compareText(a.probe.meta.id, b.probe.meta.id) || compareText(stableStringify(a.params), stableStringify(b.params)));
}
