/** What a scan produces: verdicts, their traces, and the report document every reporter reads. */
import { z } from "zod";
import { attestationSchema, jsonValueSchema, siteSchema, waiverSchema } from "../config/schema.js";
import { type PackRole, SEVERITIES, type Severity } from "./rule.js";
import type { Attestation, Waiver } from "./signoff.js";
import type { SiteInfo } from "./site.js";
import type { JsonValue, SourceLocation } from "./values.js";

/** The verdict of one check. */
export const STATUSES = ["pass", "fail", "error", "manual", "waived", "not-applicable"] as const;

/** The verdict of one check. */
export type Status = (typeof STATUSES)[number];

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
  readonly outcome: "pass" | "fail" | "not-evaluated";
  readonly name?: string;
}

/**
 * The verdict of one rule on one target (and endpoint) with its evidence and full condition traces,
 * without its rule's own fields: what a scan decides, and what {@link resultsWithRules} reads back
 * from a document (joined with its rule's fields). Version 3 documents store it as a
 * {@link StoredResult} that points into the document's fact and condition tables.
 */
export interface ReportResult {
  readonly ruleId: string;
  readonly pack: string;
  readonly target: string;
  /** Endpoint URL, or null for host-level and manual checks. */
  readonly endpoint: string | null;
  readonly status: Status;
  readonly message: string;
  readonly conditions: readonly ConditionTrace[];
  /**
   * The fact values the rule looked at, by fact name (redacted of secrets). A rule with several
   * evidence sources has them by source label instead (`network tls://h:443`, `windows`), each
   * holding that source's facts by name.
   */
  readonly evidence: Readonly<Record<string, JsonValue>>;
  readonly waiver?: WaiverRecord;
  readonly attestation?: Attestation;
}

/**
 * One fact value in a report document: the value `fact` had on `target`'s `endpoint` (null for
 * a host fact). Each (target, endpoint, fact, value) is stored once; a value stored already under an
 * earlier record is referred to by that record's index (`sameAs`) instead of being repeated.
 */
export type FactRecord = FactRecordFields & ({ readonly value: JsonValue } | { readonly sameAs: number });

/** The fields every {@link FactRecord} has. */
export interface FactRecordFields {
  readonly target: string;
  /** The endpoint the fact describes, or null for a host fact. */
  readonly endpoint: string | null;
  readonly fact: string;
}

/**
 * A condition as a rule states it, stored once per document since version 3: everything of a
 * {@link ConditionTrace} that does not vary between the results evaluated against it.
 */
export interface ReportCondition {
  /** Position in the tree, e.g. `all[0]` or `all[1].any[0]`; prefixed with the source label for rules with several sources. */
  readonly where: string;
  readonly fact: string;
  readonly path?: string;
  readonly operator: string;
  readonly expected: JsonValue;
  readonly name?: string;
}

/**
 * What one result records of one condition in a report document, as a short list (results are
 * many, and this is most of what they hold): the condition (an index into `conditions`) and its
 * outcome, then the value found — `[condition, outcome]` when it was not evaluated,
 * `[condition, outcome, actual]`, or `[condition, outcome, null, fact]` when the value found is fact
 * record `fact`'s value (at the condition's path), so it is not written twice.
 */
export type StoredCondition =
  | readonly [condition: number, outcome: ConditionTrace["outcome"]]
  | readonly [condition: number, outcome: ConditionTrace["outcome"], actual: JsonValue]
  | readonly [condition: number, outcome: ConditionTrace["outcome"], actual: null, actualIn: number];

/**
 * A result as a report document stores it: its evidence as indices into `facts` (by source label
 * for rules with several evidence sources), its conditions as {@link StoredCondition}s. Read results
 * through {@link resultsWithRules}, which joins them back.
 */
export interface StoredResult {
  readonly ruleId: string;
  readonly pack: string;
  readonly target: string;
  /** Endpoint URL, or null for host-level and manual checks. */
  readonly endpoint: string | null;
  readonly status: Status;
  readonly message: string;
  /** The fact records the rule looked at, in the order it names its facts; absent when it looked at none. */
  readonly facts?: readonly number[] | Readonly<Record<string, readonly number[]>>;
  readonly conditions: readonly StoredCondition[];
  readonly waiver?: WaiverRecord;
  readonly attestation?: Attestation;
}

