/** What the report should show about offline evidence: its files, collector, time, and whether it was edited. */
import { defineFacts, defineProbe, type HostProbe, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import { EVIDENCE_INTEGRITY_PATH } from "../commands/powershell.js";
import type { EvidenceIntegrity } from "../evidence/bundle.js";
import { WINDOWS_OS } from "../support/windows-probe.js";

const DAY_MS = 86_400_000;

/** How old the evidence is at the scan's evaluation time (fact `windows.evidence.age`). */
export interface EvidenceAge {
  /** The oldest collection time of the evidence's files (ISO-8601); null when a file records none. */
  readonly collectedAt: string | null;
  /** Whole days from `collectedAt` to the scan's evaluation time; null when `collectedAt` is. */
  readonly ageDays: number | null;
  /** Files that record no collection time (.reg and .inf exports) while the target sets no `asOf`. */
  readonly undatedFiles: string[];
}

/**
 * The age of the evidence: judged against the scan's clock, unlike every other evidence fact, which
 * is judged as of the collection time. A file without a time of its own takes the target's `asOf`.
 */
export function evidenceAge(integrity: EvidenceIntegrity, scanNow: Date, targetAsOf: string | undefined): EvidenceAge {
  const undatedFiles: string[] = [];
  let oldest: number | undefined;
  for (const file of integrity.files) {
    const time = Date.parse(file.collectedAt ?? targetAsOf ?? "");
    if (Number.isNaN(time)) undatedFiles.push(file.file);
    else oldest = Math.min(oldest ?? time, time);
  }
  if (oldest === undefined || undatedFiles.length > 0) return { collectedAt: null, ageDays: null, undatedFiles };
  return { collectedAt: new Date(oldest).toISOString(), ageDays: Math.floor((scanNow.getTime() - oldest) / DAY_MS), undatedFiles };
}

/** The facts `windows-evidence` produces, each with its schema and meaning. */
export const windowsEvidenceFacts = defineFacts({
  "windows.evidence.integrity": {
    description: "files[] (file, source, collectorVersion, collectedAt, hostName, hashMatches, sections), intact, modifiedFiles",
    schema: z.object({
      files: z.array(
        z.object({
          file: z.string(),
          source: z.string(),
          collectorVersion: z.string().nullable(),
          collectedAt: z.string().nullable(),
          hostName: z.string().nullable(),
          hashMatches: z.boolean().nullable(),
          sections: z.array(z.string()),
        }),
      ),
      intact: z.boolean(),
      modifiedFiles: z.array(z.string()),
    }),
  },
  "windows.evidence.age": {
    description:
      "collectedAt (oldest file's collection time, or the target's asOf for files that record none; null if a file has neither), ageDays (whole days to the scan's evaluation time), undatedFiles",
    schema: z.object({ collectedAt: z.string().nullable(), ageDays: z.number().nullable(), undatedFiles: z.array(z.string()) }),
  },
});

/** Reads the integrity record of an evidence transport. */
export const windowsEvidenceProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-evidence",
    description:
      "Files of an offline evidence target, their collector version and time, whether each bundle still matches its SHA-256, and how old the evidence is.",
    transports: ["evidence"],
    os: WINDOWS_OS,
    facts: windowsEvidenceFacts,
  },
  async collect(host, _params, deps) {
    const text = await deps.transport.readFile(EVIDENCE_INTEGRITY_PATH);
    if (text === undefined) return notApplicable(`${host.spec} is not an evidence file`);
    const integrity = JSON.parse(text) as EvidenceIntegrity;
    return {
      facts: {
        "windows.evidence.integrity": JSON.parse(text),
        "windows.evidence.age": { ...evidenceAge(integrity, deps.scanClock.now(), deps.target.asOf) },
      },
    };
  },
});
