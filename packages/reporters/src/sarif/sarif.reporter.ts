/**
 * SARIF 2.1.0 for CI pipelines and GitHub code scanning. Findings are failing (and waived) checks;
 * errors are tool execution notifications, because an unreachable endpoint is not a finding.
 */
import { createHash, randomUUID } from "node:crypto";
import {
  blamedConditions,
  type CheckResult,
  defineReporter,
  describeCondition,
  type ReportDocument,
  type ReporterOptions,
  type ReportRule,
  type ReportTarget,
  resultsWithRules,
  SEVERITIES,
  type Severity,
} from "@hardcheck/core";
import { type BaselineState, baselineStates } from "../diff/diff.js";
import type { FormatStream, ReportFrame } from "../shared/format-stream.js";
import { findingKey } from "../shared/report-view.js";

/** Options of the SARIF reporter. */
export interface SarifReporterOptions extends ReporterOptions {
  /** `suppression` (default) lists waived checks as suppressed results; `omit` leaves them out. */
  readonly waived?: "suppression" | "omit";
  /** GitHub analysis category; `automationDetails.id` becomes `<category>/`. Default `hardcheck`. */
  readonly category?: string;
  /** Results kept per run (GitHub accepts 25,000); the most severe are kept. */
  readonly maxResults?: number;
  /** The scanned config file: the location of results when the report records no config lines. */
  readonly configFile?: string;
  /** An older report: results get `baselineState` new / unchanged / updated. */
  readonly baseline?: ReportDocument;
}

/** GitHub reads `security-severity` as a CVSS-like score: ≥9 critical, ≥7 high, ≥4 medium, >0 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", info: "0.0" };
const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };
/** The limit GitHub code scanning applies to one run. */
export const SARIF_MAX_RESULTS_PER_RUN = 25_000;
const FINGERPRINT = "hardcheckFinding/v1";

/** A SARIF log as this reporter writes it (only the parts it uses are typed). */
export interface SarifLog {
  readonly $schema: string;
  readonly version: "2.1.0";
  readonly runs: readonly Record<string, unknown>[];
}

const ruleKey = (pack: string, id: string) => `${pack}|${id}`;

function encodeUri(path: string): string {
  return path
    .replaceAll("\\", "/")
    .split("/")
    .map((segment) => encodeURIComponent(segment).replaceAll("%40", "@"))
    .join("/");
}

function sarifRule(rule: ReportRule): Record<string, unknown> {
  const reference = rule.checklistRef
    ? `Checklist item ${rule.checklistRef}${rule.section ? ` (${rule.section})` : ""} in pack ${rule.pack}.`
    : `Pack ${rule.pack}.`;
  const remediation = rule.remediation || "See the rule in its pack.";
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale || rule.title },
    help: {
      text: `${remediation}\n\n${reference}`,
      markdown: `**How to fix it.** ${markdownText(remediation)}\n\n**Why it matters.** ${markdownText(rule.rationale || rule.title)}\n\n${markdownText(reference)}`,
    },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: [
        "security",
        "hardening",
        `pack:${rule.pack}`,
        ...(rule.checklistRef ? [`checklist:${rule.checklistRef}`] : []),
        ...(rule.manual ? ["manual"] : []),
      ],
      "security-severity": SECURITY_SEVERITY[rule.severity],
      precision: "high",
      "problem.severity": rule.severity === "critical" || rule.severity === "high" ? "error" : rule.severity === "medium" ? "warning" : "recommendation",
    },
  };
}

function markdownText(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (character) => `\\${character}`);
}

function fingerprint(result: CheckResult): string {
  return createHash("sha256").update(findingKey(result)).digest("hex");
}

/** Where findings point: into the user's repository, at the config line that defines the target or endpoint. */
interface Locator {
  readonly targets: ReadonlyMap<string, ReportTarget>;
  readonly rules: ReadonlyMap<string, ReportRule>;
  readonly configFile: string | undefined;
}

const physical = (file: string, line: number) => ({ artifactLocation: { uri: encodeUri(file) }, region: { startLine: Math.max(1, line) } });

