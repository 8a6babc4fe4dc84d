/**
 * Phase 5 of a scan: turns check outcomes into final results. Pure functions: the parts of a
 * multi-source rule are combined into one verdict, then attestations and waivers apply.
 */

import { compareText } from "../compare-text.js";
import { combineSourceOutcomes, type SourceState } from "../engine/sources.js";
import { parseIsoInstant } from "../model/instant.js";
import type { CheckResult, ReportNotice, Status, WaiverRecord } from "../model/report.js";
import type { Attestation, Waiver } from "../model/signoff.js";
import type { JsonValue } from "../model/values.js";
import type { CheckOutcome } from "./outcome.js";

/**
 * Folds the per-source outcomes of multi-source rules into one result per rule and target with
 * {@link combineSourceOutcomes}, keeping every source's conditions and evidence, labelled by
 * source. Other outcomes pass through unchanged.
 */
export function combineSources(outcomes: readonly CheckOutcome[]): CheckOutcome[] {
  const out: CheckOutcome[] = [];
  const groups = new Map<string, CheckOutcome[]>();
  for (const outcome of outcomes) {
    if (outcome.evidenceSource === undefined) {
      out.push(outcome);
      continue;
    }
    const key = `${outcome.ruleId}\u0000${outcome.target}`;
    groups.set(key, [...(groups.get(key) ?? []), outcome]);
  }
  for (const parts of groups.values()) {
    const sorted = [...parts].sort((a, b) => compareText(sourceLabel(a), sourceLabel(b)));
    const stateOf = (part: CheckOutcome): SourceState =>
      part.status === "pass" || part.status === "fail" || part.status === "error" ? part.status : (part.sourceState ?? "unchecked");
    const first = sorted[0] as CheckOutcome;
    const verdict = combineSourceOutcomes(
      sorted.map((part) => ({ label: sourceLabel(part), state: stateOf(part), message: part.message })),
      first.prompt,
    );
    const { evidenceSource: _source, prompt: _prompt, sourceState: _state, ...result } = first;
    out.push({
      ...result,
      endpoint: null,
      status: verdict.status,
      message: verdict.message,
      conditions: sorted.flatMap((part) => part.conditions.map((condition) => ({ ...condition, where: `${sourceLabel(part)}: ${condition.where}` }))),
      evidence: Object.fromEntries(
        sorted.filter((part) => Object.keys(part.evidence).length > 0).map((part) => [sourceLabel(part), part.evidence as JsonValue]),
      ),
    });
  }
  return out;
}

/** A part's label in combined messages, conditions and evidence: its source, and its endpoint if any. */
function sourceLabel(part: CheckOutcome): string {
  return `${part.evidenceSource ?? ""}${part.endpoint ? ` ${part.endpoint}` : ""}`;
}

/** What people signed for the scan. */
export interface Signoffs {
  readonly waivers: readonly Waiver[];
  readonly attestations: readonly Attestation[];
}

/** The final results, and the notices about the sign-offs (expired waivers). */
export interface DecidedResults {
  readonly results: CheckResult[];
  readonly notices: ReportNotice[];
}

/**
 * Applies attestations to `manual` results (the newest per rule and target wins), then waivers to
 * `fail` and `manual` ones. An expired waiver is recorded on the result but does not waive; an
 * active waiver wins over an expired one for the same rule and target. `now` is epoch milliseconds.
 */
export function applySignoffs(outcomes: readonly CheckOutcome[], signoffs: Signoffs, now: number): DecidedResults {
  const applier = new SignoffApplier(signoffs, now);
  const results = applier.apply(outcomes);
  return { results, notices: applier.notices() };
}

/**
 * {@link applySignoffs} for a scan that decides target by target: it remembers which expired
 * waivers it met, so that each is noticed once for the whole scan.
 */
export class SignoffApplier {
  readonly #expiredSeen = new Set<number>();

  constructor(
    private readonly signoffs: Signoffs,
    private readonly now: number,
  ) {}

  /** The final results of `outcomes`. */
  apply(outcomes: readonly CheckOutcome[]): CheckResult[] {
    const { waivers, attestations } = this.signoffs;
    const isExpired = (waiver: Waiver) => waiver.expires !== undefined && expiryTime(waiver.expires) < this.now;
    return outcomes.map((outcome): CheckResult => {
      let current: CheckResult = outcome;
      if (outcome.status === "manual") {
        const attestation = findAttestation(attestations, outcome);
        if (attestation) {
          current = {
            ...current,
            status: attestation.verdict,
            message: `attested ${attestation.verdict} by ${attestation.by} at ${attestation.at}${attestation.note ? `: ${attestation.note}` : ""}`,
            attestation,
          };
        }
      }
      const matching = waivers.flatMap((waiver, i) =>
        waiver.rule === outcome.ruleId && (waiver.target === "*" || waiver.target === outcome.target) ? [i] : [],
      );
      // A renewed waiver is often added next to the expired one: an active waiver wins over an expired one.
      const index = matching.find((i) => !isExpired(waivers[i] as Waiver)) ?? matching[0] ?? -1;
      const waiver = waivers[index];
      if (waiver && (current.status === "fail" || current.status === "manual")) {
        const expired = isExpired(waiver);
        const record: WaiverRecord = { ...waiver, expired, originalStatus: current.status satisfies Status };
        if (expired) {
          this.#expiredSeen.add(index);
          current = { ...current, waiver: record, message: `${current.message} (waiver expired ${waiver.expires}; not applied)` };
        } else {
          current = { ...current, status: "waived", waiver: record, message: `waived by ${waiver.approvedBy}: ${waiver.reason}` };
        }
      }
      return current;
    });
  }

  /** The notices about the sign-offs met so far (expired waivers), in the order of the waivers. */
  notices(): ReportNotice[] {
    const notices: ReportNotice[] = [];
    for (const index of [...this.#expiredSeen].sort((a, b) => a - b)) {
      const waiver = this.signoffs.waivers[index];
      if (waiver)
        notices.push({
          level: "warning",
          code: "HC_WAIVER_EXPIRED",
          message: `waiver for ${waiver.rule} on ${waiver.target} expired ${waiver.expires} and was not applied`,
        });
    }
    return notices;
  }
}

/** A date-only expiry lasts through that whole day (UTC). */
function expiryTime(expires: string): number {
  const time = parseIsoInstant(expires) ?? Number.NaN;
  return /^\d{4}-\d{2}-\d{2}$/.test(expires.trim()) ? time + 86_400_000 - 1 : time;
}

function findAttestation(attestations: readonly Attestation[], outcome: CheckOutcome): Attestation | undefined {
  // The newest attestation wins when a person re-attests.
  return attestations
    .filter((attestation) => attestation.rule === outcome.ruleId && attestation.target === outcome.target)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
}
