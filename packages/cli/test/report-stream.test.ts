import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildReport,
  type OpenedReport,
  openReportStream,
  type ReportResult,
  type ReportRule,
  ReportTableBuilder,
  type ReportTarget,
  serializeReport,
  withRuleFields,
} from "@hardcheck/core";
import { consoleStream } from "@hardcheck/reporters";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planFormats } from "../src/commands/render.js";
import { createInstance } from "../src/instance.js";
import { addSavedTargets, SPOOL_MEMORY_CHARS, StreamedReportWriter } from "../src/report-stream.js";

const FORMATS = ["junit", "sarif", "markdown", "html"];
const rules: ReportRule[] = ["TLS-CERT", "TLS-PROTO"].map((id) => ({
  id,
  pack: "tls-baseline",
  checklistRef: null,
  section: null,
  title: `rule ${id}`,
  severity: "medium",
  rationale: "because",
  remediation: "fix it",
  manual: false,
}));

/** Two results per endpoint, one of them failing on every third target. */
function endpointResults(target: string, n: number): ReportResult[] {
  const endpoint = `tls://${target}:443`;
  const base = { pack: "tls-baseline", target, endpoint, message: "" };
  const protocols = n % 3 === 0 ? ["TLSv1.0", "TLSv1.2"] : ["TLSv1.2", "TLSv1.3"];
  return [
    {
      ...base,
      ruleId: "TLS-CERT",
      status: "pass",
      conditions: [{ where: "all[0]", fact: "tls.certificate", path: "issuer", operator: "equals", expected: "CN=CA", actual: "CN=CA", outcome: "pass" }],
      evidence: { "tls.certificate": { subject: `CN=${target}`, issuer: "CN=CA" } },
    },
    {
      ...base,
      ruleId: "TLS-PROTO",
      status: n % 3 === 0 ? "fail" : "pass",
      conditions: [
        {
          where: "all[0]",
          fact: "tls.protocols",
          operator: "subsetOf",
          expected: ["TLSv1.2", "TLSv1.3"],
          actual: protocols,
          outcome: n % 3 === 0 ? "fail" : "pass",
        },
      ],
      evidence: { "tls.protocols": protocols },
    },
  ];
}

/**
 * Writes every built-in format of the saved report through a writer whose spools hold
 * `memoryChars` in memory, as `report --from` does; returns the files, the console text and the
 * scratch files that stood beside the reports just before they were put together.
 */
async function render(dir: string, from: string, out: string, memoryChars: number) {
  const outDir = join(dir, out);
  await mkdir(outDir, { recursive: true });
  const { hardcheck } = await createInstance(undefined, dir);
  const plan = await planFormats(FORMATS, undefined, hardcheck, outDir, { color: false });
  if (!plan || plan.afterwards.length > 0) throw new Error("the built-in formats stream");
  const files = plan.streams;
  const opened: OpenedReport = await openReportStream(from, from);
  if (opened.kind !== "stream") throw new Error("the saved report is in the line layout");
  const { header, evidenceBySource } = opened.stream;
  const writer = new StreamedReportWriter(
    join(outDir, "hardcheck.json"),
    new ReportTableBuilder((result) => evidenceBySource.has(`${result.pack}|${result.ruleId}`)),
    new Map(header.targets.map((target) => [target.id, target])),
    "none",
    { consoleView: consoleStream({ color: false, verbose: true }), files, spoolMemoryChars: memoryChars },
  );
  writer.start({ tool: header.tool, startedAt: header.startedAt });
  await addSavedTargets(writer, opened.stream);
  const scratch = (await readdir(outDir)).filter((name) => name.endsWith(".tmp"));
  let printed = "";
  await writer.finish(header, (text) => {
    printed += text;
  });
  const written = (await readdir(outDir)).sort();
  const contents = Object.fromEntries(await Promise.all(written.map(async (name) => [name, await readFile(join(outDir, name), "utf8")] as const)));
  return { scratch, written, contents, printed };
}