/**
 * A result's location: the config file's line that defines its endpoint (or target), so an alert
 * opens in the user's repository. The rule's file is a related location. Reports without config
 * lines fall back to the scanned config file, then to the rule's file.
 */
function location(result: Pick<CheckResult, "target" | "endpoint" | "source" | "pack" | "ruleId">, locator: Locator) {
  const target = locator.targets.get(result.target);
  const ruleSource = result.source ?? locator.rules.get(ruleKey(result.pack, result.ruleId))?.source;
  const configLine = target?.source ? ((result.endpoint ? target.endpointLines?.[result.endpoint] : undefined) ?? target.source.line) : undefined;
  const primary =
    target?.source && configLine !== undefined
      ? physical(target.source.file, configLine)
      : locator.configFile
        ? physical(locator.configFile, 1)
        : physical(ruleSource?.file ?? "hardcheck.yaml", ruleSource?.line ?? 1);
  return {
    location: {
      physicalLocation: primary,
      logicalLocations: [
        {
          name: result.endpoint ?? result.target,
          fullyQualifiedName: result.endpoint ? `${result.target}/${result.endpoint}` : result.target,
          kind: "resource",
        },
      ],
    },
    related: ruleSource
      ? [{ id: 1, physicalLocation: physical(ruleSource.file, ruleSource.line), message: { text: `rule ${result.ruleId} in pack ${result.pack}` } }]
      : [],
  };
}

function resultMessage(result: CheckResult): string {
  const subject = `${result.title} — ${result.target}${result.endpoint ? ` ${result.endpoint}` : ""}`;
  const conditions = blamedConditions(result.conditions).map((condition) => describeCondition(condition, 120));
  return [subject, ...(conditions.length > 0 ? conditions : [result.message])].join("\n");
}

/**
 * What the log keeps of a result it lists: the fields its entry is made of, with the message worded
 * as soon as the result is seen, so neither evidence nor condition traces are held to the end.
 */
interface Listed {
  readonly ruleId: string;
  readonly pack: string;
  readonly target: string;
  readonly endpoint: string | null;
  readonly severity: Severity;
  readonly status: CheckResult["status"];
  readonly message: string;
  readonly text: string;
  readonly fingerprint: string;
  readonly state: BaselineState | undefined;
  readonly source: CheckResult["source"];
  readonly checklistRef: CheckResult["checklistRef"];
  readonly waiver: CheckResult["waiver"];
}

/**
 * Collects the results a SARIF log lists (findings and errors) as they come, and makes the log at
 * the end. It holds at most `maxResults` findings, those the log will list (the most severe, the
 * earlier first within a severity), and at most `maxResults` checks that could not run; the rest
 * are only counted.
 */
class SarifCollector {
  /**
   * The findings the log will list, by severity (most severe first), each class in the order seen:
   * never more than the log can hold, so a scan with millions of findings keeps only those.
   */
  readonly #kept: { readonly order: number; readonly listed: Listed }[][] = SEVERITIES.map(() => []);
  #keptCount = 0;
  readonly #errors: Listed[] = [];
  #findingCount = 0;
  #errorCount = 0;
  readonly #maxResults: number;

  constructor(
    private readonly options: SarifReporterOptions,
    private readonly states: ReadonlyMap<string, BaselineState> | undefined,
  ) {
    this.#maxResults = Math.max(1, Math.min(options.maxResults ?? SARIF_MAX_RESULTS_PER_RUN, SARIF_MAX_RESULTS_PER_RUN));
  }

  add(results: readonly CheckResult[]): void {
    for (const result of results) {
      const finding = result.status === "fail" || (result.status === "waived" && this.options.waived !== "omit");
      if (finding) this.#keep(result, this.#findingCount++);
      else if (result.status === "error" && this.#errorCount++ < this.#maxResults) this.#errors.push(this.#listed(result));
    }
  }

  /** Keeps a finding if it is among the most severe seen so far, the earlier first within a severity. */
  #keep(result: CheckResult, order: number): void {
    const rank = SEVERITIES.indexOf(result.severity);
    if (this.#keptCount >= this.#maxResults) {
      // Full: the new finding takes the place of the latest of the least severe, if it is more severe.
      const least = this.#kept.findLastIndex((kept) => kept.length > 0);
      if (least <= rank) return;
      this.#kept[least]?.pop();
      this.#keptCount--;
    }
    this.#kept[rank]?.push({ order, listed: this.#listed(result) });
    this.#keptCount++;
  }

