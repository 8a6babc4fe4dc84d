/** Test support: runs one probe over both paths (FAKE PowerShell host, evidence bundle) for every fixture set. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HostProbe, JsonValue, ProbeOutcome } from "@hardcheck/core";
import { evidenceTransport, loadEvidence } from "../../src/transports/evidence.transport.js";
import { FIXTURE_SETS, type FixtureSet, fakePowerShellHost, fixtureBundle, fixtureSections, runHostProbe } from "./fixture-host.js";

/** The facts a probe produced on one fixture set over the live (FAKE) path, after checking the evidence path gives the same. */
export async function factsOnBothPaths(probe: HostProbe, set: FixtureSet, params: Record<string, JsonValue> = {}): Promise<Record<string, JsonValue>> {
  const live = await runHostProbe(probe, fakePowerShellHost(fixtureSections(set)).transport, params);
  const dir = mkdtempSync(join(tmpdir(), "hc-win-"));
  writeFileSync(join(dir, "host.json"), fixtureBundle(set));
  const offline = await runHostProbe(probe, evidenceTransport(await loadEvidence(join(dir, "host.json"))), params);
  if (JSON.stringify(live) !== JSON.stringify(offline)) throw new Error(`live and evidence paths differ for ${probe.meta.id} on ${set}`);
  return factsOf(live);
}

/** The facts of an outcome; throws on not-applicable. */
export function factsOf(outcome: ProbeOutcome): Record<string, JsonValue> {
  if ("notApplicable" in outcome) throw new Error(`not applicable: ${outcome.notApplicable}`);
  return outcome.facts as Record<string, JsonValue>;
}

export { FIXTURE_SETS };
