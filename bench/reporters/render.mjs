#!/usr/bin/env node
/**
 * Renders 50,000 synthetic results through every reporter and prints, per reporter, the render time
 * and the peak RSS of a process that does only that; then the HTML file size and its time to
 * interactive in the system Chromium. Usage: node bench/reporters/render.mjs [resultCount]
 * (build first: npx turbo run build --filter=@hardcheck/reporters).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { buildReport } from "@hardcheck/core";
import { reporters } from "@hardcheck/reporters";

const run = promisify(execFile);
const self = fileURLToPath(import.meta.url);
const SEVERITIES = ["critical", "high", "medium", "low", "info"];
const STATUSES = ["pass", "pass", "pass", "fail", "fail", "error", "manual", "waived", "not-applicable"];

/** A deterministic report with `count` results: 100 rules × count/100 targets. */
function syntheticReport(count) {
  const ruleCount = 100;
  const targetCount = Math.ceil(count / ruleCount);
  const rules = Array.from({ length: ruleCount }, (_, index) => ({
    id: `BENCH-${String(index).padStart(3, "0")}`,
    pack: `bench-pack-${index % 3}`,
    checklistRef: `CL-${Math.floor(index / 10)}.${index % 10}`,
    section: `Section ${Math.floor(index / 10)}`,
    title: `Synthetic requirement number ${index} holds on the endpoint`,
    severity: SEVERITIES[index % SEVERITIES.length],
    rationale: "A synthetic rationale of typical length, long enough to stand for the real text of a rule in a pack.",
    remediation: "A synthetic remediation that says what to change in which configuration file and how to verify it.",
    manual: index % 17 === 0,
    source: { file: `packs/bench-pack-${index % 3}.yaml`, line: 10 + index * 20 },
  }));
  const results = [];
  for (let target = 0; target < targetCount && results.length < count; target++) {
    for (const rule of rules) {
      if (results.length >= count) break;
      const status = STATUSES[(target * 7 + results.length) % STATUSES.length];
      const endpoint = `tls://host-${target}.bench.example:${443 + (target % 5)}`;
      results.push({
        ruleId: rule.id,
        pack: rule.pack,
        checklistRef: rule.checklistRef,
        section: rule.section,
        title: rule.title,
        severity: rule.severity,
        target: `host-${String(target).padStart(4, "0")}`,
        endpoint,
        status,
        message: status === "error" ? "connect ETIMEDOUT after 3000 ms" : `${status} <img src=x onerror=alert(1)>`,
        conditions:
          status === "fail"
            ? [
                {
                  where: "all[0]",
                  fact: "tls.versions",
                  operator: "notContains",
                  expected: "TLSv1.0",
                  actual: ["TLSv1.0", "TLSv1.2"],
                  outcome: "fail",
                  name: "no TLS 1.0",
                },
              ]
            : [],
        evidence: { "tls.versions": ["TLSv1.2", "TLSv1.3"], "tls.leaf": { subject: `CN=host-${target}.bench.example`, notAfter: "2027-01-01T00:00:00Z" } },
        ...(status === "waived"
          ? {
              waiver: {
                rule: rule.id,
                target: `host-${target}`,
                reason: "accepted risk",
                approvedBy: "ciso",
                expires: "2027-01-01",
                expired: false,
                originalStatus: "fail",
              },
            }
          : {}),
        source: rule.source,
      });
    }
  }
  return buildReport({
    tool: { name: "hardcheck", version: "0.1.0" },
    startedAt: "2026-03-01T00:00:00.000Z",
    finishedAt: "2026-03-01T00:05:00.000Z",
    incomplete: false,
    packs: [0, 1, 2].map((index) => ({ id: `bench-pack-${index}`, title: `Bench pack ${index}`, version: "1.0.0" })),
    targets: Array.from({ length: targetCount }, (_, target) => ({
      id: `host-${String(target).padStart(4, "0")}`,
      host: null,
      os: null,
      tags: [],
      endpoints: [`tls://host-${target}.bench.example:${443 + (target % 5)}`],
    })),
    results,
    notices: [],
    rules,
  });
}

const mib = (bytes) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);

/** Child mode: render one format, print JSON figures. */
async function measureOne(format, count, outFile) {
  const report = syntheticReport(count);
  const before = process.resourceUsage().maxRSS * 1024;
  const reporter = reporters.find((candidate) => candidate.id === format);
  const started = performance.now();
  const content = reporter.render(report, { color: false });
  const elapsed = performance.now() - started;
  const peak = process.resourceUsage().maxRSS * 1024;
  const size = typeof content === "string" ? Buffer.byteLength(content) : content.byteLength;
  if (outFile) await writeFile(outFile, content);
  process.stdout.write(JSON.stringify({ format, elapsed, before, peak, size }));
}

async function timeToInteractive(htmlFile) {
  const { chromium } = await import("playwright-core");
  const profile = await mkdtemp(join(tmpdir(), "hardcheck-bench-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const figures = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(pathToFileURL(htmlFile).href, { timeout: 120_000 });
      await page.waitForSelector("html[data-ready=true]", { timeout: 120_000 });
      const wall = performance.now() - started;
      const mark = await page.evaluate(() => performance.getEntriesByName("hardcheck-ready")[0]?.startTime ?? Number.NaN);
      const filterStarted = performance.now();
      await page.selectOption("#filter-status", "fail");
      const filterMs = performance.now() - filterStarted;
      const checklistStarted = performance.now();
      await page.click("#tab-checklist");
      await page.waitForSelector("#checklist section");
      const checklistMs = performance.now() - checklistStarted;
      figures.push({ wall, mark, filterMs, checklistMs });
      await page.close();
    }
    return figures;
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

async function main() {
  if (process.argv[2] === "--child") {
    await measureOne(process.argv[3], Number(process.argv[4]), process.argv[5]);
    return;
  }
  const count = Number(process.argv[2] ?? 50_000);
  const dir = await mkdtemp(join(tmpdir(), "hardcheck-bench-reporters-"));
  try {
    // A process that only builds the synthetic report: the floor every reporter's RSS starts from.
    console.log(`hardcheck reporters bench: ${count} results, node ${process.version}`);
    console.log("format    render ms   peak RSS   RSS before render   output size");
    let htmlFile;
    for (const reporter of reporters) {
      const outFile = reporter.id === "html" ? join(dir, "bench.html") : "";
      const { stdout } = await run(process.execPath, [self, "--child", reporter.id, String(count), outFile], { maxBuffer: 1024 * 1024, timeout: 600_000 });
      const figures = JSON.parse(stdout);
      if (reporter.id === "html") htmlFile = outFile;
      console.log(
        `${figures.format.padEnd(9)} ${figures.elapsed.toFixed(0).padStart(9)}   ${mib(figures.peak).padStart(9)}   ${mib(figures.before).padStart(17)}   ${mib(figures.size).padStart(11)}`,
      );
    }
    if (htmlFile) {
      const figures = await timeToInteractive(htmlFile);
      for (const [index, figure] of figures.entries()) {
        console.log(
          `chromium run ${index + 1}: load to interactive ${figure.wall.toFixed(0)} ms (ready mark ${figure.mark.toFixed(0)} ms after navigation start), filter by status ${figure.filterMs.toFixed(0)} ms, checklist view ${figure.checklistMs.toFixed(0)} ms`,
        );
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
