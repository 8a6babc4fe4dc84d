/**
 * Runs probes: each at most once per (probe, subject, params), under a global and a per-host
 * concurrency limit, each with a timeout. Never rejects: failures become `error` outcomes.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import pLimit, { type LimitFunction } from "p-limit";
import { describeError } from "../errors.js";
import type { Endpoint, HostSpec, Target } from "../model/target.js";
import type { JsonObject, JsonValue } from "../model/values.js";
import { stableStringify } from "../model/values.js";
import { checkFacts } from "../plugin/facts.js";
import { isEndpointProbe, type Probe } from "../plugin/probe.js";
import { fixedClock, type ProbeServices } from "../plugin/services.js";
import type { HostTransport, TransportProvider } from "../plugin/transport.js";
import type { ResolvedLimits } from "./resolve.js";

/** What became of one probe run. */
export type ProbeRun =
  | {
      readonly status: "ok";
      readonly facts: Readonly<Record<string, JsonValue>>;
      /** The time the facts describe, when it is not the scan's: an offline copy's collection time. */
      readonly observedAt?: string;
    }
  | {
      readonly status: "not-applicable";
      readonly reason: string;
      /** The probe read from the subject that what it looks for does not exist (a probe's `verifiedAbsent`). */
      readonly verifiedAbsent?: boolean;
    }
  | { readonly status: "error"; readonly reason: string };

/** Counts for progress displays and benchmarks. */
export interface CollectorStats {
  started: number;
  finished: number;
  cacheHits: number;
}

/** The probe run an asynchronous callback belongs to, so a fault thrown later can be charged to it. */
interface ProbeScope {
  fail(error: unknown): void;
}
const probeScope = new AsyncLocalStorage<ProbeScope>();

/**
 * Charges an uncaught exception or unhandled rejection to the probe run whose code raised it (a
 * timer or promise the probe left behind): that run ends as `error` and the scan goes on. Returns
 * false when the fault did not come from a probe. Embedders call it from their
 * `uncaughtException` / `unhandledRejection` handlers, as the CLI does.
 *
 * @example
 * ```ts
 * process.on("uncaughtException", (error) => {
 *   if (!reportProbeFault(error)) throw error;
 * });
 * ```
 */
export function reportProbeFault(error: unknown): boolean {
  const scope = probeScope.getStore();
  if (!scope) return false;
  scope.fail(error);
  return true;
}

/** Stable JSON for cache keys; kept here for code that imported it from the collector. */
export { stableStringify };

/** Schedules and caches probe runs for one scan. */
export class FactCollector {
  readonly stats: CollectorStats = { started: 0, finished: 0, cacheHits: 0 };
  /** Faults probes raised after they had returned their facts (reported, verdicts kept). */
  readonly lateFaults: string[] = [];
  readonly #runs = new Map<string, Promise<ProbeRun>>();
  /** The keys of `#runs` by target, so a finished target's facts can be let go. */
  readonly #keysByTarget = new Map<string, string[]>();
  readonly #global: LimitFunction;
  readonly #perHost = new Map<string, LimitFunction>();
  readonly #transports = new Map<string, Promise<HostTransport>>();
  /** The controllers of the runs in flight: one listener on the scan's signal stops them all. */
  readonly #inFlight = new Set<AbortController>();

