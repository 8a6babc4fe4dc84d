/** What the report should show about offline evidence: its files, collector, time, and whether it was edited. */
import { defineProbe, type HostProbe, notApplicable } from "@hardcheck/core";
import { EVIDENCE_INTEGRITY_PATH } from "../commands/powershell.js";
import { WINDOWS_OS } from "../support/windows-probe.js";

/** Reads the integrity record of an evidence transport. */
export const windowsEvidenceProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-evidence",
    description: "Files of an offline evidence target, their collector version and time, and whether each bundle still matches its SHA-256.",
    transports: ["evidence"],
    os: WINDOWS_OS,
    facts: [
      {
        name: "windows.evidence.integrity",
        description: "files[] (file, source, collectorVersion, collectedAt, hostName, hashMatches, sections), intact, modifiedFiles",
      },
    ],
  },
  async collect(host, _params, deps) {
    const text = await deps.transport.readFile(EVIDENCE_INTEGRITY_PATH);
    if (text === undefined) return notApplicable(`${host.spec} is not an evidence file`);
    return { facts: { "windows.evidence.integrity": JSON.parse(text) } };
  },
});
