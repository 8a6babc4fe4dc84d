/** The evidence bundle: its layout, validation with clear errors, and its integrity hash. */
import { createHash } from "node:crypto";
import { COLLECTOR_VERSION, EVIDENCE_FORMAT, EVIDENCE_FORMAT_VERSION, MINIMUM_COLLECTOR_VERSION, SECTION_IDS, type SectionId } from "../commands/catalog.js";

/** Error codes of evidence files. */
export type EvidenceErrorCode = "HC_EVIDENCE_UNREADABLE" | "HC_EVIDENCE_INVALID" | "HC_EVIDENCE_VERSION";

/** An evidence file that cannot be used; the message names the file, the cause and the fix. */
export class EvidenceError extends Error {
  override readonly name = "EvidenceError";
  constructor(
    readonly code: EvidenceErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${code}: ${message}`, options);
  }
}

/** Where the facts of a piece of evidence came from. */
export type EvidenceSource = "collector" | "reg-export" | "secedit-export";

/** What the report shows about the evidence itself (fact `windows.evidence.integrity`). */
export interface EvidenceIntegrity {
  readonly files: readonly {
    readonly file: string;
    readonly source: EvidenceSource;
    readonly collectorVersion: string | null;
    readonly collectedAt: string | null;
    readonly hostName: string | null;
    /** null where the format carries no hash (.reg, .inf). */
    readonly hashMatches: boolean | null;
    readonly sections: readonly string[];
  }[];
  /** True when every file that carries a hash matches it. */
  readonly intact: boolean;
  /** Files whose content no longer matches their hash (edited after collection). */
  readonly modifiedFiles: readonly string[];
}

/** A parsed, validated collector bundle. */
export interface EvidenceBundle {
  readonly collectorVersion: string;
  readonly collectedAt: string;
  readonly hostName: string;
  readonly sha256: string;
  readonly hashMatches: boolean;
  readonly sections: Partial<Record<SectionId, unknown>>;
}

const FACTS_MARKER = ',"facts":';

/** SHA-256 (hex) of the facts text exactly as written. */
export function factsHash(factsText: string): string {
  return createHash("sha256").update(factsText, "utf8").digest("hex");
}

/**
 * Writes a bundle exactly as the collector script does — for tests and for tools that assemble
 * evidence themselves. `facts` is serialised compactly and hashed.
 */
export function renderEvidenceBundle(
  facts: Partial<Record<SectionId, unknown>>,
  meta: { readonly hostName: string; readonly collectedAt: string; readonly collectorVersion?: string },
): string {
  const body = JSON.stringify(facts);
  const header = JSON.stringify({
    format: EVIDENCE_FORMAT,
    formatVersion: EVIDENCE_FORMAT_VERSION,
    collectorVersion: meta.collectorVersion ?? COLLECTOR_VERSION,
    collectedAt: meta.collectedAt,
    hostName: meta.hostName,
    sha256: factsHash(body),
  });
  return `${header.slice(0, -1)}${FACTS_MARKER}${body}}`;
}

/** Parses and validates a collector bundle; throws {@link EvidenceError} naming what is wrong. */
export function parseEvidenceBundle(text: string, file: string): EvidenceBundle {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch (error) {
    const truncated = !trimmed.endsWith("}");
    throw new EvidenceError(
      "HC_EVIDENCE_INVALID",
      `${file} is not valid JSON${truncated ? " — it looks truncated (copy the whole file again)" : ""}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const record = data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  if (record.format !== EVIDENCE_FORMAT) {
    throw new EvidenceError(
      "HC_EVIDENCE_INVALID",
      `${file} is not a hardcheck Windows evidence bundle (format is ${JSON.stringify(record.format ?? null)}, expected "${EVIDENCE_FORMAT}") — produce one on the server with the script from \`hardcheck collect-script\``,
    );
  }
  if (record.formatVersion !== EVIDENCE_FORMAT_VERSION) {
    throw new EvidenceError(
      "HC_EVIDENCE_VERSION",
      `${file} has bundle format version ${JSON.stringify(record.formatVersion)}; this hardcheck reads version ${EVIDENCE_FORMAT_VERSION} — use the collector and hardcheck of one release`,
    );
  }
  const problems: string[] = [];
  for (const key of ["collectorVersion", "collectedAt", "hostName", "sha256"] as const) {
    if (typeof record[key] !== "string" || record[key] === "") problems.push(`"${key}" must be a non-empty string`);
  }
  if (!record.facts || typeof record.facts !== "object" || Array.isArray(record.facts)) problems.push(`"facts" must be an object`);
  if (problems.length > 0) throw new EvidenceError("HC_EVIDENCE_INVALID", `${file}: ${problems.join("; ")} — the bundle is damaged; collect it again`);
  const collectorVersion = record.collectorVersion as string;
  if (compareSemver(collectorVersion, MINIMUM_COLLECTOR_VERSION) < 0) {
    throw new EvidenceError(
      "HC_EVIDENCE_VERSION",
      `${file} was written by collector ${collectorVersion}, older than ${MINIMUM_COLLECTOR_VERSION} which this hardcheck needs — run the current script (\`hardcheck collect-script\`) on the server again`,
    );
  }
  if (Number.isNaN(Date.parse(record.collectedAt as string))) {
    throw new EvidenceError("HC_EVIDENCE_INVALID", `${file}: "collectedAt" is not a date (${JSON.stringify(record.collectedAt)})`);
  }
  const start = trimmed.indexOf(FACTS_MARKER);
  const factsText = start >= 0 ? trimmed.slice(start + FACTS_MARKER.length, trimmed.lastIndexOf("}")) : "";
  const sections: Partial<Record<SectionId, unknown>> = {};
  const facts = record.facts as Record<string, unknown>;
  for (const id of SECTION_IDS) if (id in facts) sections[id] = facts[id];
  return {
    collectorVersion,
    collectedAt: record.collectedAt as string,
    hostName: record.hostName as string,
    sha256: record.sha256 as string,
    hashMatches: factsHash(factsText) === (record.sha256 as string).toLowerCase(),
    sections,
  };
}

/** Compares dotted numeric versions. */
function compareSemver(a: string, b: string): number {
  const left = a.split(".").map((part) => Number.parseInt(part, 10) || 0);
  const right = b.split(".").map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
