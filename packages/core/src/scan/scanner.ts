/** Plans checks, collects facts, evaluates rules, and builds the report document. */
import { inject, injectable } from "tsyringe";
import { describeAlternatives, describeFailures, describeHolding } from "../engine/describe.js";
import { type CompiledRule, Evaluator, substituteParams } from "../engine/evaluate.js";
import { combineSourceOutcomes, type SourceState, sourceNotApplicableTo } from "../engine/sources.js";
import { describeError } from "../errors.js";
import { parseIsoInstant } from "../model/instant.js";
import type {
  Attestation,
  CheckResult,
  ConditionTrace,
  Endpoint,
  HostSpec,
  JsonObject,
  JsonValue,
  ReportDocument,
  ReportNotice,
  Status,
  Target,
  Waiver,
  WaiverRecord,
} from "../model/types.js";
import { type Probe } from "../plugin/probe.js";
import { PluginRegistry } from "../plugin/registry.js";
import { type Clock, createScanCache, fixedClock, type Logger, MIN_SECRET_LENGTH, SecretResolver, silentLogger, systemClock } from "../plugin/services.js";
import { buildReport, toReportTarget } from "../report/report.js";
import { ruleLevel } from "./applicability.js";
import { FactCollector, stableStringify } from "./collector.js";
import { detectOperatingSystems } from "./os-detection.js";
import type { ScanSetup } from "./setup.js";

/** Progress of a running scan. */
export interface ScanProgress {
  readonly done: number;
  readonly total: number;
}

/** Options of one scan run. */
export interface ScanOptions {
  /** Abort to cancel: unfinished checks become `error` and the report is marked incomplete. */
  readonly signal?: AbortSignal;
  /**
   * The clock the scan reads: its start and end times, and "now" for every verdict unless `asOf`
   * is given. Defaults to the system clock; tests pass a fixed one.
   */
  readonly clock?: Clock;
  /**
   * Judge as of this instant instead of the clock's "now" (ISO-8601 or a Date): re-judging saved
   * evidence reproducibly, or asking what will have expired by then. Recorded as `evaluatedAt`.
   * Offline evidence is still judged as of its own collection time.
   */
  readonly asOf?: Date | string;
  readonly logger?: Logger;
  /** Called whenever a check finishes. */
  readonly onProgress?: (progress: ScanProgress) => void;
  /** Name and version written into the report. */
  readonly tool?: { readonly name: string; readonly version: string };
  /** `I/N` label recorded in the report when the targets are one shard. */
  readonly shard?: string;
}

interface PlannedCheck {
  readonly compiled: CompiledRule;
  readonly target: Target;
  readonly endpoint: Endpoint | null;
  /** Probe runs the check needs: fact name → run key. */
  readonly sources: ReadonlyArray<{
    readonly probe: Probe;
    readonly subject: Endpoint | HostSpec;
    readonly params: JsonObject;
    readonly facts: readonly string[];
  }>;
}

type PartialResult = Omit<CheckResult, "waiver" | "attestation">;

/**
 * Runs scans: plan, collect, evaluate, apply attestations and waivers, build the report. Its one
 * dependency is injected by explicit token, so it resolves even where a bundler drops metadata.
 */
@injectable()
export class Scanner {
  constructor(@inject(PluginRegistry) private readonly registry: PluginRegistry) {}

  /** Runs every check of `setup` and returns the report document. Never throws for probe failures. */
  async run(setup: ScanSetup, options: ScanOptions = {}): Promise<ReportDocument> {
    const wallClock = options.clock ?? systemClock;
    const startedAt = wallClock.now();
    // One clock for every verdict of the scan: the scan's own, or the instant it was asked to judge at.
    const clock = options.asOf !== undefined ? fixedClock(options.asOf) : wallClock;
    const evaluatedAt = clock.now();
    const controller = new AbortController();
    const notices: ReportNotice[] = [...setup.notices];
    const cancel = (reason: string) => {
      if (!controller.signal.aborted) controller.abort(new Error(reason));
    };
    const onAbort = () => cancel("scan cancelled");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) cancel("scan cancelled");
    const scanTimer =
      setup.limits.scanTimeoutMs > 0
        ? setTimeout(() => cancel(`scan timed out after ${setup.limits.scanTimeoutMs} ms`), setup.limits.scanTimeoutMs)
        : undefined;

