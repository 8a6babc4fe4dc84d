/** Everything that describes what is scanned, how it is judged, and what the report holds. */

/** How bad a failing rule is, highest first. */
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
/** How bad a failing rule is. */
export type Severity = (typeof SEVERITIES)[number];

/** The verdict of one check. */
export const STATUSES = ["pass", "fail", "error", "manual", "waived", "not-applicable"] as const;
/** The verdict of one check. */
export type Status = (typeof STATUSES)[number];

/** Any value that survives a JSON round trip. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** A network endpoint to scan, parsed from a URL such as `smtp://mail.example:25`. */
export interface Endpoint {
  /** The URL as normalised by hardcheck (lower-case scheme and host, explicit port). */
  readonly url: string;
  /** URL scheme without the colon: `tls`, `https`, `smtp`, … */
  readonly scheme: string;
  /** Host name or IP address (IPv6 without brackets). */
  readonly host: string;
  /** TCP/UDP port (the scheme's default when the URL has none). */
  readonly port: number;
  /** Path part of the URL, `/` when absent. */
  readonly path: string;
  /** Free-form labels used by rule scopes. */
  readonly tags: readonly string[];
  /** TLS server name to send (SNI), when it differs from `host`. */
  readonly servername?: string;
}

/** Kinds of host transport a target may name. */
export type HostTransportKind = "local" | "root" | "ssh" | "evidence";

/** How to reach a target's operating system (probes-linux and probes-windows use it). */
export interface HostSpec {
  /** The spec as written, e.g. `ssh://admin@10.0.0.5` or `root:/mnt/image`. */
  readonly spec: string;
  readonly kind: HostTransportKind;
  /** Path for `root:` and `evidence:`; host name for `ssh:`. */
  readonly location: string;
  readonly user?: string;
  readonly port?: number;
}

/** How an `ssh://` host is authenticated and verified (the target's `ssh:` config block). */
export interface SshOptions {
  /** Absolute path of the private key; absent means the SSH agent (`SSH_AUTH_SOCK`). */
  readonly identityFile?: string;
  /** Secret reference (`env:NAME`, `file:/path`) to the key's passphrase. */
  readonly passphrase?: string;
  /** Absolute path of the known_hosts file (default `~/.ssh/known_hosts`). */
  readonly knownHosts?: string;
  /** Refuse unknown host keys (default true); a changed key is always refused. */
  readonly strictHostKeyChecking?: boolean;
  /** Privileged commands and reads go through `sudo -n`. */
  readonly sudo?: boolean;
  /** Channels open at once on the one connection (default 4). */
  readonly maxChannels?: number;
  readonly connectTimeoutMs?: number;
}

/** One system under assessment: a host and/or some network endpoints. */
export interface Target {
  readonly id: string;
  readonly host?: HostSpec;
  /** SSH settings for an `ssh://` host. */
  readonly ssh?: SshOptions;
  /** Secret references (`env:NAME`, `file:/path`) by credential name, for authenticated endpoint checks; resolve with `deps.secrets.resolve`. */
  readonly credentials?: Readonly<Record<string, string>>;
  /** Whether probes may try a pack's vendor default credentials (one try per account per scan). */
  readonly allowCredentialTries?: boolean;
  /**
   * For an offline copy (`root:` image, `evidence:` export without a recorded time): when it was
   * taken (ISO-8601). Its host facts are judged as of this time instead of the scan's.
   */
  readonly asOf?: string;
  readonly os?: string;
  readonly tags: readonly string[];
  readonly endpoints: readonly Endpoint[];
}

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
  /** Short label shown in results: `network`, `windows`, `linux`, `config`. */
  readonly name: string;
  readonly conditions: TopLevelCondition;
}

/** Where a rule was defined, for reports that link back to it. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
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
   * each source is checked where it can be, and the item passes only when every checked source
   * passes. Exclusive with `conditions`.
   */
  readonly sources?: readonly RuleSource[];
  /** True when software cannot decide the item and a person attests it. */
  readonly manual: boolean;
  /** The question an attesting person answers: always for manual rules; for automated ones, when their evidence cannot be gathered. */
  readonly prompt?: string;
  /** Extra parameters for probes, keyed by probe id; `{ "param": name }` values are tailorable. */
  readonly probeParams: Readonly<Record<string, JsonObject>>;
  readonly source?: SourceLocation;
}

/** A named, versioned set of rules. */
export interface Pack {
  readonly id: string;
  readonly title: string;
  readonly version: string;
  readonly description?: string;
  readonly rules: readonly Rule[];
  readonly source?: string;
}

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

