/**
 * Writes `hardcheck.json` and the other built-in formats target by target, as a scan, a merge or
 * `report --from` hands results over: each target's results, fact records and new conditions (and
 * each format's text) are spooled as soon as the target is done (in memory up to
 * {@link SPOOL_MEMORY_CHARS} per list, then in scratch files), and the files are assembled from them
 * at the end, byte for byte what the whole-document renderers write. Memory holds only the targets
 * in flight and those bounded spools, however many the report covers.
 */
import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import {
  type CheckResult,
  compareResults,
  compareTargetIds,
  type ReportStream,
  type ReportTableBuilder,
  type ReportTarget,
  type ResultSink,
  reportListItems,
  SEVERITIES,
  type Severity,
  type StreamedReport,
  serializeReportFieldParts,
  withRuleFields,
} from "@hardcheck/core";
import type { ConsoleStream, FormatStream, ReportStart } from "@hardcheck/reporters";
import { scratchFileBeside, writeFileAtomicFrom } from "./atomic-write.js";

/** The lists of a document that grow with the scan, in the order they are written. */
const LISTS = ["facts", "conditions", "results"] as const;
type ListName = (typeof LISTS)[number];

/**
 * Text a spool holds in memory before it moves to a scratch file: a small scan's report is put
 * together without touching the disk twice, and a large one holds at most this much per spool.
 */
export const SPOOL_MEMORY_CHARS = 1 << 20;

/**
 * A list's elements (or a format's body), separated as the document separates them: in memory up to
 * a bound, then in a scratch file beside the report.
 */
class Spool {
  #held: string[] = [];
  #heldChars = 0;
  #scratch: ReturnType<typeof scratchFileBeside> | undefined;
  #out: WriteStream | undefined;
  #failure: Error | undefined;
  count = 0;

  constructor(
    private readonly beside: string,
    private readonly part: string,
    private readonly memoryChars: number,
  ) {}

  /** Appends list elements, each as its text (one line, or several for a group). */
  async write(items: readonly string[]): Promise<void> {
    if (items.length === 0) return;
    const text = `${this.count === 0 ? "" : ",\n"}${items.join(",\n")}`;
    this.count += items.length;
    await this.writeText(text);
  }

