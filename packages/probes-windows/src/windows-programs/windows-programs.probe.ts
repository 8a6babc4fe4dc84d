/** Installed programs from both Uninstall registry views. */
import { defineProbe, type HostProbe, type JsonObject } from "@hardcheck/core";
import { asArray, asRecord, readSection } from "../commands/powershell.js";
import { json, WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";

/**
 * Builds `windows.programs`; `match` (probe parameter, case-insensitive regular expressions) fills
 * `matched` with the names of programs that match any of them, so a rule can ask for none.
 */
export function programsFact(section: unknown, match: readonly string[] = []) {
  const programs = asArray<Record<string, unknown>>(asRecord(section).programs)
    .map((program) => ({
      name: String(program.name),
      version: String(program.version ?? ""),
      publisher: String(program.publisher ?? ""),
      view: String(program.view ?? ""),
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.view.localeCompare(b.view));
  const patterns = match.map((source) => new RegExp(source, "i"));
  return json({
    programs,
    count: programs.length,
    matched: [...new Set(programs.filter((program) => patterns.some((pattern) => pattern.test(program.name))).map((program) => program.name))],
  });
}

/** Reads installed programs. */
export const windowsProgramsProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-programs",
    description: "Installed programs from the 64-bit and 32-bit (WOW6432Node) Uninstall registry keys; matches them against the rule's `match` patterns.",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: [
      { name: "windows.programs", description: "programs[] (name, version, publisher, view 64/32), count, matched (names matching the probe parameter match)" },
    ],
  },
  async collect(_host, params: JsonObject, deps) {
    const match = Array.isArray(params.match) ? params.match.map(String) : [];
    return { facts: { "windows.programs": programsFact(await readSection(deps.transport, "programs", deps.signal), match) } };
  },
});
