/**
 * Phase 6 of a scan: writes the report document — results scrubbed of secrets (their evidence
 * stored once per target, endpoint and fact), the packs and rules the scan evaluated, targets with
 * the time their facts describe, notices.
 */
import type { CompiledRule } from "../engine/evaluate.js";
import type { CheckResult, ReportDocument, ReportNotice, ReportRule } from "../model/report.js";
import type { Pack, Rule } from "../model/rule.js";
import type { SiteInfo } from "../model/site.js";
import type { Target } from "../model/target.js";
import type { JsonValue } from "../model/values.js";
import type { SecretResolver } from "../plugin/services.js";
import { buildReport, toReportTarget } from "../report/report.js";
import { ReportTableBuilder } from "../report/tables.js";
import type { ResolvedScan } from "./resolve.js";

/** Everything the report is written from. */
export interface ReportInput {
  readonly tool: { readonly name: string; readonly version: string };
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly evaluatedAt: Date;
  readonly incomplete: boolean;
  readonly packs: readonly Pack[];
  readonly rules: readonly CompiledRule[];
  /** The scanned targets, with their OS as detected. */
  readonly targets: readonly Target[];
  /** Target id → when its host facts were collected, for offline copies. */
  readonly observedAt: ReadonlyMap<string, string>;
  readonly results: readonly CheckResult[];
  readonly notices: readonly ReportNotice[];
  /** Scrubs the scan's secrets from free text. */
  readonly secrets: SecretResolver;
  readonly shard?: string;
  readonly site?: SiteInfo;
}

/** Builds the report document of a finished scan. */
export function writeReport(input: ReportInput): ReportDocument {
  const { secrets } = input;
  return buildReport({
    tool: input.tool,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    evaluatedAt: input.evaluatedAt.toISOString(),
    incomplete: input.incomplete,
    packs: input.packs.map((pack) => ({ id: pack.id, title: pack.title, version: pack.version, ...(pack.roles ? { roles: pack.roles } : {}) })),
    targets: input.targets.map((target) => {
      const observed = input.observedAt.get(target.id);
      return observed ? { ...toReportTarget(target), observedAt: new Date(observed).toISOString() } : target;
    }),
    results: secrets.hasSecrets ? input.results.map((result) => redactResult(result, secrets)) : input.results,
    notices: secrets.hasSecrets ? input.notices.map((notice) => ({ ...notice, message: secrets.redact(notice.message) })) : input.notices,
    // One entry per rule: a rule with several evidence sources is compiled into one part per source.
    rules: [...new Set(input.rules.map(({ rule }) => rule))].map(reportRuleOf),
    evidenceBySource: evidenceBySourceOf(input.rules),
    ...(input.shard ? { shard: input.shard } : {}),
    ...(input.site ? { site: input.site } : {}),
  });
}

/** The rules (`pack|id`) whose results keep their evidence by source label: those with several evidence sources. */
export function evidenceBySourceOf(rules: readonly CompiledRule[]): Set<string> {
  return new Set(rules.filter(({ source }) => source !== undefined).map(({ rule }) => `${rule.pack}|${rule.id}`));
}

/**
 * A table builder for the results of `scan`, to store what a streamed scan hands over exactly as
 * the report document would (`Hardcheck.stream`).
 */
export function reportTablesFor(scan: Pick<ResolvedScan, "rules">): ReportTableBuilder {
  const bySource = evidenceBySourceOf(scan.rules);
  return new ReportTableBuilder((result) => bySource.has(`${result.pack}|${result.ruleId}`));
}

/** A rule as the report describes it. */
export function reportRuleOf(rule: Rule): ReportRule {
  return {
    id: rule.id,
    pack: rule.pack,
    checklistRef: rule.checklistRef ?? null,
    section: rule.section ?? null,
    title: rule.title,
    severity: rule.severity,
    rationale: rule.rationale,
    remediation: rule.remediation,
    manual: rule.manual,
    ...(rule.prompt ? { prompt: rule.prompt } : {}),
    ...(rule.source ? { source: rule.source } : {}),
    ...(rule.accessRights ? { accessRights: rule.accessRights } : {}),
    ...(rule.references ? { references: rule.references } : {}),
  };
}

/**
 * Scrubs secrets from the free text of a result: its message and the values it quotes (expected and
 * actual values, evidence). Ids, statuses, severities and fact names are never touched, so a secret
 * that happens to equal `fail` cannot change a verdict. Working on values (not serialised JSON)
 * keeps secrets with quotes or backslashes from slipping through.
 */
export function redactResult(result: CheckResult, secrets: SecretResolver): CheckResult {
  return {
    ...result,
    message: secrets.redact(result.message),
    conditions: result.conditions.map((condition) => ({
      ...condition,
      expected: redactData(condition.expected, secrets),
      ...(condition.actual !== undefined ? { actual: redactData(condition.actual, secrets) } : {}),
    })),
    evidence: Object.fromEntries(Object.entries(result.evidence).map(([fact, value]) => [fact, redactData(value, secrets)])),
  };
}

/** Scrubs every string of a fact value, keys of its objects included (they are data too). */
function redactData(value: JsonValue, secrets: SecretResolver): JsonValue {
  if (typeof value === "string") return secrets.redact(value);
  if (Array.isArray(value)) return value.map((item) => redactData(item, secrets));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [secrets.redact(key), redactData(item, secrets)]));
  }
  return value;
}
