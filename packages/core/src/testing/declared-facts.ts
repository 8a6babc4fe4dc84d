/** Checks an outcome against the contract a probe declares: only declared facts, only JSON values. */
import type { Probe, ProbeOutcome } from "../index.js";

/** A probe broke its contract in a test: the message lists every problem. */
export class ProbeContractError extends Error {
  override readonly name = "ProbeContractError";

  constructor(
    readonly probeId: string,
    readonly problems: readonly string[],
  ) {
    super(`probe ${probeId} broke its contract:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  }
}

/**
 * The ways `outcome` breaks `probe`'s contract, empty when it keeps it. A scan keeps only the facts a
 * probe declares (so an undeclared fact silently never reaches a rule) and stores them as JSON (so a
 * function, a bigint, a circular reference or a non-finite number cannot be evidence).
 *
 * @example
 * ```ts
 * expect(checkDeclaredFacts(bannerProbe, await bannerProbe.collect(endpoint, {}, testProbeDeps()))).toEqual([]);
 * ```
 */
export function checkDeclaredFacts(probe: Probe, outcome: ProbeOutcome): string[] {
  if (outcome === null || typeof outcome !== "object") return [`collect resolved to ${describeType(outcome)}, not { facts } or { notApplicable }`];
  if ("notApplicable" in outcome) {
    return typeof outcome.notApplicable === "string" && outcome.notApplicable.length > 0 ? [] : ["notApplicable must give the reason as text"];
  }
  const facts: unknown = (outcome as { facts?: unknown }).facts;
  if (facts === null || typeof facts !== "object" || Array.isArray(facts)) return [`facts is ${describeType(facts)}, not an object keyed by fact name`];
  const declared = new Set(probe.meta.facts.map((fact) => fact.name));
  const problems: string[] = [];
  for (const [name, value] of Object.entries(facts)) {
    if (!declared.has(name)) {
      problems.push(`fact ${name} is not declared in meta.facts (a scan drops it); declared: ${[...declared].join(", ")}`);
      continue;
    }
    if (value === undefined) continue;
    const problem = notJson(value, name, new Set());
    if (problem) problems.push(problem);
  }
  return problems;
}

function notJson(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON cannot hold`;
    case "object": {
      if (value === null) return undefined;
      if (ancestors.has(value)) return `${path} refers back to itself (circular)`;
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") return undefined;
      ancestors.add(value);
      try {
        if (Array.isArray(value)) {
          for (const [index, item] of value.entries()) {
            if (item === undefined) return `${path}[${index}] is undefined, which JSON turns into null`;
            const problem = notJson(item, `${path}[${index}]`, ancestors);
            if (problem) return problem;
          }
          return undefined;
        }
        for (const [key, item] of Object.entries(value)) {
          if (item === undefined) continue;
          const problem = notJson(item, `${path}.${key}`, ancestors);
          if (problem) return problem;
        }
        return undefined;
      } finally {
        ancestors.delete(value);
      }
    }
    default:
      return `${path} is ${describeType(value)}, which JSON cannot hold`;
  }
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
