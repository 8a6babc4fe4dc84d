/**
 * Runs a resolved scan through its phases: detect the targets' OS, plan, check (collect and
 * evaluate), decide (combine sources, apply attestations and waivers), write the report.
 */

import { inject, injectable } from "tsyringe";
import { Evaluator } from "../engine/evaluate.js";
import type { CheckResult, ReportDocument, ReportNotice, Status, Summary } from "../model/report.js";
import { PluginRegistry } from "../plugin/registry.js";
import { type Clock, createScanCache, fixedClock, type Logger, MIN_SECRET_LENGTH, SecretResolver, silentLogger, systemClock } from "../plugin/services.js";
import { buildReport, compareTargetIds } from "../report/report.js";
import { CORE_VERSION } from "../version.js";
import { ruleLevel } from "./applicability.js";
import { checkGroup, groupChecks } from "./check.js";
import { FactCollector } from "./collector.js";
import { combineSources, SignoffApplier } from "./decide.js";
import { detectOperatingSystems } from "./detect-os.js";
import type { CheckOutcome } from "./outcome.js";
import { type PlannedCheck, planTarget } from "./plan.js";
import type { ResolvedScan } from "./resolve.js";
import { evidenceBySourceOf, redactResult, writeReport } from "./write.js";

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
  /**
   * `I/N` label recorded in the report when the targets are one shard.
   * @deprecated Select the shard with the selection's `shard` instead; the resolved scan then carries the label.
   */
  readonly shard?: string;
}

/**
 * Receives a streamed scan's results target by target: each target's final results (sources
 * combined, sign-offs applied, secrets scrubbed) as soon as every check on it is decided, in the
 * order of target ids, so that a scan keeps only the targets in flight.
 */
export interface ResultSink {
  /** Called once before the first target is handed over, with what the report will say of the scan's start. */
  start?(report: Pick<ReportDocument, "tool" | "startedAt">): void | Promise<void>;
  /** Takes the results of one target; a returned promise is awaited before the next target is handed over. */
  add(target: string, results: readonly CheckResult[]): void | Promise<void>;
}

/**
 * Everything of a report but its results and the tables they point into, which a
 * {@link ResultSink} received (see {@link ReportTableBuilder} to store them as a document does).
 */
export type StreamedReport = Omit<ReportDocument, "results" | "facts" | "conditions">;

/**
 * Runs scans. Its one dependency is injected by explicit token, so it resolves even where a
 * bundler drops metadata.
 */
@injectable()
export class Scanner {
  constructor(@inject(PluginRegistry) private readonly registry: PluginRegistry) {}

  /** Runs every check of `scan` and returns the report document. Never throws for probe failures. */
  async run(scan: ResolvedScan, options: ScanOptions = {}): Promise<ReportDocument> {
    const results: CheckResult[] = [];
    const streamed = await this.stream(scan, { add: (_target, decided) => void results.push(...decided) }, options);
    return buildReport({ ...streamed, results, evidenceBySource: evidenceBySourceOf(scan.rules) });
  }

  /**
   * Runs every check of `scan`, handing each target's results to `sink` as soon as they are decided,
   * and returns the rest of the report. Memory holds only the targets in flight and those waiting for
   * an earlier target to finish. Never throws for probe failures.
   */
  async stream(scan: ResolvedScan, sink: ResultSink, options: ScanOptions = {}): Promise<StreamedReport> {
    const wallClock = options.clock ?? systemClock;
    const startedAt = wallClock.now();
    const tool = options.tool ?? { name: "hardcheck", version: CORE_VERSION };
    await sink.start?.({ tool, startedAt: startedAt.toISOString() });
    // One clock for every verdict of the scan: the scan's own, or the instant it was asked to judge at.
    const clock = options.asOf !== undefined ? fixedClock(options.asOf) : wallClock;
    const evaluatedAt = clock.now();
    const controller = new AbortController();
    const notices: ReportNotice[] = [...scan.notices];
    const cancel = (reason: string) => {
      if (!controller.signal.aborted) controller.abort(new Error(reason));
    };
    const onAbort = () => cancel("scan cancelled");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) cancel("scan cancelled");
    const scanTimer =
      scan.limits.scanTimeoutMs > 0 ? setTimeout(() => cancel(`scan timed out after ${scan.limits.scanTimeoutMs} ms`), scan.limits.scanTimeoutMs) : undefined;

    const secrets = new SecretResolver(scan.baseDir);
    const collector = new FactCollector(
      { logger: options.logger ?? silentLogger, clock, scanClock: clock, trust: scan.trust, secrets, limits: scan.limits, scanCache: createScanCache() },
      scan.limits,
      controller.signal,
      this.registry.transports,
    );
    const detection = await detectOperatingSystems(
      scan.targets,
      scan.rules,
      this.registry.transports,
      collector,
      scan.limits.probeTimeoutMs,
      (compiled) => ruleLevel(compiled, this.registry) === "host",
      scan.limits.concurrency,
    );
    notices.push(...detection.notices);
    const planInput = { rules: scan.rules, osUnknown: detection.unknown };
    const ordered = [...detection.targets].sort((a, b) => compareTargetIds(a.id, b.id));
    let total = 0;
    let done = 0;
    if (options.onProgress) {
      // Only a progress display needs the total: each target is planned once to count, and let go.
      for (const target of ordered) {
        const counted = planTarget(target, planInput, this.registry);
        total += counted.checks.length + counted.decidedWithoutProbing.length;
      }
      options.onProgress({ done, total });
    }

