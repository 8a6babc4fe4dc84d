/** Runs a host probe against a fake host in these tests, through `@hardcheck/core/testing`'s probe tester. */
import type { HostProbe, JsonObject, ProbeOutcome } from "@hardcheck/core";
import { type FakeHostContent, PROBE_TEST_NOW, ProbeTester } from "@hardcheck/core/testing";

export { factsOf } from "@hardcheck/core/testing";

/** A fixed clock so ages computed by probes are stable in tests. */
export const TEST_NOW = PROBE_TEST_NOW;

const tester = new ProbeTester({ now: TEST_NOW, target: { id: "fake", tags: [], endpoints: [] }, limits: { connectTimeoutMs: 1000, probeTimeoutMs: 1000 } });

/** Collects `probe` on a fake host built from `content`; the outcome is checked against the probe's declared facts. */
export function collectOnFakeHost(probe: HostProbe, content: FakeHostContent, params: JsonObject = {}): Promise<ProbeOutcome> {
  return tester.run(probe, content, params);
}
