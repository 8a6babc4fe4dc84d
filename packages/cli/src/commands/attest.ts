/**
 * `hardcheck attest`: walks a pack's open manual items for one target in the terminal and appends
 * each answer, with who and when, to the attestations file. Existing entries and comments stay as
 * they are; a re-attestation is a new entry (the newest wins at scan time), so the file is a log.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { createInterface } from "node:readline";
import { type Attestation, HardcheckError, systemClock, targetOutOfScope } from "@hardcheck/core";
import { isMap, isSeq, parseDocument, YAMLSeq } from "yaml";
import { createInstance } from "../instance.js";
import type { CliIo } from "../io.js";

/** Options of `hardcheck attest`. */
export interface AttestOptions {
  readonly config: string;
  readonly pack: string;
  readonly target: string;
  /** Attestations file; default: the config's `attestations:` file, else attestations.yaml beside the config. */
  readonly file?: string;
  /** Who attests; default: the login name. */
  readonly by?: string;
  /** Ask about items that already have an attestation too. */
  readonly all?: boolean;
}

const VERDICTS: Readonly<Record<string, Attestation["verdict"]>> = {
  p: "pass",
  pass: "pass",
  f: "fail",
  fail: "fail",
  n: "not-applicable",
  na: "not-applicable",
  "not-applicable": "not-applicable",
};

/** `hardcheck attest --config FILE --pack P --target T`. Returns the exit code. */
export async function attestCommand(options: AttestOptions, io: CliIo): Promise<number> {
  const { hardcheck, config } = await createInstance(options.config, io.cwd);
  if (!config) return 2;
  const scan = await hardcheck.resolve(config, { packs: [options.pack] });
  const target = scan.targets.find((candidate) => candidate.id === options.target);
  if (!target) {
    throw new HardcheckError(
      "HC_USAGE",
      `--target ${options.target}: no such target in ${options.config} — targets: ${scan.targets.map((t) => t.id).join(", ")}`,
    );
  }
  if (Array.isArray(config.data.attestations) && !options.file) {
    throw new HardcheckError(
      "HC_USAGE",
      `${options.config} lists its attestations inline — move them to a file (attestations: ./attestations.yaml) or name one with --file`,
    );
  }
  const configured = typeof config.data.attestations === "string" ? resolve(config.baseDir, config.data.attestations) : undefined;
  const file = options.file ? resolve(io.cwd, options.file) : (configured ?? resolve(config.baseDir, "attestations.yaml"));
  const by = options.by ?? io.env.HARDCHECK_ATTEST_BY ?? userInfo().username;
  if (!by.trim()) throw new HardcheckError("HC_USAGE", "--by: say who attests (a name or e-mail)");

  const attested = new Set(scan.attestations.filter((entry) => entry.target === target.id).map((entry) => entry.rule));
  const rules = scan.rules
    .map((compiled) => compiled.rule)
    .filter((rule) => rule.manual && !targetOutOfScope(rule, target) && (options.all || !attested.has(rule.id)));
  if (rules.length === 0) {
    io.stdout.write(`${options.pack} on ${target.id}: no open manual items${options.all ? "" : " (--all asks about attested ones again)"}\n`);
    return 0;
  }

  io.stdout.write(`${options.pack} on ${target.id}: ${rules.length} manual item(s) to attest as ${by}. Answers go to ${displayPath(file, io.cwd)}.\n`);
  io.stdout.write("For each: p(ass), f(ail), n(ot applicable), s(kip) or q(uit); then an optional note and evidence link.\n");
  const answers = createLineReader(io);
  const entries: Attestation[] = [];
  try {
    walk: for (const [index, rule] of rules.entries()) {
      io.stdout.write(
        `\n[${index + 1}/${rules.length}] ${rule.id}${rule.checklistRef ? ` (${rule.checklistRef}, §${rule.section ?? "?"})` : ""} — ${rule.title}\n  ${rule.prompt ?? ""}\n`,
      );
      let verdict: Attestation["verdict"] | undefined;
      for (;;) {
        const answer = await answers.ask("  verdict [p/f/n/s/q]: ");
        if (answer === undefined) break walk;
        const key = answer.trim().toLowerCase();
        if (key === "q" || key === "quit") break walk;
        if (key === "s" || key === "skip" || key === "") continue walk;
        verdict = VERDICTS[key];
        if (verdict) break;
        io.stdout.write("  please answer p, f, n, s or q\n");
      }
      const note = (await answers.ask("  note (optional): "))?.trim() ?? "";
      const evidence = (await answers.ask("  evidence link (optional): "))?.trim() ?? "";
      if (verdict === "fail" && note === "") io.stdout.write("  (recorded without a note — say what is missing next time)\n");
      entries.push({
        rule: rule.id,
        target: target.id,
        verdict,
        by,
        at: (io.clock ?? systemClock).now().toISOString(),
        ...(note ? { note } : {}),
        ...(evidence ? { evidence } : {}),
      });
    }
  } finally {
    answers.close();
  }
  if (entries.length === 0) {
    io.stdout.write("\nnothing recorded\n");
    return 0;
  }
  await appendAttestations(file, entries);
  io.stdout.write(`\nrecorded ${entries.length} attestation(s) in ${displayPath(file, io.cwd)}\n`);
  if (!configured && !options.file) io.stdout.write(`add "attestations: ./${relative(config.baseDir, file)}" to ${options.config} so scans use them\n`);
  return 0;
}