  /** Appends text as it is. */
  async writeText(text: string): Promise<void> {
    if (this.#out === undefined) {
      if (this.#heldChars + text.length <= this.memoryChars) {
        this.#held.push(text);
        this.#heldChars += text.length;
        return;
      }
      this.#scratch = scratchFileBeside(this.beside, this.part);
      this.#out = createWriteStream(this.#scratch.path, { mode: 0o600 });
      // A write failure surfaces through `drain`/`close` below; one after `discard` (a stream destroyed
      // mid-write) must not end the process as an uncaught error.
      this.#out.on("error", (error) => {
        this.#failure ??= error;
      });
      const held = this.#take();
      if (held !== "") await this.#send(held);
    }
    await this.#send(text);
  }

  async #send(text: string): Promise<void> {
    const out = this.#out as WriteStream;
    if (this.#failure) throw this.#failure;
    if (!out.write(text)) await Promise.race([once(out, "drain"), once(out, "close")]);
    if (this.#failure) throw this.#failure;
  }

  /** The text held in memory, which the spool then no longer holds. */
  #take(): string {
    const text = this.#held.join("");
    this.#held = [];
    this.#heldChars = 0;
    return text;
  }

  /** Ends writing; the text can then be read. */
  async close(): Promise<void> {
    if (this.#out === undefined) return;
    if (!this.#out.closed) {
      this.#out.end();
      await once(this.#out, "close");
    }
    if (this.#failure) throw this.#failure;
  }

  /** Appends the spooled text to an open file, after {@link close}. */
  async copyInto(handle: FileHandle): Promise<void> {
    if (this.#scratch) await copyFileInto(handle, this.#scratch.path);
    else if (this.#heldChars > 0) await handle.write(this.#take());
  }

  /** The spooled text in pieces, after {@link close}. */
  async *chunks(): AsyncIterable<string> {
    if (this.#scratch) {
      for await (const chunk of createReadStream(this.#scratch.path, { encoding: "utf8" })) yield chunk as string;
    } else if (this.#heldChars > 0) {
      yield this.#take();
    }
  }

  async discard(): Promise<void> {
    this.#held = [];
    this.#heldChars = 0;
    this.#out?.destroy();
    await this.#scratch?.discard();
  }
}

/** What the streamed scan decided, for the exit code and the console. */
export interface StreamedOutcome {
  /** True when a result failed or erred at or above the `--fail-on` severity. */
  readonly failing: boolean;
}

/** Another report file written as targets finish: where it goes, and its format's stream. */
export interface StreamedFile {
  readonly path: string;
  readonly stream: FormatStream;
}

/** What a {@link StreamedReportWriter} writes besides `hardcheck.json`, and what it calls after each target. */
export interface StreamedWriterOptions {
  /** The console view, kept in a scratch file and handed to `finish`'s `toConsole`. */
  readonly consoleView?: ConsoleStream;
  /** Other report files (JUnit, SARIF, Markdown, HTML), each put together atomically at the end. */
  readonly files?: readonly StreamedFile[];
  /** Called once a target is written (the heap budget). */
  readonly afterTarget?: () => void;
  /** Text each spool holds in memory before it moves to a scratch file (default {@link SPOOL_MEMORY_CHARS}). */
  readonly spoolMemoryChars?: number;
  /** False: write only the other files and the console view, not `hardcheck.json` (whose path then only places scratch files). */
  readonly json?: boolean;
}

/**
 * A {@link ResultSink} that writes `hardcheck.json` (and, when asked, the console view and other
 * streamable report files) as targets finish.
 */
export class StreamedReportWriter implements ResultSink {
  readonly #lists: Record<ListName, Spool> | undefined;
  readonly #console: Spool | undefined;
  readonly #files: readonly (StreamedFile & { readonly spool: Spool })[];
  #failing = false;

  constructor(
    private readonly jsonPath: string,
    private readonly tables: ReportTableBuilder,
    private readonly targets: ReadonlyMap<string, ReportTarget>,
    private readonly failOn: Severity | "none",
    private readonly options: StreamedWriterOptions = {},
  ) {
    const memory = options.spoolMemoryChars ?? SPOOL_MEMORY_CHARS;
    const spool = (beside: string, part: string) => new Spool(beside, part, memory);
    this.#lists =
      options.json === false ? undefined : { facts: spool(jsonPath, "facts"), conditions: spool(jsonPath, "conditions"), results: spool(jsonPath, "results") };
    this.#console = options.consoleView ? spool(jsonPath, "console") : undefined;
    this.#files = (options.files ?? []).map((file) => ({ ...file, spool: spool(file.path, "body") }));
  }

  start(report: ReportStart): void {
    for (const file of this.#files) file.stream.start(report);
  }

  async add(targetId: string, results: readonly CheckResult[]): Promise<void> {
    const ordered = [...results].sort(compareResults);
    const lists = this.#lists;
    if (lists) {
      const part = this.tables.add(ordered);
      for (const name of LISTS) await lists[name].write(reportListItems(name, part[name]));
    }
    const target = this.targets.get(targetId) ?? { id: targetId };
    for (const file of this.#files) await file.spool.writeText(file.stream.target(target, ordered));
    if (this.failOn !== "none" && !this.#failing) {
      const threshold = SEVERITIES.indexOf(this.failOn);
      this.#failing = results.some((result) => (result.status === "fail" || result.status === "error") && SEVERITIES.indexOf(result.severity) <= threshold);
    }
    const view = this.options.consoleView;
    if (this.#console && view) await this.#console.writeText(view.target(this.targets.get(targetId) ?? { id: targetId, host: null }, results));
    this.options.afterTarget?.();
  }

  /**
   * Assembles `hardcheck.json` (unless left out) from the rest of the report and the spooled lists,
   * and every other file, each atomically; writes the console view (when one was asked for) to `toConsole`, and returns the verdict for
   * the exit code.
   */
  async finish(report: StreamedReport, toConsole?: (text: string) => void): Promise<StreamedOutcome> {
    try {
      return await this.#finish(report, toConsole);
    } finally {
      // Whatever failed on the way, no scratch file outlives the writer.
      await this.discard();
    }
  }

  async #finish(report: StreamedReport, toConsole: ((text: string) => void) | undefined): Promise<StreamedOutcome> {
    const lists = this.#lists;
    await this.#console?.close();
    if (lists) await this.#writeJson(report, lists);
    for (const file of this.#files) {
      await file.spool.close();
      const { head, tail } = file.stream.end(report);
      await writeFileAtomicFrom(file.path, async (handle) => {
        await writeParts(handle, head);
        await file.spool.copyInto(handle);
        await handle.write(tail);
      });
      await file.spool.discard();
    }
    const view = this.options.consoleView;
    if (this.#console && view && toConsole) {
      for await (const chunk of this.#console.chunks()) toConsole(chunk);
      toConsole(view.end(report));
    }
    await this.#console?.discard();
    return { failing: this.#failing };
  }

  /** Assembles `hardcheck.json` from the report's fields and the spooled lists, atomically. */
  async #writeJson(report: StreamedReport, lists: Record<ListName, Spool>): Promise<void> {
    for (const name of LISTS) await lists[name].close();
    await writeFileAtomicFrom(this.jsonPath, async (handle) => {
      const fields = Object.entries(report).filter(([, value]) => value !== undefined);
      let first = true;
      const next = async (text: string) => {
        await handle.write(`${first ? "{\n" : ",\n"}${text}`);
        first = false;
      };
      for (const [key, value] of fields) {
        // A long list in parts: a merge of 100,000 targets never builds their text in one string.
        let opening = true;
        for (const part of serializeReportFieldParts(key, value)) {
          if (opening) await next(part);
          else await handle.write(part);
          opening = false;
        }
        // The growing lists come right after the targets, where the document keeps them.
        if (key === "targets") for (const name of LISTS) await this.#writeList(handle, lists[name], name, next);
      }
      await handle.write("\n}\n");
    });
    for (const name of LISTS) await lists[name].discard();
  }

  async #writeList(handle: FileHandle, spool: Spool, name: ListName, next: (text: string) => Promise<void>): Promise<void> {
    if (spool.count === 0) return next(`${JSON.stringify(name)}: []`);
    await next(`${JSON.stringify(name)}: [\n`);
    await spool.copyInto(handle);
    await handle.write("\n]");
  }

  /** Removes the scratch files (a scan that failed before the document could be written). */
  async discard(): Promise<void> {
    for (const name of LISTS) await this.#lists?.[name].discard();
    for (const file of this.#files) await file.spool.discard();
    await this.#console?.discard();
  }
}

/** How much of a head given in parts is gathered before it is written. */
const PARTS_BATCH_CHARS = 1 << 16;

/** Writes a format's head, given at once or in parts, a batch of parts at a time. */
async function writeParts(handle: FileHandle, head: string | Iterable<string>): Promise<void> {
  if (typeof head === "string") {
    await handle.write(head);
    return;
  }
  let batch: string[] = [];
  let length = 0;
  for (const part of head) {
    batch.push(part);
    length += part.length;
    if (length >= PARTS_BATCH_CHARS) {
      await handle.write(batch.join(""));
      batch = [];
      length = 0;
    }
  }
  if (batch.length > 0) await handle.write(batch.join(""));
}

/** Size of the one buffer a spool is copied through. */
const COPY_BUFFER_BYTES = 1 << 20;

/**
 * Appends a file to an open handle through one reused buffer. A read stream would allocate a buffer
 * per chunk, and a large report's spools (75 MiB at 10,000 endpoints) left that much garbage outside
 * the heap, which the process's peak then showed.
 */
async function copyFileInto(handle: FileHandle, path: string): Promise<void> {
  const source = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(COPY_BUFFER_BYTES);
    for (;;) {
      const { bytesRead } = await source.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      for (let written = 0; written < bytesRead; ) written += (await handle.write(buffer, written, bytesRead - written)).bytesWritten;
    }
  } finally {
    await source.close();
  }
}

/**
 * The targets a report lists, handed to a writer in the order results come (by code unit), so that
 * those without results reach the other formats too, in the place a whole-document rendering gives them.
 */
export class ListedTargets {
  readonly #ids: readonly string[];
  #next = 0;
  #last: string | undefined;

  constructor(ids: Iterable<string>) {
    this.#ids = [...new Set(ids)].sort(compareTargetIds);
  }

  /**
   * Adds, without results, every listed target before `target` that has not been added; `target`
   * itself counts as added. Targets must come in order: one that goes back is a reader's fault,
   * and would stand twice in the files.
   */
  async before(target: string, add: (id: string) => Promise<void>): Promise<void> {
    if (this.#last !== undefined && compareTargetIds(target, this.#last) <= 0) throw new Error(`target ${target} handed over after ${this.#last}`);
    this.#last = target;
    for (; this.#next < this.#ids.length; this.#next++) {
      const id = this.#ids[this.#next] as string;
      const order = compareTargetIds(id, target);
      if (order === 0) this.#next++;
      if (order >= 0) return;
      await add(id);
    }
  }

  /** Adds, without results, every listed target not added yet. */
  async rest(add: (id: string) => Promise<void>): Promise<void> {
    for (; this.#next < this.#ids.length; this.#next++) await add(this.#ids[this.#next] as string);
  }
}

/**
 * Hands a saved report's results to `writer` target by target, each result with its rule's fields,
 * and every listed target without results in its place; a failure on the way discards the writer.
 */
export async function addSavedTargets(writer: StreamedReportWriter, stream: ReportStream): Promise<void> {
  const { header, targets } = stream;
  const rules = new Map(header.rules.map((rule) => [`${rule.pack}|${rule.id}`, rule]));
  const listed = new ListedTargets(header.targets.map((target) => target.id));
  const addEmpty = (id: string) => writer.add(id, []);
  try {
    for await (const part of targets()) {
      await listed.before(part.target, addEmpty);
      await writer.add(
        part.target,
        part.join().map((result) => withRuleFields(result, rules.get(`${result.pack}|${result.ruleId}`))),
      );
    }
    await listed.rest(addEmpty);
  } catch (error) {
    await writer.discard();
    throw error;
  }
}