/** The fields of a rule every result is read with: see {@link resultsWithRules}. */
export interface ResultRuleFields {
  readonly checklistRef: string | null;
  readonly section: string | null;
  readonly title: string;
  readonly severity: Severity;
  /** Where the rule is defined. */
  readonly source?: SourceLocation;
}

/** The verdict of one rule on one target (and endpoint), with its rule's fields: what reporters read. */
export interface CheckResult extends ReportResult, ResultRuleFields {}

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
  /** Where the config defines the target (absent in reports written before it existed). */
  readonly source?: SourceLocation;
  /** The config line of each endpoint, by URL. */
  readonly endpointLines?: Readonly<Record<string, number>>;
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
  /** The deployment's server roles, for the checklist's per-role "Executed" columns. */
  readonly roles?: readonly PackRole[];
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
  readonly accessRights?: string;
  readonly references?: readonly string[];
}

/**
 * The report document: the one contract every reporter, `merge` and external tool reads.
 * `hardcheck.json` is its serialisation.
 */
export interface ReportDocument {
  /**
   * 4 since the file groups fact records and results by target and endpoint ({@link ReportFile});
   * 3 stored fact values and rule conditions once, in {@link ReportDocument.facts} and
   * {@link ReportDocument.conditions}; 2 moved rule fields to {@link ReportDocument.rules}. Documents of
   * versions 1 to 3 are read and upgraded.
   */
  readonly schemaVersion: 4;
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
  /**
   * The fact values results looked at, each stored once per (target, endpoint, fact), sorted by
   * target, endpoint (host facts first) and fact. The file groups them by target and endpoint.
   */
  readonly facts: readonly FactRecord[];
  /** The distinct conditions results were evaluated against, in the order results first use them. */
  readonly conditions: readonly ReportCondition[];
  /**
   * The verdicts, sorted by target, endpoint (host-level first), pack and rule; read them with
   * {@link resultsWithRules}. The file groups them by target, endpoint and pack.
   */
  readonly results: readonly StoredResult[];
  readonly summary: Summary;
  readonly notices: readonly ReportNotice[];
  /**
   * The rules the scan evaluated, packs sorted by id and rules in the order their pack lists them
   * (the source document's order): every result's rule is here.
   */
  readonly rules: readonly ReportRule[];
  /** `I/N` when this report covers one shard of the targets. */
  readonly shard?: string;
  /** The deployment overview from the config's `site:`. */
  readonly site?: SiteInfo;
}

const sourceLocationSchema = z.object({ file: z.string(), line: z.int() });

const conditionTraceSchema = z.object({
  where: z.string(),
  fact: z.string(),
  path: z.string().optional(),
  operator: z.string(),
  expected: jsonValueSchema,
  actual: jsonValueSchema.optional(),
  outcome: z.enum(["pass", "fail", "not-evaluated"]),
  name: z.string().optional(),
}) satisfies z.ZodType<ConditionTrace>;

const resultFields = {
  ruleId: z.string(),
  pack: z.string(),
  target: z.string(),
  endpoint: z.string().nullable(),
  status: z.enum(STATUSES),
  message: z.string(),
  conditions: z.array(conditionTraceSchema),
  evidence: z.record(z.string(), jsonValueSchema),
  waiver: waiverSchema.extend({ target: z.string(), expired: z.boolean(), originalStatus: z.enum(STATUSES) }).optional(),
  attestation: attestationSchema.optional(),
};

const reportResultSchema = z.object(resultFields) satisfies z.ZodType<ReportResult>;