describe("the streamed report writer's spools", () => {
  let dir: string;
  let from: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hardcheck-report-stream-"));
    const ids = Array.from({ length: 40 }, (_, i) => `host-${String(i).padStart(3, "0")}.example`);
    const targets: ReportTarget[] = ids.map((id) => ({ id, host: id, os: null, tags: [], endpoints: [`tls://${id}:443`] }));
    const document = buildReport({
      tool: { name: "hardcheck", version: "0.0.0-test" },
      startedAt: "2026-01-01T00:00:00.000Z",
      finishedAt: "2026-01-01T00:01:00.000Z",
      evaluatedAt: "2026-01-01T00:00:00.000Z",
      incomplete: false,
      packs: [{ id: "tls-baseline", title: "TLS baseline", version: "1.0.0" }],
      targets,
      // The last five targets have no results: they still stand in every format.
      results: ids.slice(0, -5).flatMap((id, n) => endpointResults(id, n)),
      notices: [],
      rules,
      evidenceBySource: new Set(),
    });
    from = join(dir, "saved.json");
    await writeFile(from, serializeReport(document));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("write the same bytes whether they stay in memory, move to scratch files midway, or start there", async () => {
    const inMemory = await render(dir, from, "memory", SPOOL_MEMORY_CHARS);
    const midway = await render(dir, from, "midway", 2_000);
    const onDisk = await render(dir, from, "disk", 0);
    // A small report never touches the disk twice; the others did spool to scratch files.
    expect(inMemory.scratch).toEqual([]);
    expect(midway.scratch.length).toBeGreaterThan(0);
    // Spooling from the first character, every spool given text had a scratch file (some formats write their body at the end).
    const parts = onDisk.scratch.map((name) => name.replace(/\.\d+\.[0-9a-f]{8}\.tmp$/, ""));
    expect(parts).toEqual(
      expect.arrayContaining([".hardcheck.json.facts", ".hardcheck.json.conditions", ".hardcheck.json.results", ".hardcheck.json.console"]),
    );
    expect(parts).toContain(".hardcheck.html.body");
    const expectedFiles = ["hardcheck.html", "hardcheck.json", "hardcheck.junit.xml", "hardcheck.md", "hardcheck.sarif"];
    for (const run of [inMemory, midway, onDisk]) expect(run.written).toEqual(expectedFiles);
    expect(midway.contents).toEqual(inMemory.contents);
    expect(onDisk.contents).toEqual(inMemory.contents);
    expect(midway.printed).toBe(inMemory.printed);
    expect(onDisk.printed).toBe(inMemory.printed);
    // The document is the saved one, rewritten whole (tool and times come from its header).
    expect(JSON.parse(inMemory.contents["hardcheck.json"] as string).results.length).toBeGreaterThan(0);
    expect(inMemory.printed).toContain("host-039.example");
  });

  it("discard a writer mid-write without an uncaught stream error, and leave no scratch file", async () => {
    const outDir = join(dir, "discarded");
    await mkdir(outDir, { recursive: true });
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", record);
    try {
      // Several writers, each thrown away while its last writes are still in flight.
      for (let round = 0; round < 8; round++) {
        const writer = new StreamedReportWriter(join(outDir, "hardcheck.json"), new ReportTableBuilder(() => false), new Map(), "none", {
          spoolMemoryChars: 0,
        });
        for (let i = 0; i < 60; i++) {
          const id = `host-${String(i).padStart(3, "0")}.example`;
          await writer.add(
            id,
            endpointResults(id, i).map((result) =>
              withRuleFields(
                result,
                rules.find((rule) => rule.id === result.ruleId),
              ),
            ),
          );
        }
        await writer.discard();
      }
      await new Promise((settle) => setTimeout(settle, 100));
    } finally {
      process.off("uncaughtException", record);
    }
    expect(uncaught).toEqual([]);
    expect(await readdir(outDir)).toEqual([]);
  });
});
