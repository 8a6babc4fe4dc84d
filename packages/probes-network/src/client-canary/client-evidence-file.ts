/**
 * Reads a client evidence file (what `hardcheck listen` writes) for a scan. Every problem names the
 * file and the key: a file that is not client evidence, a field of the wrong shape, a date that does
 * not exist, a listener URL that does not match its protocol.
 */
import {
  formatKeyPath,
  HardcheckError,
  type InputIssue,
  issuesFromZod,
  parseIsoInstant,
  printable,
  raise,
  readSource,
  type SourceDocument,
} from "@hardcheck/core";
import { type ClientEvidenceFile, clientEvidenceFileSchema } from "./evidence.js";

const KIND = "hardcheck-client-evidence";

/**
 * Reads and checks the client evidence file at `path`; `displayName` is how errors name it.
 *
 * @example
 * ```ts
 * const evidence = await readClientEvidenceFile("/tmp/client-evidence.json", "client-evidence.json");
 * ```
 */
export async function readClientEvidenceFile(path: string, displayName: string = path): Promise<ClientEvidenceFile> {
  return clientEvidenceFromDocument(await readSource(path, displayName));
}

/** Checks a parsed document as client evidence; problems are `HC_EVIDENCE_INVALID` with file, line and key. */
export function clientEvidenceFromDocument(document: SourceDocument): ClientEvidenceFile {
  const at = (path: Array<string | number>, message: string): InputIssue => ({
    file: document.file,
    ...document.locate(path),
    path: formatKeyPath(path) || "(document)",
    message,
  });
  const data = document.data;
  const kind = data !== null && typeof data === "object" && !Array.isArray(data) ? (data as { kind?: unknown }).kind : undefined;
  if (kind !== KIND) {
    const found = typeof kind === "string" ? `kind is "${printable(kind.length > 60 ? `${kind.slice(0, 57)}…` : kind)}"` : "it has no kind";
    throw new HardcheckError("HC_EVIDENCE_INVALID", [
      at(["kind"], `this is not client evidence (${found}) — expected the file hardcheck listen writes, with kind: "${KIND}"`),
    ]);
  }
  const parsed = clientEvidenceFileSchema.safeParse(data);
  if (!parsed.success) {
    // zod says only "Invalid ISO datetime", for a malformed date and for 30 February alike.
    const dates = (issue: InputIssue): InputIssue =>
      /^Invalid ISO datetime/.test(issue.message)
        ? { ...issue, message: "is not a date and time that exists — expected ISO-8601 with an offset, e.g. 2026-11-24T08:00:00Z" }
        : issue;
    raise("HC_EVIDENCE_INVALID", issuesFromZod(parsed.error, document).map(dates));
  }
  const evidence = parsed.data;
  const problems: InputIssue[] = [];
  evidence.sessions.forEach((session, index) => {
    const started = parseIsoInstant(session.startedAt);
    const ended = parseIsoInstant(session.endedAt);
    if (started !== undefined && ended !== undefined && ended < started) {
      problems.push(at(["sessions", index, "endedAt"], `the session ends (${session.endedAt}) before it starts (${session.startedAt})`));
    }
    const scheme = /^([a-z][a-z0-9+.-]*):\/\/[^/?#\s]+$/i.exec(session.listener)?.[1]?.toLowerCase();
    if (scheme !== session.protocol) {
      problems.push(
        at(
          ["sessions", index, "listener"],
          `"${printable(session.listener)}" is not a ${session.protocol} listener URL — expected e.g. ${session.protocol}://127.0.0.1:${session.protocol === "smtp" ? 2525 : 8443}`,
        ),
      );
    }
  });
  if (problems.length > 0) raise("HC_EVIDENCE_INVALID", problems);
  return evidence;
}