  #listed(result: CheckResult): Listed {
    return {
      ruleId: result.ruleId,
      pack: result.pack,
      target: result.target,
      endpoint: result.endpoint,
      severity: result.severity,
      status: result.status,
      message: result.message,
      text: resultMessage(result),
      fingerprint: fingerprint(result),
      state: this.states?.get(findingKey(result)),
      source: result.source,
      checklistRef: result.checklistRef,
      waiver: result.waiver,
    };
  }

  log(report: ReportFrame): SarifLog {
    const { log, results } = this.parts(report);
    const [run] = log.runs;
    return { ...log, runs: [{ ...run, results: [...results] }] };
  }

  /**
   * The log with an empty result list, and its results made one at a time: a log of 25,000 results
   * is written without holding them all as objects, or as one string.
   */
  parts(report: ReportFrame): { readonly log: SarifLog; readonly results: Iterable<Record<string, unknown>> } {
    const { options, states } = this;
    const maxResults = this.#maxResults;
    const rules = report.rules;
    const ruleIndex = new Map(rules.map((rule, index) => [ruleKey(rule.pack, rule.id), index]));
    const locator: Locator = {
      targets: new Map(report.targets.map((target) => [target.id, target])),
      rules: new Map(rules.map((rule) => [ruleKey(rule.pack, rule.id), rule])),
      configFile: options.configFile,
    };
    const kept = this.#kept
      .flat()
      .sort((a, b) => a.order - b.order)
      .map(({ listed }) => listed);
    const notifications: Record<string, unknown>[] = this.#errors.map((result) => ({
      level: "error",
      message: { text: `${result.ruleId} on ${result.target}${result.endpoint ? ` ${result.endpoint}` : ""}: ${result.message}` },
      descriptor: { id: result.ruleId },
      associatedRule: {
        id: result.ruleId,
        ...(ruleIndex.has(ruleKey(result.pack, result.ruleId)) ? { index: ruleIndex.get(ruleKey(result.pack, result.ruleId)) } : {}),
      },
      locations: [location(result, locator).location],
    }));
    if (kept.length < this.#findingCount) {
      notifications.push({
        level: "warning",
        message: {
          text: `${this.#findingCount - kept.length} of ${this.#findingCount} findings left out to stay within ${maxResults} results per run (least severe first)`,
        },
        descriptor: { id: "HC_SARIF_TRUNCATED" },
      });
    }
    if (this.#errors.length < this.#errorCount) {
      notifications.push({
        level: "warning",
        message: {
          text: `${this.#errorCount - this.#errors.length} of ${this.#errorCount} checks that could not run left out to stay within ${maxResults} notifications (hardcheck.json lists them all)`,
        },
        descriptor: { id: "HC_SARIF_TRUNCATED" },
      });
    }
    for (const notice of report.notices) {
      notifications.push({ level: notice.level === "warning" ? "warning" : "note", message: { text: notice.message }, descriptor: { id: notice.code } });
    }
    const entry = (result: Listed) => {
      const index = ruleIndex.get(ruleKey(result.pack, result.ruleId));
      const where = location(result, locator);
      return {
        ruleId: result.ruleId,
        ...(index !== undefined ? { ruleIndex: index } : {}),
        kind: "fail",
        level: LEVEL[result.severity],
        message: { text: result.text },
        locations: [where.location],
        ...(where.related.length > 0 ? { relatedLocations: where.related } : {}),
        partialFingerprints: { [FINGERPRINT]: result.fingerprint },
        ...(states ? { baselineState: result.state ?? "new" } : {}),
        ...(result.waiver
          ? {
              suppressions: [
                {
                  kind: "external",
                  status: "accepted",
                  justification: `${result.waiver.reason} (approved by ${result.waiver.approvedBy}${result.waiver.expires ? `, until ${result.waiver.expires}` : ""})`,
                },
              ],
            }
          : {}),
        properties: {
          target: result.target,
          ...(result.endpoint ? { endpoint: result.endpoint } : {}),
          pack: result.pack,
          ...(result.checklistRef ? { checklistRef: result.checklistRef } : {}),
          status: result.status,
        },
      };
    };
    function* results(): Generator<Record<string, unknown>> {
      for (const result of kept) yield entry(result);
    }
    const log: SarifLog = {
      $schema: "https://json.schemastore.org/sarif-2.1.0.json",
      version: "2.1.0",
      runs: [
        {
          tool: {
            driver: {
              name: report.tool.name,
              version: report.tool.version,
              semanticVersion: /^\d+\.\d+\.\d+/.test(report.tool.version) ? report.tool.version : undefined,
              rules: rules.map(sarifRule),
            },
          },
          automationDetails: { id: `${options.category ?? "hardcheck"}${report.shard ? `-shard-${report.shard.replace("/", "-of-")}` : ""}/` },
          invocations: [
            {
              executionSuccessful: !report.incomplete,
              startTimeUtc: report.startedAt,
              endTimeUtc: report.finishedAt,
              toolExecutionNotifications: notifications,
            },
          ],
          columnKind: "unicodeCodePoints",
          results: [],
          properties: { summary: report.summary, packs: report.packs },
        },
      ],
    };
    return { log, results: results() };
  }
}