    const evaluator = new Evaluator(clock);
    const signoffs = new SignoffApplier(scan, clock.now().getTime());
    const summary: Summary = { pass: 0, fail: 0, error: 0, manual: 0, waived: 0, notApplicable: 0 };
    /** Targets whose host facts describe another time than the scan's: target id → that time. */
    const observedAt = new Map<string, string>();
    const targets = new TargetQueue(ordered.map((target) => target.id));
    const registry = this.registry;
    /**
     * The scan's work in hand-over order, planned one target at a time as the pool asks for more: its
     * groups of checks, or one empty group for a target decided without probing.
     */
    function* work(): Generator<readonly PlannedCheck[]> {
      for (const target of ordered) {
        const plan = planTarget(target, planInput, registry);
        for (const outcome of plan.decidedWithoutProbing) targets.outcome(outcome);
        done += plan.decidedWithoutProbing.length;
        const groups = groupChecks(plan.checks);
        for (const _group of groups) targets.expect(target.id);
        targets.planned(target.id);
        if (groups.length === 0) yield [];
        else yield* groups;
      }
    }
    const pending = work();
    /** Decides, scrubs and hands over every finished target that is next in order. */
    const flush = async () => {
      for (const [targetId, outcomes] of targets.ready()) {
        collector.forget(targetId);
        const decided = signoffs.apply(combineSources(outcomes));
        const results = secrets.hasSecrets ? decided.map((result) => redactResult(result, secrets)) : decided;
        for (const result of results) countInto(summary, result.status);
        await sink.add(targetId, results);
      }
    };
    // One hand-over at a time: the sink sees targets in order even when they finish together.
    let handing = Promise.resolve();
    const handOver = () => {
      handing = handing.then(flush);
      return handing;
    };
    /** Takes groups until none is left. A bounded pool of these keeps only the targets in flight in memory. */
    const worker = async () => {
      for (let next = pending.next(); !next.done; next = pending.next()) {
        const group = next.value;
        if (group.length > 0) {
          const checked = await checkGroup(group, collector, evaluator, clock);
          for (const outcome of checked.outcomes) targets.outcome(outcome);
          if (checked.observedAt) observedAt.set(checked.targetId, checked.observedAt);
          targets.groupDone(checked.targetId);
          done += group.length;
        }
        options.onProgress?.({ done, total });
        await handOver();
      }
    };
    try {
      // Enough groups in flight to keep every probe slot busy (groups of one target share their runs).
      const poolSize = Math.max(1, scan.limits.concurrency) * GROUPS_PER_PROBE_SLOT;
      await Promise.all(Array.from({ length: poolSize }, worker));
      await handOver();
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
    notices.push(...signoffs.notices());
    for (const ref of secrets.shortSecretRefs)
      notices.push({
        level: "warning",
        code: "HC_SECRET_SHORT",
        message: `the secret ${ref} is shorter than ${MIN_SECRET_LENGTH} characters: it is scrubbed from reports only where it stands as a whole word — use a longer secret`,
      });
    const shard = scan.shard ?? options.shard;
    const {
      results: _results,
      facts: _facts,
      conditions: _conditions,
      ...report
    } = writeReport({
      tool,
      startedAt,
      finishedAt: wallClock.now(),
      evaluatedAt,
      incomplete,
      packs: scan.packs,
      rules: scan.rules,
      targets: detection.targets,
      observedAt,
      results: [],
      notices,
      secrets,
      ...(shard ? { shard } : {}),
      ...(scan.site ? { site: scan.site } : {}),
    });
    return { ...report, summary };
  }
}

/**
 * The outcomes of each target until every check on it is decided, and the order targets leave in:
 * by target id, each as soon as it and every target before it are done.
 */
class TargetQueue {
  readonly #order: string[];
  readonly #planned = new Set<string>();
  readonly #outcomes = new Map<string, CheckOutcome[]>();
  readonly #pending = new Map<string, number>();
  #next = 0;

  constructor(ids: readonly string[]) {
    this.#order = [...ids].sort(compareTargetIds);
  }

  /** The target is planned: every group it waits for has been counted with {@link expect}. */
  planned(targetId: string): void {
    this.#planned.add(targetId);
  }

  /** One more group of checks must finish before the target is done. */
  expect(targetId: string): void {
    this.#pending.set(targetId, (this.#pending.get(targetId) ?? 0) + 1);
  }

  outcome(outcome: CheckOutcome): void {
    const list = this.#outcomes.get(outcome.target);
    if (list) list.push(outcome);
    else this.#outcomes.set(outcome.target, [outcome]);
  }

  groupDone(targetId: string): void {
    this.#pending.set(targetId, (this.#pending.get(targetId) ?? 1) - 1);
  }

  /** Takes the finished targets that are next in order, with their outcomes. */
  *ready(): Generator<[string, CheckOutcome[]]> {
    while (this.#next < this.#order.length) {
      const id = this.#order[this.#next] as string;
      if (!this.#planned.has(id) || (this.#pending.get(id) ?? 0) > 0) return;
      this.#next++;
      this.#planned.delete(id);
      const outcomes = this.#outcomes.get(id) ?? [];
      this.#outcomes.delete(id);
      this.#pending.delete(id);
      yield [id, outcomes];
    }
  }
}

function countInto(summary: Summary, status: Status): void {
  if (status === "not-applicable") summary.notApplicable++;
  else summary[status]++;
}

/**
 * Groups of checks in flight per probe slot (`limits.concurrency`). The groups of one endpoint share
 * their probe runs, so a slot needs several groups queued behind it to stay busy.
 */
const GROUPS_PER_PROBE_SLOT = 4;
