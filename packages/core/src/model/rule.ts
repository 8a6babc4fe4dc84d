/** How an item is judged: rules, their conditions and scopes, and the packs that hold them. */
import type { JsonObject, JsonValue, SourceLocation } from "./values.js";

/** How bad a failing rule is, highest first. */
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;

/** How bad a failing rule is. */
export type Severity = (typeof SEVERITIES)[number];

/**
 * Where a multi-source rule takes one part of its evidence. The names are fixed because the engine
 * decides from the name whether the source applies to a target: `windows` only on Windows targets,
 * `linux` and `linux-live` (what exists only on a running host, such as listening sockets) only on
 * Linux targets; `network` (the target's endpoints), `config` (the product's settings export) and
 * `client` (the product seen as a TLS client by a canary listener; reserved) apply to every target.
 */
export const SOURCE_NAMES = ["network", "windows", "linux", "linux-live", "config", "client"] as const;

/** A source name of a multi-source rule. */
export type SourceName = (typeof SOURCE_NAMES)[number];

/** A rule's declared tailorable parameter. */
export interface RuleParameter {
  readonly default: JsonValue;
  readonly description: string;
}

/** Where a rule applies. Every listed criterion must match; an absent one matches anything. */
export interface RuleScope {
  /** Endpoint URL schemes the rule applies to. */
  readonly schemes?: readonly string[];
  /** Endpoint tags; the rule applies when the endpoint has at least one of them. */
  readonly tags?: readonly string[];
  /** Target tags; the rule applies when the target has at least one of them. */
  readonly targetTags?: readonly string[];
  /** Target operating systems (`linux`, `windows`, …). */
  readonly os?: readonly string[];
}

/** A leaf condition: compare one fact (optionally a path into it) with a value. */
export interface FactCondition {
  readonly fact: string;
  readonly operator: string;
  readonly value: JsonValue;
  /** Dot path into the fact value: `leaf.notAfter`, `suites[0].name`. */
  readonly path?: string;
  /** Optional human label shown when this condition fails. */
  readonly name?: string;
}

/** A nested condition tree as json-rules-engine understands it. */
export type Condition =
  | FactCondition
  | { readonly all: readonly Condition[]; readonly name?: string }
  | { readonly any: readonly Condition[]; readonly name?: string }
  | { readonly not: Condition; readonly name?: string };

/** The top of a rule's condition tree. */
export type TopLevelCondition =
  | { readonly all: readonly Condition[]; readonly name?: string }
  | { readonly any: readonly Condition[]; readonly name?: string }
  | { readonly not: Condition; readonly name?: string };

/** One kind of evidence of a multi-source rule. */
export interface RuleSource {
  /** Which kind of evidence this part reads; also its label in results. */
  readonly name: SourceName;
  readonly conditions: TopLevelCondition;
  /**
   * When this source's evidence cannot decide its part: the first entry that holds makes the part
   * `error` or, with `not-applicable`, leaves the source not checked (the item cannot pass on it).
   */
  readonly notVerifiedWhen?: readonly NotVerifiedCondition[];
}

/** One entry of {@link Rule.notVerifiedWhen}. */
export interface NotVerifiedCondition {
  /** The verdict when the conditions hold: `error` (not verified) or `not-applicable` (cannot apply here). */
  readonly status: "error" | "not-applicable";
  /** Why the rule is not decided, shown first in the result message. */
  readonly reason: string;
  readonly conditions: TopLevelCondition;
}

/** A checklist item as data: what must hold, why, and how to fix it. */
export interface Rule {
  readonly id: string;
  readonly pack: string;
  /** The item's label in the source document, e.g. `CL-DNS SRV1`. */
  readonly checklistRef?: string;
  readonly section?: string;
  readonly title: string;
  readonly severity: Severity;
  readonly rationale: string;
  readonly remediation: string;
  readonly scope: RuleScope;
  readonly parameters: Readonly<Record<string, RuleParameter>>;
  /** What must hold; absent for manual rules and for rules with several evidence sources. */
  readonly conditions?: TopLevelCondition;
  /**
   * Several independent kinds of evidence for one item (e.g. the network and the Windows host):
   * the item passes only when every source that applies to the target was checked and passed; a
   * source that applies but could not be checked leaves the item `manual`. Exclusive with `conditions`.
   */
  readonly sources?: readonly RuleSource[];
  /**
   * Conditions under which the evidence cannot decide the rule, checked before its `conditions`: the
   * first that holds makes the verdict its `status` (default `error`) with its `reason`, never pass
   * or fail. For example "not revoked" is not verified when the OCSP responder did not answer.
   * Only for rules with `conditions`; a source of a multi-source rule has its own.
   */
  readonly notVerifiedWhen?: readonly NotVerifiedCondition[];
  /** True when software cannot decide the item and a person attests it. */
  readonly manual: boolean;
  /** The question an attesting person answers: always for manual rules; for automated ones, when their evidence cannot be gathered. */
  readonly prompt?: string;
  /** Extra parameters for probes, keyed by probe id; `{ "param": name }` values are tailorable. */
  readonly probeParams: Readonly<Record<string, JsonObject>>;
  readonly source?: SourceLocation;
  /** The rights a person needs to check or fix the item by hand (the form's "needed access rights"). */
  readonly accessRights?: string;
  /** Where to read more: sections of the source document, release notes, standards. */
  readonly references?: readonly string[];
}

/**
 * A server role of a deployment, as the source document's "Executed" column names it: targets that
 * carry the tag are that role's servers in the filled-in checklist.
 */
export interface PackRole {
  /** The target tag that marks a server of this role. */
  readonly tag: string;
  /** The role as the document names it, e.g. "Remote Agent standby server". */
  readonly name: string;
}

/** A named, versioned set of rules. */
export interface Pack {
  readonly id: string;
  readonly title: string;
  readonly version: string;
  readonly description?: string;
  /** The deployment's server roles, in the document's column order. */
  readonly roles?: readonly PackRole[];
  readonly rules: readonly Rule[];
  readonly source?: string;
}
