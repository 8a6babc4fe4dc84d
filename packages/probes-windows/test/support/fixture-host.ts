/**
 * Test support (not exported): fixture sets per Windows Server release, assembled into sections,
 * evidence bundles and a FAKE exec transport. The fake answers PowerShell batches from fixture
 * files — it stands in for a Windows host, which cannot run here; it proves the wiring (argv,
 * encoding, batching, JSON parsing), not PowerShell's behaviour.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ExecResult, HostProbe, HostProbeDeps, HostSpec, HostTransport, JsonValue } from "@hardcheck/core";
import { checkFacts } from "@hardcheck/core";
import { testProbeDeps } from "@hardcheck/core/testing";
import { SECTION_IDS, type SectionId } from "../../src/commands/catalog.js";
import { renderEvidenceBundle } from "../../src/evidence/bundle.js";

/** The fixture sets: Server release × hardened or not. */
export const FIXTURE_SETS = ["2019-default", "2019-hardened", "2022-default", "2022-hardened"] as const;
/** One fixture set. */
export type FixtureSet = (typeof FIXTURE_SETS)[number];

/** The probe folder whose fixtures hold each section. */
export const SECTION_FOLDERS: Readonly<Record<SectionId, string>> = {
  os: "windows-os",
  schannel: "windows-schannel",
  "cipher-suites": "windows-cipher-suites",
  registry: "windows-registry",
  "sql-server": "windows-sql-server",
  firewall: "windows-firewall",
  antivirus: "windows-antivirus",
  shares: "windows-shares",
  accounts: "windows-accounts",
  "account-policy": "windows-account-policy",
  programs: "windows-programs",
  hotfixes: "windows-updates",
  "pending-updates": "windows-pending-updates",
  services: "windows-services",
};

const SOURCE_ROOT = join(import.meta.dirname, "../../src");

/** Every section of a fixture set, read from the probe folders' fixtures. */
export function fixtureSections(set: FixtureSet): Record<SectionId, unknown> {
  const sections = {} as Record<SectionId, unknown>;
  for (const id of SECTION_IDS) {
    const file = join(SOURCE_ROOT, SECTION_FOLDERS[id], "fixtures", `${set}.json`);
    if (!existsSync(file)) throw new Error(`fixture missing: ${file}`);
    sections[id] = JSON.parse(readFileSync(file, "utf8")) as unknown;
  }
  return sections;
}

/** A collector bundle of a fixture set, as the collector script writes it. */
export function fixtureBundle(set: FixtureSet): string {
  const sections = fixtureSections(set);
  return renderEvidenceBundle(sections, { hostName: String((sections.os as { hostName: string }).hostName), collectedAt: FIXTURE_COLLECTED_AT.toISOString() });
}

/** What a fake host saw: every argv it was asked to run. */
export interface FakeExecHost {
  readonly transport: HostTransport;
  readonly calls: string[][];
}

/**
 * FAKE PowerShell host answering from fixtures. It decodes `-EncodedCommand`, finds the sections
 * the batch asks for (`$hcResult['id'] =`) and prints them as one compressed JSON object.
 */
export function fakePowerShellHost(
  sections: Partial<Record<SectionId, unknown>>,
  options: { readonly missingPrograms?: readonly string[] } = {},
): FakeExecHost {
  const calls: string[][] = [];
  const transport: HostTransport = {
    kind: "ssh",
    canExec: true,
    readFile: async () => undefined,
    listDir: async () => undefined,
    stat: async () => undefined,
    async exec(argv): Promise<ExecResult> {
      calls.push([...argv]);
      if (options.missingPrograms?.includes(argv[0] as string)) return { exitCode: 127, stdout: "", stderr: `sh: ${argv[0]}: not found` };
      const encoded = argv[argv.indexOf("-EncodedCommand") + 1] ?? "";
      const script = Buffer.from(encoded, "base64").toString("utf16le");
      const answer: Record<string, unknown> = {};
      for (const match of script.matchAll(/\$hcResult\['([a-z-]+)'\] = & \{/g)) {
        const id = match[1] as SectionId;
        answer[id] = id in sections ? sections[id] : { __error: `fixture has no ${id}` };
      }
      return { exitCode: 0, stdout: `${JSON.stringify(answer)}\r\n`, stderr: "" };
    },
    close: async () => {},
  };
  return { transport, calls };
}

/**
 * When the fixture bundles were collected; the FAKE live host answers as the server did then, so
 * both paths give the same facts.
 */
export const FIXTURE_COLLECTED_AT = new Date("2026-11-24T08:00:00.000Z");

/**
 * Runs a host probe the way the scanner does, with a fixed scan clock (`now`): evidence is judged
 * as of its collection time, live hosts as of `now`. The outcome is checked against the probe's
 * declared facts.
 */
export async function runHostProbe(probe: HostProbe, transport: HostTransport, params: Record<string, JsonValue> = {}, now = FIXTURE_COLLECTED_AT) {
  const host: HostSpec = { spec: `${transport.kind}:fixture`, kind: transport.kind, location: "fixture" };
  const observed = transport.observedAt ? new Date(transport.observedAt) : now;
  const deps: HostProbeDeps = {
    ...testProbeDeps({
      target: { id: "fixture", host, os: "windows", tags: [], endpoints: [] },
      clock: { now: () => observed },
      scanClock: { now: () => now },
    }),
    transport,
  };
  const outcome = await probe.collect(host, params, deps);
  // Facts that do not match the probe's declarations fail the test, as the collector would fail the probe.
  if ("facts" in outcome) {
    const check = await checkFacts(probe.meta.facts, outcome.facts);
    if (!check.ok) throw new Error(`probe ${probe.meta.id} ${check.problem}`);
  }
  return outcome;
}
