/**
 * Phase 4 of a scan: runs the probe runs a group of checks shares (through the collector) and
 * evaluates each check on the facts they gave. Every failure becomes an outcome, never a throw.
 */
import { describeAlternatives, describeFailures, describeHolding } from "../engine/describe.js";
import type { Evaluator } from "../engine/evaluate.js";
import { describeError } from "../errors.js";
import type { Status } from "../model/report.js";
import type { JsonValue } from "../model/values.js";
import { type Clock, fixedClock } from "../plugin/services.js";
import { FactCollector } from "./collector.js";
import { type CheckOutcome, notAssessable, outcomeOf, outOfScope } from "./outcome.js";
import type { PlannedCheck } from "./plan.js";

/**
 * Groups checks by target, endpoint and the exact probe runs they read, so that one engine run
 * serves every rule of a group.
 */
export function groupChecks(checks: readonly PlannedCheck[]): PlannedCheck[][] {
  const groups = new Map<string, PlannedCheck[]>();
  for (const check of checks) {
    const key = `${check.target.id}|${check.endpoint?.url ?? ""}|${check.runs
      .map((run) => FactCollector.keyOf(run.probe, run.subject, run.params, check.target))
      .sort()
      .join("|")}`;
    const group = groups.get(key) ?? [];
    group.push(check);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The outcomes of one group of checks, and the time its host facts describe when that is not now. */
export interface GroupOutcome {
  /** The target the group's checks are on. */
  readonly targetId: string;
  readonly outcomes: readonly CheckOutcome[];
  /** When an offline copy's facts were collected (an evidence bundle's time, a root image's `asOf`). */
  readonly observedAt?: string;
}

/** Runs the probe runs of a group (all its checks read the same ones) and decides each check. */
export async function checkGroup(group: readonly PlannedCheck[], collector: FactCollector, evaluator: Evaluator, clock: Clock): Promise<GroupOutcome> {
  const first = group[0] as PlannedCheck;
  const outcomes: CheckOutcome[] = [];
  const runs = await Promise.all(first.runs.map((run) => collector.run(run.probe, run.subject, first.target, run.params)));
  const facts: Record<string, JsonValue> = {};
  let blocked: { status: Status; message: string; verifiedAbsent?: boolean } | undefined;
  let observedAt: string | undefined;
  for (const run of runs) {
    if (run.status === "ok") {
      Object.assign(facts, run.facts);
      if (run.observedAt) observedAt = run.observedAt;
    } else if (run.status === "error") blocked = { status: "error", message: run.reason };
    // A probe that merely could not look outweighs one that verified its subject absent.
    else if (blocked === undefined || (blocked.verifiedAbsent && !run.verifiedAbsent))
      blocked = { status: "not-applicable", message: run.reason, verifiedAbsent: run.verifiedAbsent === true };
  }
  let runnable: PlannedCheck[] = [];
  for (const check of group) {
    const missing = check.compiled.facts.find((fact) => !(fact in facts));
    if (blocked?.status === "not-applicable")
      outcomes.push(blocked.verifiedAbsent ? outOfScope(check, blocked.message) : notAssessable(check, blocked.message));
    else if (blocked) outcomes.push(outcomeOf(check, blocked.status, blocked.message));
    else if (missing) {
      const probe = check.runs.find((run) => run.facts.includes(missing))?.probe.meta.id ?? "?";
      outcomes.push(outcomeOf(check, "error", `probe ${probe} did not produce fact "${missing}"`));
    } else runnable.push(check);
  }
  let verdicts: Awaited<ReturnType<Evaluator["evaluate"]>>;
  try {
    verdicts = await evaluator.evaluate(
      runnable.map((check) => check.compiled),
      facts,
      // Date conditions on an offline copy's facts mean "as of its collection".
      observedAt ? fixedClock(observedAt) : clock,
    );
  } catch (error) {
    // An operator that throws on odd fact values must cost these checks, not the scan.
    for (const check of runnable) outcomes.push(outcomeOf(check, "error", `rule evaluation failed: ${describeError(error)}`));
    verdicts = new Map();
    runnable = [];
  }
  for (const check of runnable) {
    const verdict = verdicts.get(check.compiled.key);
    const evidence: Record<string, JsonValue> = {};
    for (const fact of check.compiled.facts) evidence[fact] = facts[fact] as JsonValue;
    if (!verdict) {
      outcomes.push(outcomeOf(check, "error", "the rule engine returned no verdict", [], evidence));
      continue;
    }
    const { rule, source } = check.compiled;
    const entries = source ? rule.sources?.find((part) => part.name === source)?.notVerifiedWhen : rule.notVerifiedWhen;
    const unverified = verdict.notVerified ? entries?.[verdict.notVerified.index] : undefined;
    if (verdict.notVerified && unverified) {
      const found = describeHolding(verdict.notVerified.conditions);
      outcomes.push(outcomeOf(check, unverified.status, `${unverified.reason}${found ? ` (${found})` : ""}`, verdict.notVerified.conditions, evidence));
      continue;
    }
    const through = verdict.passed ? describeAlternatives(verdict.conditions) : "";
    const message = verdict.passed
      ? `all conditions hold${through ? ` (through: ${through})` : ""}`
      : describeFailures(verdict.conditions) || "the rule's conditions do not hold";
    outcomes.push(outcomeOf(check, verdict.passed ? "pass" : "fail", message, verdict.conditions, evidence));
  }
  return { targetId: first.target.id, outcomes, ...(observedAt ? { observedAt } : {}) };
}
