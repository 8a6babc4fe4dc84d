/**
 * What one check produces before attestations and waivers are applied: a result record that also
 * says, for one evidence source of a multi-source rule, which source it is and how it stands.
 */
import type { CompiledRule } from "../engine/evaluate.js";
import type { SourceState } from "../engine/sources.js";
import type { CheckResult, ConditionTrace, Status } from "../model/report.js";
import type { SourceName } from "../model/rule.js";
import type { Endpoint, Target } from "../model/target.js";
import type { JsonValue } from "../model/values.js";

/** A rule on a target (and endpoint): what the plan expands into and every outcome is built for. */
export interface CheckSubject {
  readonly compiled: CompiledRule;
  readonly target: Target;
  /** The endpoint for an endpoint-level check; null for host-level and unprobed checks. */
  readonly endpoint: Endpoint | null;
}

/** The outcome of one check: a result without its attestation or waiver yet. */
export interface CheckOutcome extends Omit<CheckResult, "waiver" | "attestation"> {
  /** For one part of a multi-source rule: which source the outcome is for. */
  readonly evidenceSource?: SourceName;
  /** For one part of a multi-source rule: the rule's attestation prompt, for the combined verdict. */
  readonly prompt?: string;
  /**
   * For a part that was not evaluated: whether its source applies but went unchecked, or dropped
   * out (the source does not apply, or its subject was verified absent).
   */
  readonly sourceState?: Extract<SourceState, "unchecked" | "absent">;
}

/** The outcome of `subject` with the given verdict; a multi-source part is labelled with its source. */
export function outcomeOf(
  subject: CheckSubject,
  status: Status,
  message: string,
  conditions: readonly ConditionTrace[] = [],
  evidence: Readonly<Record<string, JsonValue>> = {},
): CheckOutcome {
  const { rule, source } = subject.compiled;
  return {
    ruleId: rule.id,
    pack: rule.pack,
    checklistRef: rule.checklistRef ?? null,
    section: rule.section ?? null,
    title: rule.title,
    severity: rule.severity,
    target: subject.target.id,
    endpoint: subject.endpoint?.url ?? null,
    status,
    message,
    conditions,
    evidence,
    ...(rule.source ? { source: rule.source } : {}),
    ...(source ? { evidenceSource: source, ...(rule.prompt ? { prompt: rule.prompt } : {}) } : {}),
  };
}

/**
 * A check whose evidence cannot be gathered here: `not-applicable`, unless the rule carries an
 * attestation prompt — then a person decides it (`manual`), as for settings no file was given for.
 * For one source of several it is an unchecked source, which keeps the item from passing.
 */
export function notAssessable(subject: CheckSubject, reason: string): CheckOutcome {
  if (subject.compiled.source) return { ...outcomeOf(subject, "not-applicable", reason), sourceState: "unchecked" };
  const prompt = subject.compiled.rule.prompt;
  if (!prompt) return outcomeOf(subject, "not-applicable", reason);
  return outcomeOf(subject, "manual", `${prompt} (not checked automatically: ${reason})`);
}

/** A check out of the picture: the rule does not apply to the target, or its subject was verified absent. */
export function outOfScope(subject: CheckSubject, reason: string): CheckOutcome {
  const outcome = outcomeOf(subject, "not-applicable", reason);
  return subject.compiled.source ? { ...outcome, sourceState: "absent" } : outcome;
}
