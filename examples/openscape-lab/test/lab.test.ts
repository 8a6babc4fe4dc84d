import { execFile } from "node:child_process";
import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { parseReport, resultsWithRules } from "@hardcheck/core";
import { afterAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../../packages/reporters/test/chromium.js";
import { openTableEdges, printedPages } from "../../../packages/reporters/test/pdf-pages.js";

const run = promisify(execFile);
const lab = resolve(import.meta.dirname, "../lab.mjs");

describe("the OpenScape lab", () => {
  let outDir: string | undefined;
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it("scans a small OpenScape site with both packs, reaches the known verdicts and writes every report", async () => {
    outDir = await mkdtemp(join(tmpdir(), "hardcheck-openscape-lab-"));
    const { stdout } = await run(process.execPath, [lab, "--out", outDir], { env: { ...process.env, NO_COLOR: "1" }, timeout: 120_000 });
    expect(stdout).toMatch(/openscape-lab: (\d+)\/\1 verdicts match the lab's known configuration/);
    for (const file of ["hardcheck.json", "hardcheck.sarif", "hardcheck.junit.xml", "hardcheck.html", "hardcheck.md"]) await access(join(outDir, file));
    const report = parseReport(JSON.parse(await readFile(join(outDir, "hardcheck.json"), "utf8")), "hardcheck.json");
    expect(report.packs.map((pack) => pack.id)).toEqual(["openscape-concierge-v5r0", "openscape-xpert"]);
    expect(report.targets.map((target) => [target.id, target.host?.split(":")[0]])).toEqual([
      ["concierge", "evidence"],
      ["xpert-client", "root"],
      ["xpert-mlc", "root"],
      ["xpert-sm", "evidence"],
    ]);
    expect(report.incomplete).toBe(false);
    // Every catalog item of both packs appears in the filled-in checklist for each target.
    const ruleIds = new Set(report.results.map((result) => result.ruleId));
    expect(ruleIds.size).toBe(33 + 35);
    // The HTML checklist names the items by their document label.
    const html = await readFile(join(outDir, "hardcheck.html"), "utf8");
    expect(html).toContain("CL-OS Concierge Server2");
    expect(html).toContain("CL-MLC hardening Script");
    // Every automated rule is decided (pass, fail or error) on at least one target of the lab.
    const undecided = report.rules
      .filter((rule) => !rule.manual)
      .filter((rule) => report.results.filter((result) => result.ruleId === rule.id).every((result) => result.status === "not-applicable"))
      .map((rule) => rule.id);
    expect(undecided).toEqual([]);
    // The firewall item is judged on the client device by its filter, not by what listens.
    const firewall = report.results.find((result) => result.target === "xpert-client" && result.ruleId === "CL-CONFIGURE-FIREWALL");
    expect(firewall?.message).toMatch(/^filter active: firewall\.active equal true — got false/);
    // A setting of the product as a client waits for its export or an attestation; the server's chain does not decide it.
    const chainValidation = resultsWithRules(report).find((result) => result.target === "concierge" && result.ruleId === "CL-OSC-SERVER1");
    expect(chainValidation).toMatchObject({ status: "manual", evidence: {} });
    // The SQL Server item combines both evidence sources, the TDS endpoint among them.
    const sqlServer = report.results.find((result) => result.target === "concierge" && result.ruleId === "CL-SQLDB-CONN1");
    expect(sqlServer?.message).toMatch(/checked: network mssql:\/\/127\.0\.0\.1:\d+, windows/);

    // The printed checklist is the vendors' form: the site overview alone on page 1, then per pack
    // one row per item under the deployment's roles, no row cut by a page break.
    expect(report.site?.customer?.company).toBe("Lab Customer Ltd");
    expect(report.packs.find((pack) => pack.id === "openscape-concierge-v5r0")?.roles?.[0]).toEqual({ tag: "concierge-server", name: "OS Concierge server" });
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(pathToFileURL(join(outDir, "hardcheck.html")).href);
      await page.waitForSelector("html[data-ready=true]");
      await page.click("#tab-checklist");
      const concierge = page.locator("section[data-pack=openscape-concierge-v5r0]");
      expect(await concierge.locator("tbody tr").count()).toBe(
        new Set(report.rules?.filter((rule) => rule.pack === "openscape-concierge-v5r0").map((rule) => rule.id)).size,
      );
      expect(await concierge.locator("tbody tr").first().getAttribute("data-rule")).toBe("CL-SF-SW-STATUS");
      expect(await concierge.locator("tbody tr[data-rule=CL-OSC-SERVER2] td[data-role=concierge-server]").getAttribute("data-verdict")).toBe("No");
      expect(await concierge.locator("tbody tr[data-rule=CL-OSC-SERVER2] td[data-role=remote-agent-server]").textContent()).toBe("—");
      const xpert = page.locator("section[data-pack=openscape-xpert]");
      expect(await xpert.locator("tbody tr[data-rule=CL-MLC-HARDENING-SCRIPT] td[data-role=xpert-mlc]").getAttribute("data-verdict")).toBe("No");
      expect(await xpert.locator("tbody tr[data-rule=CL-HTEMS-CERT] td[data-role=system-manager]").getAttribute("data-verdict")).toBe("Yes");
      const pages = await printedPages(await page.pdf({ preferCSSPageSize: true, printBackground: true }), outDir, "checklist");
      expect(pages.count).toBe(pages.images.length);
      const first = await pages.text(1);
      expect(first).toContain("Customer deployment – overview");
      expect(first).toContain("Lab Customer Ltd");
      expect(first).not.toContain("CL-BIOS");
      expect(await pages.text(2)).toContain("OpenScape Concierge V5R0");
      expect(pages.images.flatMap((image, i) => openTableEdges(image).map((problem) => `page ${i + 1}: ${problem}`))).toEqual([]);
    } finally {
      await browser.close();
    }
    // The lab's servers, the scan and a printed PDF: minutes on a loaded machine, not seconds.
  }, 240_000);
});
