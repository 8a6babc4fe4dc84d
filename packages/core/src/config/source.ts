/** Reads YAML/JSON input files keeping positions, so every error can name file, line and column. */

import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { isDeepStrictEqual } from "node:util";
import { isMap, isScalar, isSeq, LineCounter, type Node, type Pair, parseDocument, visit } from "yaml";
import type { ZodError } from "zod";
import { compareText } from "../compare-text.js";
import { describeError, HardcheckError, type HardcheckErrorCode, type InputIssue } from "../errors.js";
import { printable } from "../report/printable.js";

/** A key path into a parsed document. */
export type KeyPath = ReadonlyArray<string | number>;

/** A parsed input file that can say where any key path sits. */
export interface SourceDocument {
  /** The file name as the user gave it. */
  readonly file: string;
  /** The plain data (YAML/JSON decoded). */
  readonly data: unknown;
  /** Line/column of the value at `path` (or of its key, with `atKey`); the nearest parent if absent. */
  locate(path: KeyPath, atKey?: boolean): { line: number; column: number } | undefined;
  /** The schema that accepted `data` as it is when the file was compiled (see {@link CompiledSource.checkedBy}). */
  readonly checkedBy?: string;
}

/** Formats a key path the way a user reads it: `targets[2].endpoints[0]`. */
export function formatKeyPath(path: KeyPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Parses YAML or JSON text (JSON is read by the YAML parser so positions work for both). */
export function parseSource(text: string, file: string): SourceDocument {
  const { data, positions } = parseParts(text, file);
  return locatedDocument(file, data, positions);
}

function parseParts(text: string, file: string): { data: unknown; positions: PositionNode | undefined } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  if (doc.errors.length > 0) {
    throw new HardcheckError(
      "HC_CONFIG_SYNTAX",
      doc.errors.map((error) => {
        // linePos is only filled in with prettyErrors; the line counter knows the position either way.
        const pos = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
        return {
          file,
          ...(pos ? { line: pos.line, column: pos.col } : {}),
          message: `${error.message.split("\n")[0]} — the file must be valid YAML or JSON`,
        };
      }),
    );
  }
  const position = (node: Node | Pair["key"] | null | undefined) => {
    const offset = (node as Node | undefined)?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Aliases are resolved only here: an unknown one (or too many) is still a mistake in the file.
    let alias: Node | undefined;
    visit(doc, {
      Alias(_key, node) {
        if (node.resolve(doc)) return undefined;
        alias = node;
        return visit.BREAK;
      },
    });
    throw new HardcheckError("HC_CONFIG_SYNTAX", [{ file, ...position(alias), message: `${describeError(error)} — the file must be valid YAML or JSON` }], {
      cause: error,
    });
  }
  // Built apart from this function's scope, whose closures hold the syntax tree.
  return { data, positions: positionTree(doc.contents, lineCounter) };
}

/**
 * A file parsed ahead of time (bundled packs, at build time): its data and positions, and the
 * SHA-256 of the text they came from. Loading one skips the YAML parser, which costs a pack of
 * 30 kB tens of milliseconds on every run.
 */
export interface CompiledSource {
  /** Names this layout; another is ignored. */
  readonly format: "hardcheck-compiled-source/1";
  /** SHA-256 (hex) of the text compiled: the form is used only for exactly that text. */
  readonly sha256: string;
  /** The decoded data. */
  readonly data: unknown;
  /** Where each node sits. */
  readonly positions: PackedPosition | null;
  /**
   * The schema that accepted `data` as it is, output equal to input, when the file was compiled, as
   * `<schema>@<fingerprint>` (packs: see `compilePack`). A loader checking with that same schema may
   * skip the check.
   */
  readonly checkedBy?: string;
}

const COMPILED_FORMAT: CompiledSource["format"] = "hardcheck-compiled-source/1";

/** A position node as JSON: where it sits, and its map entries `[key, keyAt, value]` or list items. */
export type PackedPosition = { a?: number; k?: [string, number | null, PackedPosition | null][]; i?: (PackedPosition | null)[] };