  constructor(
    private readonly services: ProbeServices,
    private readonly limits: ResolvedLimits,
    private readonly scanSignal: AbortSignal,
    private readonly transportProviders: ReadonlyMap<string, TransportProvider> = new Map(),
  ) {
    this.#global = pLimit(limits.concurrency);
    scanSignal.addEventListener(
      "abort",
      () => {
        for (const controller of this.#inFlight) controller.abort(scanSignal.reason);
      },
      { once: true },
    );
  }

  /**
   * The cache key of a run: probe, subject, parameters — and target, because a probe may act on the
   * target's own settings (credentials), so two targets listing one URL are probed separately.
   */
  static keyOf(probe: Probe, subject: Endpoint | HostSpec, params: JsonObject, target: Target): string {
    const subjectKey = "url" in subject ? subject.url : subject.spec;
    return `${probe.meta.id}|${target.id}|${subjectKey}|${stableStringify(params)}`;
  }

  /** Runs (or joins the run of) `probe` on `subject`. */
  run(probe: Probe, subject: Endpoint | HostSpec, target: Target, params: JsonObject): Promise<ProbeRun> {
    const key = FactCollector.keyOf(probe, subject, params, target);
    const existing = this.#runs.get(key);
    if (existing) {
      this.stats.cacheHits++;
      return existing;
    }
    const hostKey = "url" in subject ? subject.host : subject.spec;
    let hostLimit = this.#perHost.get(hostKey);
    if (!hostLimit) {
      hostLimit = pLimit(this.limits.perHost);
      this.#perHost.set(hostKey, hostLimit);
    }
    const limit = hostLimit;
    const promise = limit(() => this.#global(() => this.#execute(probe, subject, target, params)));
    this.#runs.set(key, promise);
    const keys = this.#keysByTarget.get(target.id);
    if (keys) keys.push(key);
    else this.#keysByTarget.set(target.id, [key]);
    return promise;
  }

  /**
   * Lets go of the runs of a target whose checks are all decided, so a long scan holds only the facts
   * of the targets in flight. A later run for it probes again.
   */
  forget(targetId: string): void {
    for (const key of this.#keysByTarget.get(targetId) ?? []) this.#runs.delete(key);
    this.#keysByTarget.delete(targetId);
  }

  async #execute(probe: Probe, subject: Endpoint | HostSpec, target: Target, params: JsonObject): Promise<ProbeRun> {
    if (this.scanSignal.aborted) return { status: "error", reason: `not run: ${abortReason(this.scanSignal)}` };
    this.stats.started++;
    const controller = new AbortController();
    this.#inFlight.add(controller);
    const timeoutMs = this.limits.probeTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    let settle: (run: ProbeRun) => void = () => {};
    const describeFault = (error: unknown) => this.services.secrets.redact(describeError(error));
    const scope: ProbeScope = {
      fail: (error) => {
        if (settled) this.lateFaults.push(`probe ${probe.meta.id} failed after it returned its facts: ${describeFault(error)}`);
        else {
          settle({ status: "error", reason: `probe ${probe.meta.id} failed: ${describeFault(error)}` });
          controller.abort(new Error("probe failed"));
        }
      },
    };
    const deadline = new Promise<ProbeRun>((resolveDeadline) => {
      settle = resolveDeadline;
      timer = setTimeout(() => {
        // Settle first: aborting runs the "stopped" listener below synchronously, which would win.
        resolveDeadline({ status: "error", reason: `probe ${probe.meta.id} timed out after ${timeoutMs} ms` });
        controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      controller.signal.addEventListener(
        "abort",
        () => resolveDeadline({ status: "error", reason: `probe ${probe.meta.id} stopped: ${abortReason(controller.signal)}` }),
        { once: true },
      );
    });
    const deps = { ...this.services, target, signal: controller.signal };
    const attempt = probeScope.run(scope, async (): Promise<ProbeRun> => {
      try {
        let observedAt: string | undefined;
        let outcome: Awaited<ReturnType<Probe["collect"]>>;
        if (isEndpointProbe(probe)) outcome = await probe.collect(subject as Endpoint, params, deps);
        else {
          const transport = await this.transportFor(target, subject as HostSpec);
          // An offline copy is judged as of the moment it was taken: its own record of that, else the target's asOf.
          observedAt = transport.observedAt ?? target.asOf;
          outcome = await probe.collect(subject as HostSpec, params, { ...deps, ...(observedAt ? { clock: fixedClock(observedAt) } : {}), transport });
        }
        if (outcome && typeof outcome === "object" && "notApplicable" in outcome) {
          return { status: "not-applicable", reason: String(outcome.notApplicable), ...(outcome.verifiedAbsent === true ? { verifiedAbsent: true } : {}) };
        }
        if (!outcome || typeof outcome !== "object" || typeof outcome.facts !== "object" || outcome.facts === null) {
          return { status: "error", reason: `probe ${probe.meta.id} returned no facts object` };
        }
        const checked = await checkProbeFacts(probe, outcome.facts);
        if (!checked.ok) return { status: "error", reason: checked.reason };
        const { facts } = checked;
        return { status: "ok", facts, ...(observedAt ? { observedAt } : {}) };
      } catch (error) {
        return { status: "error", reason: `probe ${probe.meta.id} failed: ${describeFault(error)}` };
      }
    });
    try {
      return await Promise.race([attempt, deadline]);
    } finally {
      settled = true;
      clearTimeout(timer);
      this.#inFlight.delete(controller);
      if (!controller.signal.aborted) controller.abort(new Error("probe finished"));
      this.stats.finished++;
    }
  }

  /** Closes every transport this scan opened; failures to close are logged, never thrown. */
  async closeTransports(): Promise<void> {
    const opened = [...this.#transports.values()];
    this.#transports.clear();
    await Promise.all(
      opened.map(async (pending) => {
        try {
          await (await pending).close();
        } catch (error) {
          this.services.logger.warn(`closing a transport failed: ${this.services.secrets.redact(describeError(error))}`);
        }
      }),
    );
  }

  /** The target's transport, opened on first use and shared by all its host probes (and OS detection). */
  transportFor(target: Target, host: HostSpec): Promise<HostTransport> {
    let pending = this.#transports.get(target.id);
    if (!pending) {
      const provider = this.transportProviders.get(host.kind);
      pending = provider
        ? provider.open(host, { ...this.services, target, signal: this.scanSignal }).catch((error: unknown) => {
            throw new Error(`cannot open ${host.spec}: ${describeError(error)}`, { cause: error });
          })
        : Promise.reject(new Error(`no plugin provides the ${host.kind}: transport`));
      // A failed open is remembered too: every probe of the target reports the same reason at once.
      pending.catch(() => {});
      this.#transports.set(target.id, pending);
    }
    return pending;
  }
}

/**
 * What a probe returned, checked against its fact declarations (see `checkFacts`): an ill-typed or
 * non-JSON fact makes this probe's run an error naming the fact and field, and the scan goes on.
 */
async function checkProbeFacts(
  probe: Probe,
  returned: Readonly<Record<string, unknown>>,
): Promise<{ ok: true; facts: Readonly<Record<string, JsonValue>> } | { ok: false; reason: string }> {
  const check = await checkFacts(probe.meta.facts, returned);
  return check.ok ? { ok: true, facts: check.facts } : { ok: false, reason: `probe ${probe.meta.id} ${check.problem}` };
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason ?? "cancelled");
}