    const secrets = new SecretResolver(setup.baseDir);
    const collector = new FactCollector(
      { logger: options.logger ?? silentLogger, clock, scanClock: clock, trust: setup.trust, secrets, limits: setup.limits, scanCache: createScanCache() },
      setup.limits,
      controller.signal,
      this.registry.transports,
    );
    const evaluator = new Evaluator(clock);
    const detection = await detectOperatingSystems(
      setup.targets,
      setup.rules,
      this.registry.transports,
      collector,
      setup.limits.probeTimeoutMs,
      (compiled) => ruleLevel(compiled, this.registry) === "host",
      setup.limits.concurrency,
    );
    notices.push(...detection.notices);
    const { checks, fixed } = this.#plan({ ...setup, targets: detection.targets }, detection.unknown);
    const total = checks.length + fixed.length;
    let done = fixed.length;
    options.onProgress?.({ done, total });

    // Group checks by subject and by the exact probe runs they read, so one engine run serves many rules.
    const groups = new Map<string, PlannedCheck[]>();
    for (const check of checks) {
      const key = `${check.target.id}|${check.endpoint?.url ?? ""}|${check.sources
        .map((s) => FactCollector.keyOf(s.probe, s.subject, s.params, check.target))
        .sort()
        .join("|")}`;
      const group = groups.get(key) ?? [];
      group.push(check);
      groups.set(key, group);
    }
    const results: PartialResult[] = [...fixed];
    /** Targets whose host facts describe another time than the scan's: target id → that time. */
    const observedAt = new Map<string, string>();
    try {
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const first = group[0] as PlannedCheck;
          const runs = await Promise.all(first.sources.map((source) => collector.run(source.probe, source.subject, first.target, source.params)));
          const facts: Record<string, JsonValue> = {};
          let blocked: { status: Status; message: string; verifiedAbsent?: boolean } | undefined;
          let observed: string | undefined;
          for (const run of runs) {
            if (run.status === "ok") {
              Object.assign(facts, run.facts);
              if (run.observedAt) {
                observed = run.observedAt;
                observedAt.set(first.target.id, run.observedAt);
              }
            } else if (run.status === "error") blocked = { status: "error", message: run.reason };
            // A probe that merely could not look outweighs one that verified its subject absent.
            else if (blocked === undefined || (blocked.verifiedAbsent && !run.verifiedAbsent))
              blocked = { status: "not-applicable", message: run.reason, verifiedAbsent: run.verifiedAbsent === true };
          }
          const runnable: PlannedCheck[] = [];
          for (const check of group) {
            const missing = check.compiled.facts.find((fact) => !(fact in facts));
            if (blocked?.status === "not-applicable") results.push(blocked.verifiedAbsent ? absent(check, blocked.message) : undecided(check, blocked.message));
            else if (blocked) results.push(resultOf(check, blocked.status, blocked.message, [], {}));
            else if (missing) {
              const probe = check.sources.find((source) => source.facts.includes(missing))?.probe.meta.id ?? "?";
              results.push(resultOf(check, "error", `probe ${probe} did not produce fact "${missing}"`, [], {}));
            } else runnable.push(check);
          }
          let verdicts: Awaited<ReturnType<Evaluator["evaluate"]>>;
          try {
            verdicts = await evaluator.evaluate(
              runnable.map((check) => check.compiled),
              facts,
              // Date conditions on an offline copy's facts mean "as of its collection".
              observed ? fixedClock(observed) : clock,
            );
          } catch (error) {
            // An operator that throws on odd fact values must cost these checks, not the scan.
            for (const check of runnable) results.push(resultOf(check, "error", `rule evaluation failed: ${describeError(error)}`, [], {}));
            verdicts = new Map();
            runnable.length = 0;
          }
          for (const check of runnable) {
            const verdict = verdicts.get(check.compiled.key);
            const evidence: Record<string, JsonValue> = {};
            for (const fact of check.compiled.facts) evidence[fact] = facts[fact] as JsonValue;
            if (!verdict) {
              results.push(resultOf(check, "error", "the rule engine returned no verdict", [], evidence));
              continue;
            }
            const unverified = verdict.notVerified ? check.compiled.rule.notVerifiedWhen?.[verdict.notVerified.index] : undefined;
            if (verdict.notVerified && unverified) {
              const found = describeHolding(verdict.notVerified.conditions);
              results.push(resultOf(check, unverified.status, `${unverified.reason}${found ? ` (${found})` : ""}`, verdict.notVerified.conditions, evidence));
              continue;
            }
            const through = verdict.passed ? describeAlternatives(verdict.conditions) : "";
            const message = verdict.passed
              ? `all conditions hold${through ? ` (through: ${through})` : ""}`
              : describeFailures(verdict.conditions) || "the rule's conditions do not hold";
            results.push(resultOf(check, verdict.passed ? "pass" : "fail", message, verdict.conditions, evidence));
          }
          done += group.length;
          options.onProgress?.({ done, total });
        }),
      );
    } finally {
      await collector.closeTransports();
    }
    clearTimeout(scanTimer);
    options.signal?.removeEventListener("abort", onAbort);

    for (const fault of collector.lateFaults) notices.push({ level: "warning", code: "HC_PROBE_LATE_FAULT", message: fault });
    const incomplete = controller.signal.aborted;
    if (incomplete) {
      const reason = controller.signal.reason instanceof Error ? controller.signal.reason.message : "scan cancelled";
      notices.push({ level: "warning", code: "HC_SCAN_INCOMPLETE", message: `${reason}: unfinished checks are reported as error` });
    }
    const finished = this.#applyWaiversAndAttestations(combineSources(results), setup, clock, notices);
    for (const ref of secrets.shortSecretRefs)
      notices.push({
        level: "warning",
        code: "HC_SECRET_SHORT",
        message: `the secret ${ref} is shorter than ${MIN_SECRET_LENGTH} characters: it is scrubbed from reports only where it stands as a whole word — use a longer secret`,
      });
    const redacted = secrets.hasSecrets ? finished.map((result) => redactFreeText(result, secrets)) : finished;
    return buildReport({
      tool: options.tool ?? { name: "hardcheck", version: CORE_VERSION },
      startedAt: startedAt.toISOString(),
      finishedAt: wallClock.now().toISOString(),
      evaluatedAt: evaluatedAt.toISOString(),
      incomplete,
      packs: setup.packs.map((pack) => ({ id: pack.id, title: pack.title, version: pack.version, ...(pack.roles ? { roles: pack.roles } : {}) })),
      targets: detection.targets.map((target) => {
        const observed = observedAt.get(target.id);
        return observed ? { ...toReportTarget(target), observedAt: new Date(observed).toISOString() } : target;
      }),
      results: redacted,
      notices: secrets.hasSecrets ? notices.map((notice) => ({ ...notice, message: secrets.redact(notice.message) })) : notices,
      // One entry per rule: a rule with several evidence sources is compiled into one part per source.
      rules: [...new Set(setup.rules.map(({ rule }) => rule))].map((rule) => ({
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
      })),
      ...(options.shard ? { shard: options.shard } : {}),
      ...(setup.site ? { site: setup.site } : {}),
    });
  }

  /** Expands rules × targets × endpoints into checks; results known without probing are `fixed`. */
  #plan(setup: ScanSetup, osUnknown: ReadonlyMap<string, string>): { checks: PlannedCheck[]; fixed: PartialResult[] } {
    const checks: PlannedCheck[] = [];
    const fixed: PartialResult[] = [];
    for (const target of setup.targets) {
      for (const compiled of setup.rules) {
        const { rule } = compiled;
        const blank: PlannedCheck = { compiled, target, endpoint: null, sources: [] };
        const scope = rule.scope;
        if (scope.targetTags && !scope.targetTags.some((tag) => target.tags.includes(tag))) {
          fixed.push(absent(blank, `target has none of the tags ${scope.targetTags.join(", ")}`));
          continue;
        }
        const osUnknownReason = target.os ? undefined : osUnknown.get(target.id);
        if (scope.os && osUnknownReason) {
          // Not knowing the OS is not knowing whether the rule applies: never a quiet "n/a".
          fixed.push(resultOf(blank, "error", `rule applies to ${scope.os.join("/")} targets, but ${osUnknownReason}`, [], {}));
          continue;
        }
        if (scope.os && !(target.os && scope.os.includes(target.os))) {
          fixed.push(absent(blank, `rule applies to ${scope.os.join("/")} targets; target os is ${target.os ?? "not set"}`));
          continue;
        }
        const elsewhere = compiled.source ? sourceNotApplicableTo(compiled.source, target.os) : undefined;
        if (elsewhere) {
          fixed.push(absent(blank, elsewhere));
          continue;
        }
        const scopedEndpoints = target.endpoints.filter(
          (endpoint) => (!scope.schemes || scope.schemes.includes(endpoint.scheme)) && (!scope.tags || scope.tags.some((tag) => endpoint.tags.includes(tag))),
        );
        if (compiled.unprovidedFacts) {
          const facts = compiled.unprovidedFacts.map((fact) => `"${fact}"`).join(", ");
          const reason = `no probe provides fact ${facts} — install the plugin that provides it`;
          // One source of several that cannot be checked here is not available; a lone rule is an error.
          fixed.push(compiled.source ? undecided(blank, reason) : resultOf(blank, "error", reason, [], {}));
          continue;
        }
        if (rule.manual) {
          if ((scope.schemes || scope.tags) && scopedEndpoints.length === 0) {
            fixed.push(resultOf(blank, "not-applicable", "no endpoint of this target is in the rule's scope", [], {}));
          } else {
            fixed.push(resultOf(blank, "manual", rule.prompt ?? "needs a signed attestation", [], {}));
          }
          continue;
        }
        const level = compiled.facts.some((fact) => this.registry.providersOf(fact).some((p) => p.level === "host")) ? "host" : "endpoint";
        if (level === "host") {
          const host = target.host;
          const sources = host ? this.#sources(compiled, (fact) => this.registry.hostProviderOf(fact, host.kind, target.os), host) : undefined;
          if (!host) fixed.push(undecided(blank, "target has no host transport"));
          else if (!sources) fixed.push(undecided(blank, `no probe reads these facts over ${host.kind}:`));
          else checks.push({ compiled, target, endpoint: null, sources });
          continue;
        }
        let planned = 0;
        for (const endpoint of scopedEndpoints) {
          const sources = this.#sources(compiled, (fact) => this.registry.endpointProviderOf(fact, endpoint.scheme), endpoint);
          if (!sources) continue;
          checks.push({ compiled, target, endpoint, sources });
          planned++;
        }
        if (planned === 0 && compiled.source) {
          // A network source of a rule that applies here stays open: no endpoint of that kind was named.
          fixed.push(undecided(blank, `no endpoint of this target can be assessed by this source${scope.tags ? ` (tagged ${scope.tags.join("/")})` : ""}`));
        } else if (planned === 0) {
          const schemes = new Set<string>();
          for (const fact of compiled.facts)
            for (const provider of this.registry.providersOf(fact))
              if ("schemes" in provider.probe.meta) for (const s of provider.probe.meta.schemes) schemes.add(s);
          const allowed = scope.schemes ? [...schemes].filter((s) => scope.schemes?.includes(s)) : [...schemes];
          fixed.push(
            resultOf(
              blank,
              "not-applicable",
              `no endpoint of this target can be assessed by this rule (needs ${allowed.sort().join(", ") || "no scheme"}${scope.tags ? ` tagged ${scope.tags.join("/")}` : ""})`,
              [],
              {},
            ),
          );
        }
      }
    }
    return { checks, fixed };
  }

  #sources(compiled: CompiledRule, providerOf: (fact: string) => Probe | undefined, subject: Endpoint | HostSpec): PlannedCheck["sources"] | undefined {
    const byProbe = new Map<Probe, string[]>();
    for (const fact of compiled.facts) {
      const probe = providerOf(fact);
      if (!probe) return undefined;
      byProbe.set(probe, [...(byProbe.get(probe) ?? []), fact]);
    }
    return [...byProbe.entries()]
      .map(([probe, facts]) => ({
        probe,
        subject,
        params: substituteParams(compiled.rule.probeParams[probe.meta.id] ?? {}, compiled.parameters) as JsonObject,
        facts,
      }))
      .sort((a, b) => a.probe.meta.id.localeCompare(b.probe.meta.id) || stableStringify(a.params).localeCompare(stableStringify(b.params)));
  }

  #applyWaiversAndAttestations(results: PartialResult[], setup: ScanSetup, clock: Clock, notices: ReportNotice[]): CheckResult[] {
    const now = clock.now().getTime();
    const isExpired = (waiver: Waiver) => waiver.expires !== undefined && expiryTime(waiver.expires) < now;
    const expiredSeen = new Set<number>();
    const used = new Set<number>();
    const out = results.map((result): CheckResult => {
      let current: CheckResult = result;
      if (result.status === "manual") {
        const attestation = findAttestation(setup.attestations, result);
        if (attestation) {
          const status: Status = attestation.verdict;
          current = {
            ...current,
            status,
            message: `attested ${attestation.verdict} by ${attestation.by} at ${attestation.at}${attestation.note ? `: ${attestation.note}` : ""}`,
            attestation,
          };
        }
      }
      const matching = setup.waivers.flatMap((waiver, i) =>
        waiver.rule === result.ruleId && (waiver.target === "*" || waiver.target === result.target) ? [i] : [],
      );
      // A renewed waiver is often added next to the expired one: an active waiver wins over an expired one.
      const index = matching.find((i) => !isExpired(setup.waivers[i] as Waiver)) ?? matching[0] ?? -1;
      const waiver = setup.waivers[index];
      if (waiver && (current.status === "fail" || current.status === "manual")) {
        const expired = isExpired(waiver);
        const record: WaiverRecord = { ...waiver, expired, originalStatus: current.status };
        if (expired) {
          expiredSeen.add(index);
          current = { ...current, waiver: record, message: `${current.message} (waiver expired ${waiver.expires}; not applied)` };
        } else {
          used.add(index);
          current = { ...current, status: "waived", waiver: record, message: `waived by ${waiver.approvedBy}: ${waiver.reason}` };
        }
      }
      return current;
    });
    for (const index of expiredSeen) {
      const waiver = setup.waivers[index];
      if (waiver)
        notices.push({
          level: "warning",
          code: "HC_WAIVER_EXPIRED",
          message: `waiver for ${waiver.rule} on ${waiver.target} expired ${waiver.expires} and was not applied`,
        });
    }
    return out;
  }
}