/**
 * Appends entries to an attestations file (a YAML list, or `{ attestations: [...] }`), creating it
 * when absent. Editing the parsed document keeps the comments and layout people put there.
 */
export async function appendAttestations(file: string, entries: readonly Attestation[]): Promise<void> {
  if (!existsSync(file)) {
    const document = parseDocument("# Signed verdicts for items software cannot decide; the newest entry per rule and target wins.\nattestations: []\n");
    const list = document.get("attestations");
    if (isSeq(list)) list.flow = false;
    for (const entry of entries) (list as YAMLSeq).add(document.createNode(entry));
    await writeFile(file, String(document));
    return;
  }
  const document = parseDocument(await readFile(file, "utf8"));
  if (document.errors.length > 0) throw new HardcheckError("HC_CONFIG_INVALID", `${file}: not valid YAML — ${document.errors[0]?.message ?? "parse error"}`);
  let list: unknown = document.contents;
  if (isMap(list)) {
    if (!list.has("attestations")) list.set("attestations", document.createNode([]));
    list = list.get("attestations");
  } else if (list === null) {
    document.contents = document.createNode({ attestations: [] }) as typeof document.contents;
    list = (document.contents as unknown as { get(key: string): unknown }).get("attestations");
  }
  if (!isSeq(list)) throw new HardcheckError("HC_CONFIG_INVALID", `${file}: expected a list of attestations or { attestations: [...] }`);
  list.flow = false;
  for (const entry of entries) list.add(document.createNode(entry));
  await writeFile(file, String(document));
}

/** Reads answers line by line; works for a terminal and for piped input alike. */
export function createLineReader(io: CliIo): { ask(question: string): Promise<string | undefined>; close(): void } {
  const input = io.stdin;
  if (!input) throw new HardcheckError("HC_USAGE", "attest needs an interactive terminal (standard input)");
  const lines = createInterface({ input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  const iterator = lines[Symbol.asyncIterator]();
  return {
    async ask(question) {
      io.stdout.write(question);
      const next = await iterator.next();
      if (next.done) return undefined;
      if (!io.stdin?.isTTY) io.stdout.write(`${next.value}\n`);
      return next.value;
    },
    close: () => lines.close(),
  };
}

function displayPath(file: string, cwd: string): string {
  const shown = relative(cwd, file);
  return shown.startsWith("..") || isAbsolute(shown) ? file : shown || dirname(file);
}
