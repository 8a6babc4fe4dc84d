/** Installed programs from both Uninstall registry views. */
import { compareText, compareVersions, defineFacts, defineProbe, type FactsOf, type HostProbe, type JsonObject } from "@hardcheck/core";
import { z } from "zod";
import { asArray, asRecord, readSection } from "../commands/powershell.js";
import { WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";

/** One entry of the `minimumVersions` probe parameter: programs whose name matches must be at least this version. */
export interface MinimumVersion {
  /** Case-insensitive regular expression matched against the program's display name. */
  readonly namePattern: string;
  /** Dotted version (numeric parts compared as numbers, as `versionGreaterThanInclusive` does). */
  readonly minimumVersion: string;
}

/** Reads the `minimumVersions` probe parameter, rejecting entries a rule author got wrong rather than skipping them. */
export function minimumVersionsParam(value: unknown): MinimumVersion[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error("windows-programs: probe parameter minimumVersions must be a list of { namePattern, minimumVersion }");
  return value.map((entry, index) => {
    const record = entry as Record<string, unknown> | null;
    if (typeof record?.namePattern !== "string" || typeof record.minimumVersion !== "string" || !/\d/.test(record.minimumVersion)) {
      throw new Error(
        `windows-programs: minimumVersions[${index}] needs a string namePattern and a minimumVersion with digits (got ${JSON.stringify(entry)}) — fix the rule's parameter`,
      );
    }
    try {
      new RegExp(record.namePattern, "i");
    } catch (cause) {
      throw new Error(`windows-programs: minimumVersions[${index}].namePattern is no valid regular expression — fix the rule's parameter`, { cause });
    }
    return { namePattern: record.namePattern, minimumVersion: record.minimumVersion };
  });
}

/**
 * Builds `windows.programs`; `match` (probe parameter, case-insensitive regular expressions) fills
 * `matched` with the names of programs that match any of them, so a rule can ask for none.
 * `minimumVersions` fills `belowMinimum` with every installed program matching an entry's pattern
 * whose version is lower than that entry's minimum, or has no version to compare.
 */
export function programsFact(
  section: unknown,
  match: readonly string[] = [],
  minimumVersions: readonly MinimumVersion[] = [],
): WindowsProgramsFacts["windows.programs"] {
  const programs = asArray<Record<string, unknown>>(asRecord(section).programs)
    .map((program) => ({
      name: String(program.name),
      version: String(program.version ?? ""),
      publisher: String(program.publisher ?? ""),
      view: String(program.view ?? ""),
    }))
    .sort((a, b) => compareText(a.name, b.name) || compareText(a.view, b.view));
  const patterns = match.map((source) => new RegExp(source, "i"));
  const belowMinimum = new Set<string>();
  for (const minimum of minimumVersions) {
    const pattern = new RegExp(minimum.namePattern, "i");
    for (const program of programs.filter((candidate) => pattern.test(candidate.name))) {
      // A program without a version cannot be shown to be current, so it counts as below.
      if (!/\d/.test(program.version)) belowMinimum.add(`${program.name} (no version; minimum ${minimum.minimumVersion})`);
      else if (compareVersions(program.version, minimum.minimumVersion) < 0)
        belowMinimum.add(`${program.name} ${program.version} (minimum ${minimum.minimumVersion})`);
    }
  }
  return {
    programs,
    count: programs.length,
    matched: [...new Set(programs.filter((program) => patterns.some((pattern) => pattern.test(program.name))).map((program) => program.name))],
    belowMinimum: [...belowMinimum].sort(),
  };
}

/** The facts `windows-programs` produces, each with its schema and meaning. */
export const windowsProgramsFacts = defineFacts({
  "windows.programs": {
    description:
      "programs[] (name, version, publisher, view 64/32), count, matched (names matching the probe parameter match), belowMinimum (programs matching a minimumVersions entry whose version is lower or missing, as `name version (minimum x)`)",
    schema: z.object({
      programs: z.array(z.object({ name: z.string(), version: z.string(), publisher: z.string(), view: z.string() })),
      count: z.number(),
      matched: z.array(z.string()),
      belowMinimum: z.array(z.string()),
    }),
  },
});
/** The facts `windows-programs` produces, as the collector checks them. */
export type WindowsProgramsFacts = FactsOf<typeof windowsProgramsFacts>;

/** Reads installed programs. */
export const windowsProgramsProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-programs",
    description:
      "Installed programs from the 64-bit and 32-bit (WOW6432Node) Uninstall registry keys; matches them against the rule's `match` patterns and `minimumVersions`.",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: windowsProgramsFacts,
  },
  async collect(_host, params: JsonObject, deps) {
    const match = Array.isArray(params.match) ? params.match.map(String) : [];
    const minimumVersions = minimumVersionsParam(params.minimumVersions);
    return { facts: { "windows.programs": programsFact(await readSection(deps.transport, "programs", deps.signal), match, minimumVersions) } };
  },
});
