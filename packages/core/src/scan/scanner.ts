/**
 * Runs a resolved scan through its phases: detect the targets' OS, plan, check (collect and
 * evaluate), decide (combine sources, apply attestations and waivers), write the report.
 */
import { inject, injectable } from "tsyringe";
import { Evaluator } from "../engine/evaluate.js";
import type { ReportDocument, ReportNotice } from "../model/report.js";
import { PluginRegistry } from "../plugin/registry.js";
import { type Clock, createScanCache, fixedClock, type Logger, MIN_SECRET_LENGTH, SecretResolver, silentLogger, systemClock } from "../plugin/services.js";
import { ruleLevel } from "./applicability.js";
import { checkGroup, groupChecks } from "./check.js";
import { FactCollector } from "./collector.js";
import { applySignoffs, combineSources } from "./decide.js";
import { detectOperatingSystems } from "./detect-os.js";
import type { CheckOutcome } from "./outcome.js";
import { planScan } from "./plan.js";
import type { ResolvedScan } from "./resolve.js";
import { writeReport } from "./write.js";

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
 * Runs scans. Its one dependency is injected by explicit token, so it resolves even where a
 * bundler drops metadata.
 */
@injectable()
export class Scanner {
  constructor(@inject(PluginRegistry) private readonly registry: PluginRegistry) {}

  /** Runs every check of `scan` and returns the report document. Never throws for probe failures. */
  async run(scan: ResolvedScan, options: ScanOptions = {}): Promise<ReportDocument> {
    const wallClock = options.clock ?? systemClock;
    const startedAt = wallClock.now();
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
    const plan = planScan({ targets: detection.targets, rules: scan.rules, osUnknown: detection.unknown }, this.registry);
    const total = plan.checks.length + plan.decidedWithoutProbing.length;
    let done = plan.decidedWithoutProbing.length;
    options.onProgress?.({ done, total });

    const evaluator = new Evaluator(clock);
    const outcomes: CheckOutcome[] = [...plan.decidedWithoutProbing];
    /** Targets whose host facts describe another time than the scan's: target id → that time. */
    const observedAt = new Map<string, string>();
    try {
      await Promise.all(
        groupChecks(plan.checks).map(async (group) => {
          const checked = await checkGroup(group, collector, evaluator, clock);
          outcomes.push(...checked.outcomes);
          if (checked.observedAt) observedAt.set(checked.targetId, checked.observedAt);
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
    const decided = applySignoffs(combineSources(outcomes), scan, clock.now().getTime());
    notices.push(...decided.notices);
    for (const ref of secrets.shortSecretRefs)
      notices.push({
        level: "warning",
        code: "HC_SECRET_SHORT",
        message: `the secret ${ref} is shorter than ${MIN_SECRET_LENGTH} characters: it is scrubbed from reports only where it stands as a whole word — use a longer secret`,
      });
    const shard = scan.shard ?? options.shard;
    return writeReport({
      tool: options.tool ?? { name: "hardcheck", version: CORE_VERSION },
      startedAt,
      finishedAt: wallClock.now(),
      evaluatedAt,
      incomplete,
      packs: scan.packs,
      rules: scan.rules,
      targets: detection.targets,
      observedAt,
      results: decided.results,
      notices,
      secrets,
      ...(shard ? { shard } : {}),
      ...(scan.site ? { site: scan.site } : {}),
    });
  }
}

/** The version of `@hardcheck/core`, injected at build time. */
declare const __HARDCHECK_PACKAGE__: { name: string; version: string } | undefined;
const CORE_VERSION = typeof __HARDCHECK_PACKAGE__ === "object" ? __HARDCHECK_PACKAGE__.version : "0.0.0-dev";
