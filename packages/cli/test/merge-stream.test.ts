import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildReport,
  compareTargetIds,
  fnv1a,
  mergeReports,
  openReportStream,
  parseReport,
  type ReportDocument,
  type ReportResult,
  type ReportRule,
  type ReportTarget,
  serializeReport,
} from "@hardcheck/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitCodeFor } from "../src/commands/exit-code.js";
import { main } from "../src/program.js";
import { expectRenderedAsWhole, junitSuites } from "./support/rendered.js";

async function inProcess(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { NO_COLOR: "1" },
    cwd,
  });
  return { code, stdout, stderr };
}

const RULES = ["TLS-CERT", "TLS-PROTO", "TLS-CIPHER", "TLS-HSTS", "TLS-MULTI"];
const rules: ReportRule[] = RULES.map((id) => ({
  id,
  pack: "tls-baseline",
  checklistRef: null,
  section: null,
  title: `rule ${id}`,
  severity: id === "TLS-PROTO" ? "high" : "medium",
  rationale: "because",
  remediation: "fix it",
  manual: false,
}));

/** The results of one endpoint: a certificate shared by every target of its group (so `sameAs` crosses targets). */
function endpointResults(target: string, n: number): ReportResult[] {
  const endpoint = `tls://${target}:443`;
  const certificate = {
    subject: `CN=group-${n % 3}.example`,
    issuer: "CN=Test CA",
    san: [`group-${n % 3}.example`, "*.example"],
    notAfter: "2030-01-01T00:00:00Z",
  };
  const protocols = ["TLSv1.2", "TLSv1.3"];
  const ciphers = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", n % 2 === 0 ? "ECDHE-RSA-AES128-SHA" : "ECDHE-RSA-AES256-GCM-SHA384"];
  const base = { pack: "tls-baseline", target, endpoint, message: "" };
  return [
    {
      ...base,
      ruleId: "TLS-CERT",
      status: "pass",
      conditions: [
        { where: "all[0]", fact: "tls.certificate", path: "issuer", operator: "equals", expected: "CN=Test CA", actual: "CN=Test CA", outcome: "pass" },
      ],
      evidence: { "tls.certificate": certificate },
    },
    {
      ...base,
      ruleId: "TLS-PROTO",
      status: n % 5 === 0 ? "fail" : "pass",
      conditions: [{ where: "all[0]", fact: "tls.protocols", operator: "subsetOf", expected: ["TLSv1.2", "TLSv1.3"], actual: protocols, outcome: "pass" }],
      evidence: { "tls.protocols": protocols },
    },
    {
      ...base,
      ruleId: "TLS-CIPHER",
      status: n % 2 === 0 ? "fail" : "pass",
      conditions: [{ where: "all[0]", fact: "tls.ciphers", operator: "noneMatch", expected: "-SHA$", actual: ciphers, outcome: n % 2 === 0 ? "fail" : "pass" }],
      evidence: { "tls.ciphers": ciphers, "tls.certificate": certificate },
    },
    {
      ...base,
      ruleId: "TLS-HSTS",
      status: "not-applicable",
      conditions: [{ where: "all[0]", fact: "http.hsts", operator: "exists", expected: true, outcome: "not-evaluated" }],
      evidence: {},
    },
    {
      ...base,
      ruleId: "TLS-MULTI",
      status: "pass",
      conditions: [
        { where: `network ${endpoint} all[0]`, fact: "tls.protocols", operator: "contains", expected: "TLSv1.3", actual: protocols, outcome: "pass" },
      ],
      evidence: { [`network ${endpoint}`]: { "tls.protocols": protocols, "tls.certificate": certificate } },
    },
  ];
}

/** A shard report of the given targets, as `scan --shard I/N` would write it. */
function shardDocument(ids: readonly string[], index: number, count: number): ReportDocument {
  const targets: ReportTarget[] = ids.map((id) => ({ id, host: id, os: null, tags: [], endpoints: [`tls://${id}:443`] }));
  return buildReport({
    tool: { name: "hardcheck", version: "0.0.0-test" },
    startedAt: `2026-01-01T00:00:0${index}.000Z`,
    finishedAt: `2026-01-01T00:01:0${index}.000Z`,
    evaluatedAt: `2026-01-01T00:00:0${index}.000Z`,
    incomplete: false,
    packs: [{ id: "tls-baseline", title: "TLS baseline", version: "1.0.0" }],
    targets,
    results: ids.flatMap((id) => endpointResults(id, Number(id.slice(5, 9)))),
    notices: [{ level: "info", code: "HC_TEST", message: `shard ${index}` }],
    rules,
    evidenceBySource: new Set(["tls-baseline|TLS-MULTI"]),
    shard: `${index}/${count}`,
  });
}

