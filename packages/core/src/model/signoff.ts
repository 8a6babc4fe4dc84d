/** What people sign for a scan: waivers of failing items and attestations of manual ones. */

/** A documented exception: a failing rule accepted for a target until a date. */
export interface Waiver {
  readonly rule: string;
  /** Target id, or `*` for every target. */
  readonly target: string;
  readonly reason: string;
  readonly approvedBy: string;
  /** ISO date (`2026-12-31`) or timestamp after which the waiver no longer applies. */
  readonly expires?: string;
}

/** A person's signed-off verdict on a rule software cannot decide. */
export interface Attestation {
  readonly rule: string;
  readonly target: string;
  readonly verdict: "pass" | "fail" | "not-applicable";
  readonly by: string;
  readonly at: string;
  readonly note?: string;
  readonly evidence?: string;
}
