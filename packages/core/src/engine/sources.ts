/**
 * How the sources of a multi-source rule fold into one verdict. An item passes only when every
 * source that applies to the target was checked and passed; a source that applies but could not be
 * checked leaves the item to a person; a source drops out only when it does not apply to the target
 * or the scan verified that its subject does not exist.
 */

import { compareText } from "../compare-text.js";
import type { Status } from "../model/report.js";
import type { SourceName } from "../model/rule.js";

/** What became of one source of a multi-source rule on one target (one endpoint, for network sources). */
export type SourceState =
  /** Checked, and every condition holds. */
  | "pass"
  /** Checked, and a condition does not hold. */
  | "fail"
  /** Applies, but the probe failed or timed out. */
  | "error"
  /** Applies, but nothing could check it here: no export named, no endpoint of that kind, no host access. */
  | "unchecked"
  /** Out of the picture: the source does not apply to this target, or its subject was verified absent. */
  | "absent";

/** One source's outcome, as {@link combineSourceOutcomes} reads it. */
export interface SourceOutcome {
  /** The source name, followed by the endpoint for a network source: `network tls://h:443`. */
  readonly label: string;
  readonly state: SourceState;
  /** The verdict's explanation, or why the source was not checked or dropped out. */
  readonly message: string;
}

/** The folded verdict of a multi-source rule. */
export interface CombinedVerdict {
  readonly status: Extract<Status, "pass" | "fail" | "error" | "manual" | "not-applicable">;
  readonly message: string;
}

/** Asked when a rule that reads several sources has no prompt of its own. */
export const DEFAULT_SOURCE_PROMPT = "Does the item hold for the parts that could not be checked automatically?";

/**
 * Why `source` does not apply to a target of operating system `os`, or undefined when it applies.
 * Host sources are bound to their operating system; a target whose os is not set may be either, so
 * its host sources apply (and stay unchecked until a host transport reads them).
 */
export function sourceNotApplicableTo(source: SourceName, os: string | undefined): string | undefined {
  if (os === undefined) return undefined;
  if (source === "windows" && os !== "windows") return `the target is a ${os} host, not Windows`;
  if ((source === "linux" || source === "linux-live") && os !== "linux") return `the target is a ${os} host, not Linux`;
  return undefined;
}

/**
 * Folds per-source outcomes into one verdict: `fail` when a checked source fails; else `error` when
 * one could not be run; else `manual` (the prompt, naming what was not checked) when one applies but
 * was not checked; else `pass` when at least one was checked and all checked passed; else
 * `not-applicable` when every source dropped out. The message lists what was checked, what was not,
 * and what dropped out, with reasons.
 *
 * @example
 * ```ts
 * combineSourceOutcomes([
 *   { label: "network tls://h:443", state: "pass", message: "all conditions hold" },
 *   { label: "config", state: "unchecked", message: "no product configuration file named" },
 * ], "Is chain validation on?").status; // "manual"
 * ```
 */
export function combineSourceOutcomes(outcomes: readonly SourceOutcome[], prompt?: string): CombinedVerdict {
  const sorted = [...outcomes].sort((a, b) => compareText(a.label, b.label));
  const having = (state: SourceState) => sorted.filter((outcome) => outcome.state === state);
  const [failed, errored, unchecked, absent] = [having("fail"), having("error"), having("unchecked"), having("absent")];
  const checked = sorted.filter((outcome) => outcome.state === "pass" || outcome.state === "fail");
  const detail = (list: readonly SourceOutcome[]) => list.map((outcome) => `${outcome.label}: ${outcome.message}`).join("; ");
  const reasons = (list: readonly SourceOutcome[]) => list.map((outcome) => `${outcome.label} (${outcome.message})`).join("; ");

  if (checked.length === 0 && errored.length === 0 && unchecked.length === 0) {
    const distinct = new Set(absent.map((outcome) => outcome.message));
    // A reason every source shares (the rule's scope, the target's tags) is said once.
    const message = distinct.size === 1 ? ([...distinct][0] as string) : `no source of evidence applies: ${reasons(absent)}`;
    return { status: "not-applicable", message };
  }
  const tail = [
    `checked: ${checked.map((outcome) => outcome.label).join(", ") || "none"}`,
    ...(errored.length + unchecked.length > 0 ? [`not checked: ${reasons([...errored, ...unchecked])}`] : []),
    ...(absent.length > 0 ? [`not present: ${reasons(absent)}`] : []),
  ].join("; ");
  if (failed.length > 0) return { status: "fail", message: `${detail(failed)} — ${tail}` };
  if (errored.length > 0) return { status: "error", message: `${detail(errored)} — ${tail}` };
  if (unchecked.length > 0) {
    const names = [...new Set(unchecked.map((outcome) => outcome.label))].join(", ");
    return { status: "manual", message: `${prompt ?? DEFAULT_SOURCE_PROMPT} (not checked automatically: ${names}) — ${tail}` };
  }
  return { status: "pass", message: `all conditions hold in every source that applies — ${tail}` };
}