/**
 * Scrubs secrets from the free text of a result: its message and the values it quotes (expected and
 * actual values, evidence). Ids, statuses, severities and fact names are never touched, so a secret
 * that happens to equal `fail` cannot change a verdict. Working on values (not serialised JSON)
 * keeps secrets with quotes or backslashes from slipping through.
 */
function redactFreeText<T extends PartialResult>(result: T, secrets: SecretResolver): T {
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

/** A date-only expiry lasts through that whole day (UTC). */
function expiryTime(expires: string): number {
  const time = parseIsoInstant(expires) ?? Number.NaN;
  return /^\d{4}-\d{2}-\d{2}$/.test(expires.trim()) ? time + 86_400_000 - 1 : time;
}

function findAttestation(attestations: readonly Attestation[], result: PartialResult): Attestation | undefined {
  // The newest attestation wins when a person re-attests.
  return attestations
    .filter((attestation) => attestation.rule === result.ruleId && attestation.target === result.target)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
}

/**
 * A check whose evidence is not available here: `not-applicable`, unless the rule carries an
 * attestation prompt — then a person decides it (`manual`), as for settings no file was given for.
 * For one source of several it is an unchecked source, which keeps the item from passing.
 */
function undecided(check: PlannedCheck, reason: string): PartialResult {
  if (check.compiled.source) return sourcePart(check, "unchecked", reason);
  const prompt = check.compiled.rule.prompt;
  if (!prompt) return resultOf(check, "not-applicable", reason, [], {});
  return resultOf(check, "manual", `${prompt} (not checked automatically: ${reason})`, [], {});
}

/** A check out of the picture: the rule does not apply to the target, or its subject was verified absent. */
function absent(check: PlannedCheck, reason: string): PartialResult {
  return check.compiled.source ? sourcePart(check, "absent", reason) : resultOf(check, "not-applicable", reason, [], {});
}

function sourcePart(check: PlannedCheck, state: "unchecked" | "absent", reason: string): PartialResult {
  const result = resultOf(check, "not-applicable", reason, [], {});
  STATE_OF.set(result, state);
  return result;
}

/** Which source of a multi-source rule a partial result belongs to. */
const SOURCE_OF = new WeakMap<PartialResult, string>();
/** The attestation prompt of the rule a per-source result belongs to. */
const PROMPT_OF = new WeakMap<PartialResult, string>();
/** For a source part that was not evaluated: whether it applies but went unchecked, or dropped out. */
const STATE_OF = new WeakMap<PartialResult, "unchecked" | "absent">();

/**
 * Folds the per-source results of multi-source rules into one result per rule and target with
 * {@link combineSourceOutcomes}, keeping every source's conditions and evidence, labelled by source.
 */
function combineSources(results: readonly PartialResult[]): PartialResult[] {
  const out: PartialResult[] = [];
  const groups = new Map<string, PartialResult[]>();
  for (const result of results) {
    if (!SOURCE_OF.has(result)) {
      out.push(result);
      continue;
    }
    const key = `${result.ruleId}\u0000${result.target}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  for (const parts of groups.values()) {
    const sorted = [...parts].sort((a, b) => label(a).localeCompare(label(b)));
    const stateOf = (part: PartialResult): SourceState =>
      part.status === "pass" || part.status === "fail" || part.status === "error" ? part.status : (STATE_OF.get(part) ?? "unchecked");
    const verdict = combineSourceOutcomes(
      sorted.map((part) => ({ label: label(part), state: stateOf(part), message: part.message })),
      PROMPT_OF.get(sorted[0] as PartialResult),
    );
    out.push({
      ...(sorted[0] as PartialResult),
      endpoint: null,
      status: verdict.status,
      message: verdict.message,
      conditions: sorted.flatMap((part) => part.conditions.map((condition) => ({ ...condition, where: `${label(part)}: ${condition.where}` }))),
      evidence: Object.fromEntries(sorted.filter((part) => Object.keys(part.evidence).length > 0).map((part) => [label(part), part.evidence as JsonValue])),
    });
  }
  return out;
}

function label(part: PartialResult): string {
  return `${SOURCE_OF.get(part) ?? ""}${part.endpoint ? ` ${part.endpoint}` : ""}`;
}

function resultOf(
  check: PlannedCheck,
  status: Status,
  message: string,
  conditions: readonly ConditionTrace[],
  evidence: Record<string, JsonValue>,
): PartialResult {
  const { rule } = check.compiled;
  const result: PartialResult = {
    ruleId: rule.id,
    pack: rule.pack,
    checklistRef: rule.checklistRef ?? null,
    section: rule.section ?? null,
    title: rule.title,
    severity: rule.severity,
    target: check.target.id,
    endpoint: check.endpoint?.url ?? null,
    status,
    message,
    conditions,
    evidence,
    ...(rule.source ? { source: rule.source } : {}),
  };
  if (check.compiled.source) {
    SOURCE_OF.set(result, check.compiled.source);
    if (rule.prompt) PROMPT_OF.set(result, rule.prompt);
  }
  return result;
}

/** The version of `@hardcheck/core`, injected at build time. */
declare const __HARDCHECK_PACKAGE__: { name: string; version: string } | undefined;
const CORE_VERSION = typeof __HARDCHECK_PACKAGE__ === "object" ? __HARDCHECK_PACKAGE__.version : "0.0.0-dev";