/**
 * Parses `text` once, for {@link readSource}'s `compiled` file. Throws `HC_CONFIG_SYNTAX` as parsing
 * does, and `HC_CONFIG_INVALID` when the data is not plain JSON (a YAML date, say), which the
 * compiled form could not hold unchanged.
 */
export function compileSource(text: string, file: string): CompiledSource {
  const { data, positions } = parseParts(text, file);
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(data) ?? "null"), data)) {
    throw new HardcheckError("HC_CONFIG_INVALID", [
      { file, message: "holds values plain JSON cannot (dates, infinities, non-string keys): it cannot be compiled" },
    ]);
  }
  return { format: COMPILED_FORMAT, sha256: sha256(text), data, positions: packPositions(positions) };
}

/** The document `compiled` describes, when it was compiled from exactly `text`; otherwise undefined. */
export function sourceFromCompiled(text: string, file: string, compiled: unknown): SourceDocument | undefined {
  const candidate = compiled as Partial<CompiledSource> | null;
  if (candidate?.format !== COMPILED_FORMAT || candidate.sha256 !== sha256(text) || !("data" in candidate)) return undefined;
  try {
    const document = locatedDocument(file, candidate.data, unpackTree(candidate.positions ?? null));
    return typeof candidate.checkedBy === "string" ? { ...document, checkedBy: candidate.checkedBy } : document;
  } catch {
    // A damaged position tree: parse the text instead.
    return undefined;
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function packPositions(node: PositionNode | undefined): PackedPosition | null {
  if (node === undefined) return null;
  const packed: PackedPosition = {};
  if (node.at !== undefined) packed.a = node.at;
  if (node.keys) packed.k = [...node.keys].map(([key, entry]) => [key, entry.keyAt ?? null, packPositions(entry.value)]);
  if (node.items) packed.i = node.items.map(packPositions);
  return packed;
}

function unpackTree(packed: PackedPosition | null): PositionNode | undefined {
  if (packed === null) return undefined;
  return {
    at: packed.a,
    ...(packed.k ? { keys: new Map(packed.k.map(([key, keyAt, value]) => [key, { keyAt: keyAt ?? undefined, value: unpackTree(value) }])) } : {}),
    ...(packed.i ? { items: packed.i.map(unpackTree) } : {}),
  };
}

/** A parsed file that locates key paths in its position tree. */
function locatedDocument(file: string, data: unknown, positions: PositionNode | undefined): SourceDocument {
  return {
    file,
    data,
    locate(path, atKey = false) {
      let node: PositionNode | undefined = positions;
      let found = node?.at;
      for (let i = 0; i < path.length; i++) {
        const segment = path[i];
        const last = i === path.length - 1;
        if (node?.keys) {
          const entry = node.keys.get(String(segment));
          if (!entry) return unpack(found);
          if (last && atKey) return unpack(entry.keyAt ?? found);
          node = entry.value;
          found = node?.at ?? entry.keyAt ?? found;
        } else if (node?.items && typeof segment === "number") {
          node = node.items[segment];
          if (node === undefined) return unpack(found);
          found = node.at ?? found;
        } else {
          return unpack(found);
        }
      }
      return unpack(found);
    },
  };
}

/**
 * Where each node of a parsed file sits, kept instead of the parser's syntax tree: a config of
 * 10,000 targets is held for a whole scan, and its syntax tree alone took 2 KB per target. Positions
 * are packed into one number (line × 2^16 + column).
 */
interface PositionNode {
  readonly at: number | undefined;
  /** A map's entries by key (the first of equal keys, as the parser resolves them). */
  readonly keys?: Map<string, { readonly keyAt: number | undefined; readonly value: PositionNode | undefined }>;
  readonly items?: readonly (PositionNode | undefined)[];
}

const COLUMN_SPAN = 65_536;

function unpack(at: number | undefined): { line: number; column: number } | undefined {
  return at === undefined ? undefined : { line: Math.floor(at / COLUMN_SPAN), column: at % COLUMN_SPAN };
}

function positionTree(node: unknown, lines: LineCounter): PositionNode | undefined {
  const at = (of: unknown): number | undefined => {
    const offset = (of as Node | undefined)?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = lines.linePos(offset);
    return line * COLUMN_SPAN + Math.min(col, COLUMN_SPAN - 1);
  };
  if (node === null || node === undefined) return undefined;
  if (isMap(node)) {
    const keys = new Map<string, { keyAt: number | undefined; value: PositionNode | undefined }>();
    for (const item of node.items) {
      if (!isScalar(item.key)) continue;
      const key = String(item.key.value);
      if (!keys.has(key)) keys.set(key, { keyAt: at(item.key), value: positionTree(item.value, lines) });
    }
    return { at: at(node), keys };
  }
  if (isSeq(node)) return { at: at(node), items: node.items.map((item) => positionTree(item, lines)) };
  return { at: at(node) };
}

/**
 * Reads and parses a YAML/JSON file; an unreadable file is `HC_CONFIG_UNREADABLE`. `compiled` names
 * the file's {@link compileSource} form, used instead of parsing when it was compiled from exactly
 * this text (else, or when it cannot be read, the text is parsed as usual).
 */
export async function readSource(path: string, displayName: string = path, compiled?: string): Promise<SourceDocument> {
  let text: string;
  try {
    text = await readCapped(path, displayName);
  } catch (error) {
    if (error instanceof HardcheckError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "file not found" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory, not a file" : String(code ?? error);
    throw new HardcheckError("HC_CONFIG_UNREADABLE", [{ file: displayName, message: `cannot read: ${why}` }], { cause: error });
  }
  if (compiled !== undefined) {
    const document = await readCompiled(compiled).then((form) => sourceFromCompiled(text, displayName, form));
    if (document) return document;
  }
  return parseSource(text, displayName);
}

async function readCompiled(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readCapped(path, path));
  } catch {
    return undefined;
  }
}

/**
 * The largest config, pack, waivers or attestations file read. Parsing keeps positions for every
 * node, which costs tens of times the file's size in memory; real files are a few hundred kB.
 */
export const MAX_INPUT_FILE_BYTES = 4 * 1024 * 1024;

/** Reads at most {@link MAX_INPUT_FILE_BYTES} (plus one, to tell): a device or a huge file never fills memory. */
async function readCapped(path: string, displayName: string): Promise<string> {
  const handle = await open(path, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= MAX_INPUT_FILE_BYTES) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, MAX_INPUT_FILE_BYTES + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    if (total > MAX_INPUT_FILE_BYTES) {
      throw new HardcheckError("HC_CONFIG_INVALID", [
        {
          file: displayName,
          message: `is larger than ${MAX_INPUT_FILE_BYTES / 1024 / 1024} MiB, the limit for config, pack, waiver and attestation files — split it`,
        },
      ]);
    }
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    await handle.close();
  }
}

