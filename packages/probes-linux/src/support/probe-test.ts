/** Runs a host probe against a fake host in tests. */
import { checkFacts, createScanCache, type HostProbe, type JsonObject, type ProbeOutcome, SecretResolver, silentLogger } from "@hardcheck/core";
import { type FakeHostContent, fakeHost } from "./fake-host.js";

/** A fixed clock so ages computed by probes are stable in tests. */
export const TEST_NOW = new Date("2026-06-01T00:00:00Z");

/** Collects `probe` on a fake host built from `content`; facts that do not match the probe's declarations fail the test. */
export async function collectOnFakeHost(probe: HostProbe, content: FakeHostContent, params: JsonObject = {}): Promise<ProbeOutcome> {
  const transport = fakeHost(content);
  const outcome = await probe.collect({ spec: "root:/fake", kind: transport.kind, location: "/fake" }, params, {
    transport,
    target: { id: "fake", tags: [], endpoints: [] },
    signal: new AbortController().signal,
    limits: { concurrency: 1, perHost: 1, connectTimeoutMs: 1000, probeTimeoutMs: 1000 },
    clock: { now: () => TEST_NOW },
    scanClock: { now: () => TEST_NOW },
    scanCache: createScanCache(),
    logger: silentLogger,
    secrets: new SecretResolver(),
  } as never);
  if ("facts" in outcome) {
    const check = await checkFacts(probe.meta.facts, outcome.facts);
    if (!check.ok) throw new Error(`probe ${probe.meta.id} ${check.problem}`);
  }
  return outcome;
}

/** The facts of an outcome (throws when the probe said not-applicable). */
export function factsOf(outcome: ProbeOutcome): Record<string, unknown> {
  if (!("facts" in outcome)) throw new Error(`expected facts, got not-applicable: ${outcome.notApplicable}`);
  return outcome.facts;
}
