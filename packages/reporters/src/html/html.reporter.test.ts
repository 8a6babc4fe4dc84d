import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type TestBrowser } from "../../test/chromium.js";
import { expectGolden, sampleReport, sampleResult, XSS_BANNER } from "../../test/sample-report.js";
import { escapeHtml, htmlReporter, renderHtml, scriptJson } from "./html.reporter.js";

/** Screenshots and PDFs are kept as CI artifacts under out/ (gitignored). */
const artifacts = resolve(import.meta.dirname, "../../../../out/test-artifacts/reporters");

// The golden file is not named .html so that linters leave the generated page alone.
describe("HTML reporter (text)", () => {
  const html = String(htmlReporter.render(sampleReport(), {}));

  it("matches the golden file", async () => {
    await expectGolden(resolve(import.meta.dirname, "golden/sample.html.golden"), html);
  });

  it("is self-contained: no external resource, and a policy that forbids any", () => {
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).toContain("default-src 'none'");
  });

  it("never writes scanned text as markup: it only travels as JSON that cannot close its script element", () => {
    expect(html).not.toContain(XSS_BANNER);
    expect(scriptJson({ banner: "</script><script>alert(1)</script>" })).not.toContain("<");
    expect(renderHtml(sampleReport(), { title: XSS_BANNER })).toContain(`<title>${escapeHtml(XSS_BANNER)}</title>`);
  });
});

describe("HTML reporter in Chromium", () => {
  let browser: TestBrowser;
  let dir: string;
  const problems: string[] = [];
  const dialogs: string[] = [];
  const requests: string[] = [];

  async function open(fileName: string, html: string): Promise<Page> {
    const file = join(dir, fileName);
    await writeFile(file, html);
    const page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`${fileName}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`${fileName}: ${error.message}`));
    page.on("dialog", async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    page.on("request", (request) => {
      if (!request.url().startsWith("file:") && !request.url().startsWith("data:")) requests.push(request.url());
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector("html[data-ready=true]");
    return page;
  }

  beforeAll(async () => {
    dir = artifacts;
    await mkdir(dir, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("renders the summary, filters results, shows evidence as text, and fills in the checklist", async () => {
    const baseline = sampleReport(undefined, [sampleResult("DEMO-CERT", "pbx", "sips://pbx.example:5061", "fail")]);
    // Judged as of another day than it ran, with one target's host facts from an offline copy.
    const sample = sampleReport();
    const asOf = {
      ...sample,
      evaluatedAt: "2026-02-28T00:00:00.000Z",
      targets: sample.targets.map((target) => (target.id === "pbx" ? { ...target, observedAt: "2026-02-20T08:00:00.000Z" } : target)),
    };
    const page = await open("sample.html", renderHtml(asOf, { baseline }));
    expect(await page.locator("header p").textContent()).toContain("verdicts as of 2026-02-28T00:00:00.000Z");
    const rows = () => page.locator("#results details.result").count();
    expect(await rows()).toBe(10);
    expect(await page.locator(".card[data-status=fail] b").textContent()).toBe("3");
    const packRow = await page.locator("#summary-packs tr").first().locator("td").allTextContents();
    const packHeader = await page.locator("#summary-packs").locator("xpath=..").locator("thead th").allTextContents();
    expect(Object.fromEntries(packHeader.map((name, index) => [name, packRow[index]]))).toEqual({
      pack: "demo-pack",
      pass: "3",
      fail: "3",
      error: "1",
      manual: "1",
      waived: "1",
      "n/a": "1",
    });

    await page.selectOption("#filter-status", "fail");
    expect(await rows()).toBe(3);
    await page.selectOption("#filter-target", "pbx");
    expect(await rows()).toBe(1);
    await page.selectOption("#filter-status", "");
    await page.selectOption("#filter-target", "");
    await page.fill("#filter-text", "banner");
    // Polled from here: the page's policy forbids the eval that string predicates would need.
    await expect.poll(rows, { timeout: 5000 }).toBe(2);
    await page.fill("#filter-text", "");
    await page.check("#filter-new");
    expect(await rows()).toBe(2);
    expect(await page.locator("#results .new").count()).toBe(2);
    await page.uncheck("#filter-new");
    await page.selectOption("#filter-severity", "low");
    expect(await rows()).toBe(2);
    await page.selectOption("#filter-severity", "");

    // The hostile banner is shown as text and never becomes an element.
    const bannerRow = page.locator("#results details.result", { hasText: "DEMO-BANNER" }).filter({ hasText: "smtp://" });
    await bannerRow.locator("summary").click();
    expect(await bannerRow.locator("pre.evidence").textContent()).toContain(XSS_BANNER);
    expect(await bannerRow.locator("table").textContent()).toContain("notMatches");
    await page.screenshot({ path: join(dir, "results.png"), fullPage: true });

    await page.click("#tab-checklist");
    const verdicts = (target: string) =>
      page
        .locator(`section[data-target=${target}] tr[data-rule]`)
        .evaluateAll((rows) => rows.map((row) => `${row.getAttribute("data-rule")}=${row.getAttribute("data-verdict")}`));
    expect(await verdicts("mail")).toEqual(["DEMO-TLS-VERSION=No", "DEMO-BANNER=No", "DEMO-RACK=Manual", "DEMO-CERT=Not decided"]);
    expect(await verdicts("pbx")).toEqual(["DEMO-TLS-VERSION=Yes", "DEMO-BANNER=Not applicable", "DEMO-RACK=Yes", "DEMO-CERT=No"]);
    expect(await page.locator("section[data-target=mail] p.as-of").textContent()).toBe("Verdicts as of 2026-02-28T00:00:00.000Z");
    expect(await page.locator("section[data-target=pbx] p.as-of").textContent()).toBe(
      "Verdicts as of 2026-02-28T00:00:00.000Z; host items judged as of the evidence's collection at 2026-02-20T08:00:00.000Z",
    );
    expect(await page.locator("section[data-target=pbx] tr[data-rule=DEMO-RACK]").textContent()).toContain("J. Technician");
    expect(await page.locator("section[data-target=mail] tr[data-rule=DEMO-CERT]").textContent()).toContain("CISO office, until 2026-06-30");
    await page.screenshot({ path: join(dir, "checklist.png"), fullPage: true });

    const pdf = await page.pdf({ format: "A4", landscape: true, printBackground: true });
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    await writeFile(join(dir, "checklist.pdf"), pdf);

    expect(await page.locator("img").count()).toBe(0);
    await page.close();
  });

  it("stays usable with 5,000 results: renders a first page and more on demand", async () => {
    const results = Array.from({ length: 5000 }, (_, index) =>
      sampleResult(
        ["DEMO-CERT", "DEMO-BANNER", "DEMO-TLS-VERSION"][index % 3] as string,
        `host-${String(index).padStart(4, "0")}`,
        "tls://h:443",
        index % 4 === 0 ? "fail" : "pass",
        {
          message: `check ${index} ${XSS_BANNER}`,
        },
      ),
    );
    const page = await open("large.html", renderHtml(sampleReport(undefined, results)));
    expect(await page.locator("#result-count").textContent()).toBe("5000 of 5000 checks match; 200 shown");
    await page.click("#show-more");
    expect(await page.locator("#results details.result").count()).toBe(400);
    await page.fill("#filter-text", "host-4999");
    await expect.poll(() => page.locator("#results details.result").count(), { timeout: 5000 }).toBe(1);
    await page.close();
  });

  it("logged no console error, opened no dialog and made no network request", () => {
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
  });
});