type ZodIssueLike = ZodError["issues"][number];

/** Describes a JSON value briefly for "got …" messages. */
export function describeValue(value: unknown): string {
  if (value instanceof SecretValue) return `a ${value.type} (not shown: it may be a secret)`;
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/**
 * A file that is not of the expected kind at all (a path pointing at /etc/shadow, say) gets one
 * issue that quotes none of its content: its lines could be anything, secrets included.
 */
function foreignDocument(error: ZodError, source: SourceDocument, basePath: KeyPath): InputIssue | undefined {
  if (basePath.length > 0) return undefined;
  const top = source.data;
  const where = { file: source.file, line: 1, column: 1, path: "(document)" };
  const hint = "— check that the path names the right file (its content is not shown)";
  if (top === null || typeof top !== "object" || Array.isArray(top)) {
    const rootTypeIssue = error.issues.some((issue) => issue.path.length === 0 && issue.code === "invalid_type");
    return rootTypeIssue
      ? { ...where, message: `is not the expected kind of file: it holds ${Array.isArray(top) ? "a list" : "plain text"}, not a mapping ${hint}` }
      : undefined;
  }
  const keys = Object.keys(top);
  // The root may be a union (a list, or a mapping holding it): look into every branch.
  const rootIssues = (issues: readonly ZodIssueLike[]): ZodIssueLike[] =>
    issues.flatMap((issue) =>
      issue.path.length > 0
        ? []
        : issue.code === "invalid_union" && "errors" in issue
          ? (issue.errors as ZodIssueLike[][]).flatMap((branch) => rootIssues(branch))
          : [issue],
    );
  const unknown = rootIssues(error.issues).find((issue) => issue.code === "unrecognized_keys") as { keys?: string[] } | undefined;
  if (keys.length > 0 && unknown?.keys && unknown.keys.length === keys.length) {
    return { ...where, message: `is not the expected kind of file: none of its ${keys.length} top-level key(s) is one this file may have ${hint}` };
  }
  return undefined;
}

/** A value that must not be quoted, only named by its type. */
class SecretValue {
  constructor(readonly type: string) {}
}

const SECRET_KEYS = /^(credentials|passphrase|password|secret|token)$/i;

function isSecretPath(path: KeyPath): boolean {
  return path.some((segment) => typeof segment === "string" && SECRET_KEYS.test(segment));
}

function valueAt(data: unknown, path: KeyPath): unknown {
  let node = data;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

/** Turns zod issues into positioned input issues with plain-language messages. */
export function issuesFromZod(error: ZodError, source: SourceDocument, basePath: KeyPath = []): InputIssue[] {
  const foreign = foreignDocument(error, source, basePath);
  if (foreign) return [foreign];
  const out: InputIssue[] = [];
  const visit = (issue: ZodIssueLike, prefix: KeyPath) => {
    const path = [...prefix, ...(issue.path as (string | number)[])];
    if (issue.code === "invalid_union" && "errors" in issue && issue.errors.length > 0) {
      // Report the branch that got furthest into the value: it is the one the author meant.
      const branches = issue.errors as ZodIssueLike[][];
      const depth = (branch: ZodIssueLike[]) => Math.max(...branch.map((i) => i.path.length));
      const best = branches.reduce((a, b) => (depth(b) > depth(a) ? b : a));
      if (depth(best) > 0 || branches.length === 1) {
        for (const inner of best) visit(inner, path);
        return;
      }
    }
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        const shown = printable(key.length > 40 ? `${key.slice(0, 37)}…` : key);
        out.push({ file: source.file, ...source.locate(keyPath, true), path: formatKeyPath(keyPath), message: issue.message.replace("{key}", shown) });
      }
      return;
    }
    const found = valueAt(source.data, path);
    // A value under a secret's key may be the secret itself, written where a reference belongs.
    const actual = isSecretPath(path) && found !== null && typeof found !== "object" && found !== undefined ? new SecretValue(typeof found) : found;
    let message = issue.message;
    if (issue.code === "invalid_type") {
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      message = actual === undefined ? `is required — expected ${expected}` : `expected ${expected}, got ${describeValue(actual)}`;
    } else if (issue.code === "invalid_value" && "values" in issue) {
      message = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(actual)}`;
    } else if (issue.code === "invalid_union") {
      message = `${describeValue(actual)} does not match any accepted form${issue.message && !issue.message.startsWith("Invalid input") ? ` — ${issue.message}` : ""}`;
    }
    out.push({ file: source.file, ...source.locate(path), path: formatKeyPath(path) || "(document)", message });
  };
  for (const issue of error.issues) visit(issue, basePath);
  return dedupe(out);
}

function dedupe(issues: InputIssue[]): InputIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.line}:${issue.column}:${issue.path}:${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Raises a {@link HardcheckError} for positioned issues, sorted by position. */
export function raise(code: HardcheckErrorCode, issues: InputIssue[]): never {
  const sorted = [...issues].sort((a, b) => compareText(a.file ?? "", b.file ?? "") || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  throw new HardcheckError(code, sorted);
}