/** One evaluated leaf condition, kept so that every verdict explains itself. */
export interface ConditionTrace {
  /** Position in the tree, e.g. `all[0]` or `all[1].any[0]`. */
  readonly where: string;
  readonly fact: string;
  readonly path?: string;
  readonly operator: string;
  readonly expected: JsonValue;
  /** The fact value found; absent when the condition was not evaluated. */
  readonly actual?: JsonValue;
  /**
   * For a failed set comparison, the items that broke it: the shared items of `setDisjoint`, the
   * items outside the allowed list of `setSubsetOf`, the missing ones of `setContains`. A message
   * names these rather than a list of hundreds of installed packages.
   */
  readonly offending?: readonly JsonValue[];
  readonly outcome: "pass" | "fail" | "not-evaluated";
  readonly name?: string;
}

/** The verdict of one rule on one target (and endpoint). */
export interface CheckResult {
  readonly ruleId: string;
  readonly pack: string;
  readonly checklistRef: string | null;
  readonly section: string | null;
  readonly title: string;
  readonly severity: Severity;
  readonly target: string;
  /** Endpoint URL, or null for host-level and manual checks. */
  readonly endpoint: string | null;
  readonly status: Status;
  readonly message: string;
  readonly conditions: readonly ConditionTrace[];
  /** The fact values the rule looked at, by fact name (redacted of secrets). */
  readonly evidence: Readonly<Record<string, JsonValue>>;
  readonly waiver?: WaiverRecord;
  readonly attestation?: Attestation;
  readonly source?: SourceLocation;
}

/** A waiver as it was applied (or not) to one result. */
export interface WaiverRecord extends Waiver {
  /** True when the waiver's date has passed; an expired waiver does not waive. */
  readonly expired: boolean;
  /** The status the check had before the waiver applied. */
  readonly originalStatus: Status;
}

/** Counts by status. */
export interface Summary {
  pass: number;
  fail: number;
  error: number;
  manual: number;
  waived: number;
  notApplicable: number;
}

/** A target as recorded in the report. */
export interface ReportTarget {
  readonly id: string;
  readonly host: string | null;
  readonly os: string | null;
  readonly tags: readonly string[];
  readonly endpoints: readonly string[];
  /**
   * The time the target's host facts describe, when it is not the scan's evaluation time: an
   * evidence bundle's collection time, or the `asOf` of a `root:` image.
   */
  readonly observedAt?: string;
}

/** The pack versions a report was produced with. */
export interface ReportPack {
  readonly id: string;
  readonly title: string;
  readonly version: string;
}

/** A note about the scan as a whole (expired waivers, unmatched attestations, …). */
export interface ReportNotice {
  readonly level: "warning" | "info";
  readonly code: string;
  readonly message: string;
}

/**
 * A rule as the report describes it: what a reporter needs to explain a result without the pack
 * (SARIF rule help, the checklist view's "what was required").
 */
export interface ReportRule {
  readonly id: string;
  readonly pack: string;
  readonly checklistRef: string | null;
  readonly section: string | null;
  readonly title: string;
  readonly severity: Severity;
  readonly rationale: string;
  readonly remediation: string;
  readonly manual: boolean;
  /** The question an attesting person answers (manual rules). */
  readonly prompt?: string;
  readonly source?: SourceLocation;
}

/**
 * The report document: the one contract every reporter, `merge` and external tool reads.
 * `hardcheck.json` is its serialisation.
 */
export interface ReportDocument {
  readonly schemaVersion: 1;
  readonly tool: { readonly name: string; readonly version: string };
  readonly startedAt: string;
  readonly finishedAt: string;
  /**
   * "Now" for the verdicts: the scan's start, or the `asOf` time it was asked to judge at. Offline
   * evidence is judged as of its collection time instead (`targets[].observedAt`). Absent in reports
   * written before it existed.
   */
  readonly evaluatedAt?: string;
  /** True when the scan was cancelled or timed out before every check finished. */
  readonly incomplete: boolean;
  readonly packs: readonly ReportPack[];
  readonly targets: readonly ReportTarget[];
  readonly results: readonly CheckResult[];
  readonly summary: Summary;
  readonly notices: readonly ReportNotice[];
  /**
   * The rules the scan evaluated, packs sorted by id and rules in the order their pack lists them
   * (the source document's order). Absent in reports written before it existed.
   */
  readonly rules?: readonly ReportRule[];
  /** `I/N` when this report covers one shard of the targets. */
  readonly shard?: string;
}
