/** The ProbeDeps a lab test hands a probe: core's test deps, on the process clock and the lab's limits. */
import { type Clock, type Limits, type ProbeDeps, systemClock, type TrustStore } from "@hardcheck/core";
import { testProbeDeps } from "@hardcheck/core/testing";

/** What a test may change about the deps; everything else is a quiet, real default. */
export interface ProbeTestDepsOptions {
  readonly signal?: AbortSignal;
  readonly limits?: Partial<Limits>;
  readonly trust?: Partial<TrustStore>;
  /** The clock facts are judged by (`deps.clock`), as `--as-of` sets it; default the process clock. */
  readonly clock?: Clock;
}

/** ProbeDeps for lab tests: no system roots, no extra CAs, 2 s connect timeout, a never-aborted signal. */
export function probeTestDeps(options: ProbeTestDepsOptions = {}): ProbeDeps {
  return testProbeDeps({
    target: { id: "lab", tags: [], endpoints: [] },
    ...(options.signal ? { signal: options.signal } : {}),
    // Lab certificates are issued relative to the process clock at start, so probes judge them by it too.
    clock: options.clock ?? systemClock,
    scanClock: systemClock,
    limits: { connectTimeoutMs: 2_000, probeTimeoutMs: 10_000, ...options.limits },
    trust: { caCertificates: [], useSystemRoots: false, ...options.trust },
  });
}