const COUNT = 4;
const EMPTY_SHARD = 4;

describe("merge streams shards in the line layout", () => {
  let dir: string;
  let texts: string[];
  let expected: string;
  const files = Array.from({ length: COUNT }, (_, i) => `shard-${i + 1}.json`);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hardcheck-merge-stream-"));
    // Targets of every shard but one: that shard is a scan that got no targets.
    const ids = Array.from({ length: 60 }, (_, i) => `host-${String(i).padStart(4, "0")}.example`).filter((id) => fnv1a(id) % COUNT !== EMPTY_SHARD - 1);
    const documents = files.map((_, i) =>
      shardDocument(
        ids.filter((id) => fnv1a(id) % COUNT === i),
        i + 1,
        COUNT,
      ),
    );
    texts = documents.map((document) => serializeReport(document));
    for (const [i, file] of files.entries()) await writeFile(join(dir, file), texts[i] as string);
    expected = serializeReport(mergeReports(texts.map((text, i) => parseReport(JSON.parse(text), files[i] as string))));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes byte for byte the document the whole-document merge writes", async () => {
    expect(texts[EMPTY_SHARD - 1]).toContain('"results": []');
    expect(texts.some((text) => /"sameAs":\d+/.test(text))).toBe(true);
    const streamed = await inProcess(["merge", ...files, "--out", "streamed"], dir);
    expect(streamed.code, streamed.stderr).toBe(0);
    expect(streamed.stderr).not.toContain("read whole");
    const bytes = await readFile(join(dir, "streamed", "hardcheck.json"), "utf8");
    expect(bytes).toBe(expected);
    // Asked for another format too, the merge writes the same document beside it.
    const withMarkdown = await inProcess(["merge", ...files, "--out", "with-markdown", "--format", "json,markdown"], dir);
    expect(withMarkdown.code, withMarkdown.stderr).toBe(0);
    expect(await readFile(join(dir, "with-markdown", "hardcheck.json"), "utf8")).toBe(bytes);
    expect(await readdir(join(dir, "streamed"))).toEqual(["hardcheck.json"]);
  });

  it("writes every built-in format as its renderer writes it from the merged document, targets without results included", async () => {
    // An interrupted shard lists targets it never reached: they have no results but stand in the page, JUnit and the rest.
    const reached = shardDocument(["Host-9000.example", "host-9001.example"], 1, 2);
    const unreached: ReportTarget[] = ["Host-8000.example", "host-9000a.example", "zz-host.example"].map((id) => ({
      id,
      host: id,
      os: null,
      tags: [],
      endpoints: [`tls://${id}:443`],
    }));
    const interrupted = { ...reached, incomplete: true, targets: [...reached.targets, ...unreached] };
    const other = shardDocument(["host-9002.example", "Host-9003.example"], 2, 2);
    const names = ["partial-1.json", "partial-2.json"];
    await writeFile(join(dir, names[0] as string), serializeReport(interrupted));
    await writeFile(join(dir, names[1] as string), serializeReport(other));
    const formats = "json,junit,sarif,markdown,html";
    const merged = await inProcess(["merge", ...names, "--out", "partial", "--format", formats], dir);
    // An incomplete shard makes the merge exit 1, and still writes every file.
    expect(merged.code, merged.stderr).toBe(1);
    await expectRenderedAsWhole(join(dir, "partial"), mergeReports([interrupted, other]), formats.split(","));
    expect(await junitSuites(join(dir, "partial", "hardcheck.junit.xml"))).toEqual([
      "Host-8000.example",
      "Host-9000.example",
      "Host-9003.example",
      "host-9000a.example",
      "host-9001.example",
      "host-9002.example",
      "zz-host.example",
    ]);
  });

  it("judges --fail-on from the streamed results", async () => {
    // The verdict the whole merged document gives, as scan and report judge it.
    const document = mergeReports(texts.map((text, i) => parseReport(JSON.parse(text), files[i] as string)));
    const failing = await inProcess(["merge", ...files, "--out", "gate-high", "--fail-on", "high"], dir);
    expect(failing.code, failing.stderr).toBe(exitCodeFor(document, "high"));
    expect(failing.code).toBe(1);
    const streamed = await inProcess(["merge", ...files, "--out", "gate-critical", "--fail-on", "critical", "--format", "json,markdown"], dir);
    expect(streamed.code).toBe(exitCodeFor(document, "critical"));
    expect(streamed.code).toBe(0);
  });

  it("streams shards of schema version 3 (ungrouped, a record per line) into the same document", async () => {
    // What version 3 wrote: the flat lists, results of a target by pack, rule and endpoint, one record per line.
    const v3Text = (text: string) => {
      const document = parseReport(JSON.parse(text), "shard.json");
      const results = [...document.results].sort(
        (a, b) =>
          compareTargetIds(a.target, b.target) ||
          a.pack.localeCompare(b.pack) ||
          a.ruleId.localeCompare(b.ruleId) ||
          (a.endpoint ?? "").localeCompare(b.endpoint ?? ""),
      );
      const fields = Object.entries({ ...document, schemaVersion: 3, results }).filter(([, value]) => value !== undefined);
      const line = ([key, value]: [string, unknown]) =>
        Array.isArray(value) && value.length > 0
          ? `${JSON.stringify(key)}: [\n${value.map((item) => JSON.stringify(item)).join(",\n")}\n]`
          : `${JSON.stringify(key)}: ${JSON.stringify(value)}`;
      return `{\n${fields.map(line).join(",\n")}\n}\n`;
    };
    const names = files.map((file) => `v3-${file}`);
    for (const [i, name] of names.entries()) await writeFile(join(dir, name), v3Text(texts[i] as string));
    const opened = await openReportStream(join(dir, names[0] as string), names[0] as string);
    expect(opened.kind).toBe("stream");
    const merged = await inProcess(["merge", ...names, "--out", "from-v3"], dir);
    expect(merged.code, merged.stderr).toBe(0);
    expect(await readFile(join(dir, "from-v3", "hardcheck.json"), "utf8")).toBe(expected);
  });

  it("merges a shard reformatted by jq by reading it whole, with one note", async () => {
    const pretty = `${JSON.stringify(JSON.parse(texts[0] as string), null, 2)}\n`;
    await writeFile(join(dir, "pretty-1.json"), pretty);
    const merged = await inProcess(["merge", "pretty-1.json", ...files.slice(1), "--out", "pretty"], dir);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr.match(/read whole/g)).toHaveLength(1);
    expect(merged.stderr).toContain("pretty-1.json: read whole — it is not in the line layout");
    expect(await readFile(join(dir, "pretty", "hardcheck.json"), "utf8")).toBe(expected);
  });

  it("reads a record's own fields only, as parseReport does: a result cannot move itself to another pack or endpoint", async () => {
    const moved = edited("results", 1, (line) => line.replace('"status":', '"pack":"zz","endpoint":"evil://","target":"zz","status":'));
    const valued = edited("facts", firstSameAs(), (line) => line.replace('"sameAs":', '"value":"kept","sameAs":'));
    for (const [name, text] of [
      ["moved-1.json", moved],
      ["valued-1.json", valued],
    ] as const) {
      await writeFile(join(dir, name), text);
      const out = `own-fields-${name}`;
      const merged = await inProcess(["merge", name, ...files.slice(1), "--out", out], dir);
      expect(merged.code, merged.stderr).toBe(0);
      expect(merged.stderr).not.toContain("read whole");
      // Byte for byte the merge of the same shards read whole.
      const whole = serializeReport(mergeReports([text, ...texts.slice(1)].map((shard, i) => parseReport(JSON.parse(shard as string), files[i] as string))));
      expect(await readFile(join(dir, out, "hardcheck.json"), "utf8")).toBe(whole);
    }
    expect(await readFile(join(dir, "own-fields-moved-1.json", "hardcheck.json"), "utf8")).toBe(expected);
  });

  /** Lines of shard 1 with the list element `index` of `list` replaced by `edit(line)`. */
  function edited(list: string, index: number, edit: (line: string) => string): string {
    const lines = (texts[0] as string).split("\n");
    const start = lines.indexOf(`"${list}": [`);
    expect(start).toBeGreaterThan(0);
    const at = start + 1 + index;
    const before = lines[at] as string;
    lines[at] = edit(before);
    expect(lines[at], "the edit changes the record").not.toBe(before);
    return lines.join("\n");
  }

  it("report --from reads a file whose results within a target are out of order whole, and renders it as the renderers do", async () => {
    const lines = (texts[0] as string).split("\n");
    const at = lines.indexOf('"results": [') + 2;
    // Two checks of one group swapped: the file is still valid, its order is not the one a writer keeps.
    [lines[at], lines[at + 1]] = [lines[at + 1] as string, lines[at] as string];
    expect(lines[at]).toContain('"ruleId":"TLS-CIPHER"');
    const text = lines.join("\n");
    await writeFile(join(dir, "swapped.json"), text);
    const opened = await openReportStream(join(dir, "swapped.json"), "swapped.json");
    expect(opened.kind === "whole" && opened.reason).toBe("order");
    const formats = "json,junit,sarif,markdown,html";
    const rendered = await inProcess(["report", "--from", "swapped.json", "--out", "swapped", "--format", formats, "--stdout", "console"], dir);
    expect(rendered.code, rendered.stderr).toBe(0);
    await expectRenderedAsWhole(join(dir, "swapped"), parseReport(JSON.parse(text), "swapped.json"), formats.split(","), rendered.stdout);
  });

  const firstSameAs = () =>
    (texts[0] as string).split("\n").findIndex((line) => line.includes('"sameAs":')) - (texts[0] as string).split("\n").indexOf('"facts": [') - 1;
  const corruptions: [string, () => string, string[]][] = [
    [
      "a dangling fact index",
      () => edited("results", 1, (line) => line.replace(/"facts":\[\d+/, '"facts":[99999')),
      ["results[0].results[0].facts[0]", "refers to fact record 99999"],
    ],
    [
      "a dangling sameAs",
      () => edited("facts", firstSameAs(), (line) => line.replace(/"sameAs":\d+/, '"sameAs":99999')),
      ["sameAs", "refers to fact record 99999"],
    ],
    [
      "a summary that disagrees",
      () => (texts[0] as string).replace(/"summary": \{"pass":(\d+)/, (_, pass: string) => `"summary": {"pass":${Number(pass) + 1}`),
      ["summary", "disagrees"],
    ],
    [
      "a record that fails the schema",
      () => edited("results", 3, (line) => line.replace(/"status":"[a-z-]+"/, '"status":"bogus"')),
      ["results[0].results[2].status"],
    ],
    [
      "a group whose opening line carries another field",
      () => edited("results", 0, (line) => line.replace('"results":[', '"x":[],"results":[')),
      ["results[0]", "not a hardcheck report record"],
    ],
    [
      "a comma after the last group of a list",
      () => {
        const text = texts[0] as string;
        // The line that closes the last fact group, right before the line that closes the list.
        const end = text.indexOf("\n]}\n]", text.indexOf('"facts": [')) + 1;
        return `${text.slice(0, end)}]},${text.slice(end + 2)}`;
      },
      ["a comma before the end of the list"],
    ],
    [
      "a group without records",
      () => {
        const text = texts[0] as string;
        const start = text.indexOf('"results": [\n') + '"results": [\n'.length;
        const opening = text.slice(start, text.indexOf("\n", start) + 1);
        return `${text.slice(0, start)}${opening}]},\n${text.slice(start)}`;
      },
      ["results[0]", "a group without records"],
    ],
    ["a file cut short within a record", () => (texts[0] as string).slice(0, (texts[0] as string).indexOf('"results": [') + 200), ["results[", "not JSON"]],
    [
      "a file cut short between records",
      () => {
        const text = texts[0] as string;
        return text.slice(0, text.indexOf("\n", text.indexOf('"results": [') + 20) + 1);
      },
      ["results[0]", "cut short"],
    ],
  ];

  for (const [name, corrupt, mentions] of corruptions) {
    it(`refuses ${name}, naming the file and the record, and writes nothing`, async () => {
      const out = `bad-${name.replace(/\W+/g, "-")}`;
      await writeFile(join(dir, "corrupt-1.json"), corrupt());
      const merged = await inProcess(["merge", "corrupt-1.json", ...files.slice(1), "--out", out], dir);
      expect(merged.code).not.toBe(0);
      expect(merged.stderr).toContain("corrupt-1.json");
      for (const mention of mentions) expect(merged.stderr).toContain(mention);
      expect(merged.stderr).not.toContain("read whole");
      await expect(readdir(join(dir, out))).rejects.toThrow();
    });
  }
});

describe("merge of more targets than the writer puts in one batch", () => {
  it("writes the long target list byte for byte as the whole-document merge does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hardcheck-merge-batch-"));
    try {
      // 2,600 targets over two shards: the merged header's target list spans three of the writer's batches of 1,000.
      const ids = Array.from({ length: 2600 }, (_, i) => `host-${String(i).padStart(4, "0")}.example`);
      const names = ["big-1.json", "big-2.json"];
      const documents = names.map((_, i) =>
        shardDocument(
          ids.filter((id) => fnv1a(id) % 2 === i),
          i + 1,
          2,
        ),
      );
      const texts = documents.map((document) => serializeReport(document));
      for (const [i, name] of names.entries()) await writeFile(join(dir, name), texts[i] as string);
      const expected = serializeReport(mergeReports(texts.map((text, i) => parseReport(JSON.parse(text), names[i] as string))));

      const merged = await inProcess(["merge", ...names, "--out", "out"], dir);

      expect(merged.code, merged.stderr).toBe(0);
      const bytes = await readFile(join(dir, "out", "hardcheck.json"), "utf8");
      expect(JSON.parse(bytes).targets).toHaveLength(2600);
      expect(bytes).toBe(expected);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
