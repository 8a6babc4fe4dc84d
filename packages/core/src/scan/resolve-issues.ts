/**
 * Problems found while resolving a config, kept as coded records: each says which error code it
 * belongs to, so the resolve phase decides what to raise by code, never by reading message text.
 */
import type { SourceDocument } from "../config/source.js";
import { formatKeyPath, type KeyPath, raise } from "../config/source.js";
import { HardcheckError, type HardcheckErrorCode, type InputIssue } from "../errors.js";

/** One problem of a config or pack: the error it belongs to, where it is, and what is wrong. */
export interface ResolveIssue extends InputIssue {
  readonly code: HardcheckErrorCode;
}

/** A place in a file that can tell the line and column of a key path. */
export type LocatableFile = Pick<SourceDocument, "file" | "locate">;

/** Collects the problems of one resolve step and raises them together, grouped by code. */
export class ResolveIssues {
  readonly #issues: ResolveIssue[] = [];

  /** Records a problem at `path` of `document` (at the key itself when `atKey`). */
  at(code: HardcheckErrorCode, document: LocatableFile, path: KeyPath, message: string, atKey = false): void {
    this.#issues.push({ code, file: document.file, ...document.locate(path, atKey), path: formatKeyPath(path), message });
  }

  /** Records a problem already placed. */
  add(issue: ResolveIssue): void {
    this.#issues.push(issue);
  }

  /** True when nothing was recorded. */
  get empty(): boolean {
    return this.#issues.length === 0;
  }

  /**
   * Raises the problems of the first code in `order` that has any, as one error of that code (the
   * first kind of problem hides the ones it causes); does nothing when none is recorded.
   */
  raiseFirst(order: readonly HardcheckErrorCode[]): void {
    for (const code of order) {
      const issues = this.#issues.filter((issue) => issue.code === code);
      if (issues.length > 0)
        raise(
          code,
          issues.map(({ code: _code, ...issue }) => issue),
        );
    }
  }
}

/** The messages of a {@link HardcheckError}, joined; anything else is rethrown. */
export function messageOf(error: unknown): string {
  if (error instanceof HardcheckError) return error.issues.map((issue) => issue.message).join("; ");
  throw error;
}

/**
 * `— did you mean "x"?` naming the candidate closest to `name` when it is a near miss (a few edits
 * away, case aside), or an empty string.
 */
export function suggest(name: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ? ` — did you mean "${best}"?` : "";
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

/** The entries of `value` that are not undefined. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