/** Renders the report as a SARIF 2.1.0 log object. */
export function buildSarif(report: ReportDocument, options: SarifReporterOptions = {}): SarifLog {
  const collector = new SarifCollector(options, baselineStates(report, options));
  collector.add(resultsWithRules(report));
  return collector.log(report);
}

const sarifText = (log: SarifLog) => `${JSON.stringify(log, null, 2)}\n`;

/**
 * The text of a log with an empty result list and its results given one at a time, in parts: byte
 * for byte {@link sarifText} of the log holding them, never more than one result's text at once.
 */
function* sarifTextParts(log: SarifLog, results: Iterable<Record<string, unknown>>): Generator<string> {
  // Where the results go: a marker no text of the log can contain, in place of the list.
  const marker = `hardcheck-results-${randomUUID()}`;
  const [run] = log.runs;
  const text = sarifText({ ...log, runs: [{ ...run, results: marker }] });
  const at = text.indexOf(JSON.stringify(marker));
  const lineStart = text.lastIndexOf("\n", at) + 1;
  const indent = " ".repeat(text.slice(lineStart).search(/\S/));
  const inner = `${indent}  `;
  let first = true;
  for (const result of results) {
    yield `${first ? `${text.slice(0, at)}[\n` : ",\n"}${inner}${JSON.stringify(result, null, 2).replaceAll("\n", `\n${inner}`)}`;
    first = false;
  }
  yield first ? `${text.slice(0, at)}[]` : `\n${indent}]`;
  yield text.slice(at + JSON.stringify(marker).length);
}

/**
 * The SARIF log target by target: findings and errors are kept (without their evidence) as targets
 * come, and the log is written at the end, since its results sit inside one run, a result at a time
 * ({@link sarifTextParts}). Marking baseline states needs the whole report, `whole`.
 */
export function sarifStream(options: SarifReporterOptions = {}, whole?: ReportDocument): FormatStream {
  const collector = new SarifCollector(options, whole ? baselineStates(whole, options) : undefined);
  return {
    start() {},
    target(_target, results) {
      collector.add(results);
      return "";
    },
    end(report) {
      const { log, results } = collector.parts(report);
      return { head: sarifTextParts(log, results), tail: "" };
    },
  };
}

/** The SARIF reporter (`--format sarif`). */
export const sarifReporter = defineReporter({
  id: "sarif",
  description: "SARIF 2.1.0 for GitHub code scanning and other CI pipelines (hardcheck.sarif)",
  fileName: "hardcheck.sarif",
  render: (report: ReportDocument, options: ReporterOptions) => sarifText(buildSarif(report, options as SarifReporterOptions)),
});
