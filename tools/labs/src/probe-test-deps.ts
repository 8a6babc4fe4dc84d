/** Test-only: the ProbeDeps a scan would hand a probe, with real services and the lab's limits. */
import { type Clock, createScanCache, type Limits, type ProbeDeps, SecretResolver, silentLogger, systemClock, type TrustStore } from "@hardcheck/core";

/** What a test may change about the deps; everything else is a quiet, real default. */
export interface ProbeTestDepsOptions {
  readonly signal?: AbortSignal;
  readonly limits?: Partial<Limits>;
  readonly trust?: Partial<TrustStore>;
  /** The clock facts are judged by (`deps.clock`), as `--as-of` sets it; default the process clock. */
  readonly clock?: Clock;
}

/** ProbeDeps for probe tests: no system roots, no extra CAs, 2 s connect timeout, a never-aborted signal. */
export function probeTestDeps(options: ProbeTestDepsOptions = {}): ProbeDeps {
  return {
    target: { id: "lab", tags: [], endpoints: [] },
    signal: options.signal ?? new AbortController().signal,
    logger: silentLogger,
    // Lab certificates are issued relative to the process clock at start, so probes judge them by it too.
    clock: options.clock ?? systemClock,
    scanClock: systemClock,
    scanCache: createScanCache(),
    secrets: new SecretResolver(),
    limits: { connectTimeoutMs: 2_000, probeTimeoutMs: 10_000, ...options.limits },
    trust: { caCertificates: [], useSystemRoots: false, ...options.trust },
  };
}
