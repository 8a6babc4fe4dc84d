/**
 * The `evidence:` transport: serves the sections of an offline evidence file (a collector bundle,
 * a `.reg` export, a `secedit /export` .inf) or of a folder holding several, to the same probes
 * that run PowerShell on live hosts. It cannot run commands.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { compareText, defineTransport, execUnavailable, type HostTransport, type TransportProvider } from "@hardcheck/core";
import type { SectionId } from "../commands/catalog.js";
import { EVIDENCE_INTEGRITY_PATH, EVIDENCE_SECTION_ROOT } from "../commands/powershell.js";
import { EvidenceError, type EvidenceIntegrity, parseEvidenceBundle } from "../evidence/bundle.js";
import { looksLikeRegExport, parseRegExport, sectionsFromRegistry } from "../evidence/reg-export.js";
import { looksLikeSeceditExport } from "../evidence/secedit.js";

/** Everything read from the evidence, merged: the first file that has a section wins. */
export interface LoadedEvidence {
  readonly sections: Partial<Record<SectionId, unknown>>;
  readonly integrity: EvidenceIntegrity;
}

const EVIDENCE_EXTENSIONS = new Set([".json", ".reg", ".inf"]);

/** Text of a file written by Windows tools: UTF-16LE (reg export, secedit) or UTF-8, BOM or not. */
export function decodeWindowsText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
  // UTF-16LE without BOM: ASCII text has a zero every other byte.
  if (bytes.length >= 4 && bytes[1] === 0 && bytes[3] === 0 && bytes[0] !== 0) return bytes.toString("utf16le");
  return bytes.toString("utf8").replace(/^\uFEFF/, "");
}

/** Reads one evidence file or every evidence file of a folder (sorted: .json bundles first). */
export async function loadEvidence(location: string, cwd: string = process.cwd()): Promise<LoadedEvidence> {
  const path = resolve(cwd, location);
  let files: string[];
  try {
    const info = await stat(path);
    files = info.isDirectory()
      ? (await readdir(path))
          .filter((name) => EVIDENCE_EXTENSIONS.has(extname(name).toLowerCase()))
          .sort((a, b) => rank(a) - rank(b) || compareText(a, b))
          .map((name) => join(path, name))
      : [path];
  } catch (error) {
    throw new EvidenceError(
      "HC_EVIDENCE_UNREADABLE",
      `cannot read ${location}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} — give the path of the bundle the collector wrote`,
      {
        cause: error,
      },
    );
  }
  if (files.length === 0) throw new EvidenceError("HC_EVIDENCE_UNREADABLE", `${location} holds no .json, .reg or .inf evidence file`);
  const sections: Partial<Record<SectionId, unknown>> = {};
  const described: Array<EvidenceIntegrity["files"][number]> = [];
  for (const file of files) {
    const label = files.length === 1 ? location : join(location, file.slice(path.length + 1));
    const text = decodeWindowsText(await readFile(file));
    let found: Partial<Record<SectionId, unknown>>;
    let entry: Omit<EvidenceIntegrity["files"][number], "sections">;
    if (looksLikeRegExport(text)) {
      found = sectionsFromRegistry(parseRegExport(text, label));
      entry = { file: label, source: "reg-export", collectorVersion: null, collectedAt: null, hostName: null, hashMatches: null };
    } else if (looksLikeSeceditExport(text)) {
      found = { "account-policy": { inf: text } };
      entry = { file: label, source: "secedit-export", collectorVersion: null, collectedAt: null, hostName: null, hashMatches: null };
    } else {
      const bundle = parseEvidenceBundle(text, label);
      found = bundle.sections;
      entry = {
        file: label,
        source: "collector",
        collectorVersion: bundle.collectorVersion,
        collectedAt: bundle.collectedAt,
        hostName: bundle.hostName,
        hashMatches: bundle.hashMatches,
      };
    }
    for (const [id, value] of Object.entries(found) as Array<[SectionId, unknown]>) if (!(id in sections)) sections[id] = value;
    described.push({ ...entry, sections: Object.keys(found).sort() });
  }
  const modifiedFiles = described.filter((entry) => entry.hashMatches === false).map((entry) => entry.file);
  return { sections, integrity: { files: described, intact: modifiedFiles.length === 0, modifiedFiles } };
}

function rank(name: string): number {
  return [".json", ".reg", ".inf"].indexOf(extname(name).toLowerCase());
}

/**
 * When the evidence was collected, as far as its files record it: the newest collector bundle's
 * `collectedAt`. With several bundles of different times, the newest keeps every section's age
 * from going negative; WIN-EVIDENCE-FRESH judges the oldest. Undefined when no file records a time
 * (.reg and .inf exports): the target's `asOf`, else the scan's time, applies.
 */
export function evidenceObservedAt(integrity: EvidenceIntegrity): string | undefined {
  const times = integrity.files.flatMap((file) => (file.collectedAt ? [Date.parse(file.collectedAt)] : [])).filter((time) => !Number.isNaN(time));
  return times.length > 0 ? new Date(Math.max(...times)).toISOString() : undefined;
}

/** A transport over loaded evidence: sections and integrity are served at virtual paths. */
export function evidenceTransport(evidence: LoadedEvidence): HostTransport {
  const observedAt = evidenceObservedAt(evidence.integrity);
  return {
    kind: "evidence",
    canExec: false,
    ...(observedAt ? { observedAt } : {}),
    async readFile(path) {
      if (path === EVIDENCE_INTEGRITY_PATH) return JSON.stringify(evidence.integrity);
      if (!path.startsWith(`${EVIDENCE_SECTION_ROOT}/`) || !path.endsWith(".json")) return undefined;
      const id = path.slice(EVIDENCE_SECTION_ROOT.length + 1, -".json".length) as SectionId;
      return id in evidence.sections ? JSON.stringify(evidence.sections[id] ?? null) : undefined;
    },
    async listDir(path) {
      return path === EVIDENCE_SECTION_ROOT
        ? Object.keys(evidence.sections)
            .map((id) => `${id}.json`)
            .sort()
        : undefined;
    },
    async stat() {
      return undefined;
    },
    exec: async () => execUnavailable("evidence"),
    async close() {},
  };
}

/**
 * `evidence:./host.json` (or a folder, a `.reg` or an `.inf` file). Relative paths resolve from the
 * working directory of the process.
 */
export const evidenceTransportProvider: TransportProvider = defineTransport({
  kind: "evidence",
  description: "offline Windows evidence: a hardcheck-collect.ps1 bundle, reg export .reg or secedit /export .inf files",
  async open(host) {
    return evidenceTransport(await loadEvidence(host.location));
  },
  // Every format this transport reads (collector bundle, reg export, secedit export) comes from Windows.
  detectOs: async () => ({ family: "windows", source: "the evidence format (a Windows collector bundle or export)" }),
});
