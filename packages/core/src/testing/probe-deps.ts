/** The services a probe receives in a test: real, quiet defaults and a pinned clock. */
import type { Clock, Limits, Logger, ProbeDeps, Target, TrustStore } from "../index.js";
import { createScanCache, fixedClock, SecretResolver, silentLogger } from "../plugin/services.js";

/**
 * The instant probe tests run at unless they say otherwise: ages a probe computes (days since the
 * last update, certificate lifetime left) come out the same on every day the tests run.
 */
export const PROBE_TEST_NOW: Date = new Date("2026-06-01T00:00:00Z");

/** What a test may change about the deps a probe receives; everything else is a quiet, real default. */
export interface TestProbeDepsOptions {
  /** The instant both clocks read (default {@link PROBE_TEST_NOW}). */
  readonly now?: Date | string;
  /** The clock the subject's facts are judged by (`deps.clock`); overrides `now`. */
  readonly clock?: Clock;
  /** The scan's own clock (`deps.scanClock`); overrides `now`. */
  readonly scanClock?: Clock;
  /** The target the subject belongs to (default: id `test`, no tags, no endpoints). */
  readonly target?: Target;
  /** Cancellation (default: a signal that never fires). */
  readonly signal?: AbortSignal;
  /** Timeouts (default: 2 s connect, 10 s per probe). */
  readonly limits?: Partial<Limits>;
  /** Trust anchors (default: none, and no system roots). */
  readonly trust?: Partial<TrustStore>;
  /** Resolves the target's secret references (default: a resolver relative to the working folder). */
  readonly secrets?: SecretResolver;
  /** Where the probe's diagnostics go (default: nowhere). */
  readonly logger?: Logger;
}

/**
 * The deps a scan would hand a probe, for calling `probe.collect` by hand in a test.
 *
 * @example
 * ```ts
 * const outcome = await bannerProbe.collect(endpoint, {}, testProbeDeps({ limits: { connectTimeoutMs: 500 } }));
 * ```
 */
export function testProbeDeps(options: TestProbeDepsOptions = {}): ProbeDeps {
  const pinned = fixedClock(options.now ?? PROBE_TEST_NOW);
  return {
    target: options.target ?? { id: "test", tags: [], endpoints: [] },
    signal: options.signal ?? new AbortController().signal,
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? pinned,
    scanClock: options.scanClock ?? pinned,
    scanCache: createScanCache(),
    secrets: options.secrets ?? new SecretResolver(),
    limits: { connectTimeoutMs: 2_000, probeTimeoutMs: 10_000, ...options.limits },
    trust: { caCertificates: [], useSystemRoots: false, ...options.trust },
  };
}