/** A result of a version 1 document, which repeated its rule's fields. */
const checkResultSchema = z.object({
  ...resultFields,
  checklistRef: z.string().nullable(),
  section: z.string().nullable(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  source: sourceLocationSchema.optional(),
}) satisfies z.ZodType<CheckResult>;

const reportRuleSchema = z.object({
  id: z.string(),
  pack: z.string(),
  checklistRef: z.string().nullable(),
  section: z.string().nullable(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  rationale: z.string(),
  remediation: z.string(),
  manual: z.boolean(),
  prompt: z.string().optional(),
  source: sourceLocationSchema.optional(),
  accessRights: z.string().optional(),
  references: z.array(z.string()).optional(),
}) satisfies z.ZodType<ReportRule>;

// The document's parts in the order reports are written, so a parsed report keeps that order.
const documentHead = {
  tool: z.object({ name: z.string(), version: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  evaluatedAt: z.string().optional(),
  incomplete: z.boolean(),
  packs: z.array(
    z.object({ id: z.string(), title: z.string(), version: z.string(), roles: z.array(z.object({ tag: z.string(), name: z.string() })).optional() }),
  ),
  targets: z.array(
    z.object({
      id: z.string(),
      host: z.string().nullable(),
      os: z.string().nullable(),
      tags: z.array(z.string()),
      endpoints: z.array(z.string()),
      source: sourceLocationSchema.optional(),
      endpointLines: z.record(z.string(), z.int()).optional(),
      observedAt: z.string().optional(),
    }),
  ),
};

const documentMiddle = {
  summary: z.object({
    pass: z.int(),
    fail: z.int(),
    error: z.int(),
    manual: z.int(),
    waived: z.int(),
    notApplicable: z.int(),
  }),
  notices: z.array(z.object({ level: z.enum(["warning", "info"]), code: z.string(), message: z.string() })),
};

const documentTail = {
  shard: z.string().optional(),
  site: siteSchema.optional(),
};

const factRecordSchema = z.union([
  z.object({ target: z.string(), endpoint: z.string().nullable(), fact: z.string(), value: jsonValueSchema }),
  z.object({ target: z.string(), endpoint: z.string().nullable(), fact: z.string(), sameAs: z.int().min(0) }),
]) satisfies z.ZodType<FactRecord>;

const reportConditionSchema = z.object({
  where: z.string(),
  fact: z.string(),
  path: z.string().optional(),
  operator: z.string(),
  expected: jsonValueSchema,
  name: z.string().optional(),
}) satisfies z.ZodType<ReportCondition>;

const outcomeSchema = z.enum(["pass", "fail", "not-evaluated"]);

const storedResultSchema = z.object({
  ruleId: z.string(),
  pack: z.string(),
  target: z.string(),
  endpoint: z.string().nullable(),
  status: z.enum(STATUSES),
  message: z.string(),
  facts: z.union([z.array(z.int().min(0)), z.record(z.string(), z.array(z.int().min(0)))]).optional(),
  conditions: z.array(
    z.union([
      z.tuple([z.int().min(0), outcomeSchema]),
      z.tuple([z.int().min(0), outcomeSchema, jsonValueSchema]),
      z.tuple([z.int().min(0), outcomeSchema, z.null(), z.int().min(0)]),
    ]),
  ),
  waiver: resultFields.waiver,
  attestation: resultFields.attestation,
}) satisfies z.ZodType<StoredResult>;

/** A report document of schema version 3: the flat lists {@link ReportDocument} holds in memory. */
export interface ReportDocumentV3 extends Omit<ReportDocument, "schemaVersion"> {
  readonly schemaVersion: 3;
}

/**
 * Schema version 3 of the report document, still read (and upgraded) by `parseReport`; published as
 * `report-v3.schema.json`.
 */
export const reportSchemaV3 = z.object({
  schemaVersion: z.literal(3),
  ...documentHead,
  facts: z.array(factRecordSchema),
  conditions: z.array(reportConditionSchema),
  results: z.array(storedResultSchema),
  ...documentMiddle,
  rules: z.array(reportRuleSchema),
  ...documentTail,
}) satisfies z.ZodType<ReportDocumentV3>;

/**
 * The message of a result whose conditions all held with nothing more to say: the most common one,
 * left out of the file and restored when it is read.
 */
export const DEFAULT_RESULT_MESSAGE = "all conditions hold";

/** A fact record inside a {@link FactGroup}: the fact and its value, or the earlier record holding it. */
export type GroupedFact = { readonly fact: string; readonly value: JsonValue } | { readonly fact: string; readonly sameAs: number };

/** The fact records of one target and endpoint (null: host facts), as the file stores them. */
export interface FactGroup {
  readonly target: string;
  readonly endpoint: string | null;
  /** The records, numbered across the whole document in file order (what results' indices count). */
  readonly facts: readonly GroupedFact[];
}

/** A result inside a {@link ResultGroup}: a {@link StoredResult} without the group's fields. */
export interface GroupedResult extends Omit<StoredResult, "pack" | "target" | "endpoint" | "message"> {
  /** Absent when it is {@link DEFAULT_RESULT_MESSAGE}. */
  readonly message?: string;
}

/** The results of one target, endpoint (null: host-level) and pack, as the file stores them. */
export interface ResultGroup {
  readonly target: string;
  readonly endpoint: string | null;
  readonly pack: string;
  readonly results: readonly GroupedResult[];
}

/**
 * `hardcheck.json` as stored since schema version 4: a {@link ReportDocument} whose fact records
 * are grouped by target and endpoint and whose results by target, endpoint and pack, so the fields
 * those share are written once per group instead of once per record.
 */
export interface ReportFile extends Omit<ReportDocument, "facts" | "results"> {
  readonly facts: readonly FactGroup[];
  readonly results: readonly ResultGroup[];
}

/** A record of a fact group (a reader that takes a file one record at a time validates with it). */
export const groupedFactSchema = z.union([
  z.object({ fact: z.string(), value: jsonValueSchema }),
  z.object({ fact: z.string(), sameAs: z.int().min(0) }),
]) satisfies z.ZodType<GroupedFact>;

/** A fact group's fields without its records (the line that opens a group). */
export const factGroupHeadSchema = z.object({ target: z.string(), endpoint: z.string().nullable() });

const factGroupSchema = factGroupHeadSchema.extend({ facts: z.array(groupedFactSchema).min(1) }) satisfies z.ZodType<FactGroup>;

/** A result of a result group (a reader that takes a file one record at a time validates with it). */
export const groupedResultSchema = storedResultSchema
  .omit({ pack: true, target: true, endpoint: true, message: true })
  .extend({ message: z.string().optional() }) satisfies z.ZodType<GroupedResult>;

/** A result group's fields without its results (the line that opens a group). */
export const resultGroupHeadSchema = z.object({ target: z.string(), endpoint: z.string().nullable(), pack: z.string() });

const resultGroupSchema = resultGroupHeadSchema.extend({ results: z.array(groupedResultSchema).min(1) }) satisfies z.ZodType<ResultGroup>;

/**
 * `hardcheck.json` as a schema (version 4): `parseReport` validates saved reports with it, and it is
 * published as `report-v4.schema.json`. It produces exactly {@link ReportFile}.
 */
export const reportSchema = z.object({
  schemaVersion: z.literal(4),
  ...documentHead,
  facts: z.array(factGroupSchema),
  conditions: z.array(reportConditionSchema),
  results: z.array(resultGroupSchema),
  ...documentMiddle,
  rules: z.array(reportRuleSchema),
  ...documentTail,
}) satisfies z.ZodType<ReportFile>;

/** A report document of schema version 2 (results carry their evidence and full condition traces). */
export interface ReportDocumentV2 extends Omit<ReportDocument, "schemaVersion" | "facts" | "conditions" | "results"> {
  readonly schemaVersion: 2;
  readonly results: readonly ReportResult[];
}

/** Schema version 2 of the report document, still read (and upgraded) by `parseReport`; published as `report.schema.json`. */
export const reportSchemaV2 = z.object({
  schemaVersion: z.literal(2),
  ...documentHead,
  results: z.array(reportResultSchema),
  ...documentMiddle,
  rules: z.array(reportRuleSchema),
  ...documentTail,
}) satisfies z.ZodType<ReportDocumentV2>;

/** A report document of schema version 1 (results carry their rule's fields; `rules` may be absent). */
export interface ReportDocumentV1 extends Omit<ReportDocumentV2, "schemaVersion" | "results" | "rules"> {
  readonly schemaVersion: 1;
  readonly results: readonly CheckResult[];
  readonly rules?: readonly ReportRule[];
}

/** Schema version 1 of the report document, still read (and upgraded) by `parseReport`. */
export const reportSchemaV1 = z.object({
  schemaVersion: z.literal(1),
  ...documentHead,
  results: z.array(checkResultSchema),
  ...documentMiddle,
  rules: z.array(reportRuleSchema).optional(),
  ...documentTail,
}) satisfies z.ZodType<ReportDocumentV1>;
