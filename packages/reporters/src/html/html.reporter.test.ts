import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { buildReport, type CheckResult, type JsonValue, type ReportDocument, type ReportRule, type Status } from "@hardcheck/core";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type TestBrowser } from "../../test/chromium.js";
import { openTableEdges, printedPages } from "../../test/pdf-pages.js";
import { expectGolden, sampleReport, sampleResult, XSS_BANNER } from "../../test/sample-report.js";
import { renderThroughStream } from "../shared/format-stream.js";
import { escapeHtml, htmlReporter, htmlStream, renderHtml, scriptJson } from "./html.reporter.js";

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

/** Where the page's data stands in `html`: from its script element's first character to its end. */
function dataBounds(html: string): { start: number; end: number } {
  const start = html.indexOf('<script type="application/json" id="hc-data">');
  return { start, end: html.indexOf("</script>", start) };
}

/** A page of one failing and one passing check on one endpoint. */
function smallPage(): string {
  return renderHtml(
    sampleReport(undefined, [
      sampleResult("DEMO-CERT", "mail", "tls://mail.example:465", "fail"),
      sampleResult("DEMO-TLS-VERSION", "mail", "tls://mail.example:465", "pass"),
    ]),
  );
}

/** A script run before the page's own: appending to the element `id` throws `message`. */
function failingAppend(id: string, message: string): string {
  return `{
    const append = Element.prototype.append;
    Element.prototype.append = function (...nodes) {
      if (this.id === ${JSON.stringify(id)}) throw new Error(${JSON.stringify(message)});
      return append.apply(this, nodes);
    };
  }`;
}

describe("HTML reporter in Chromium", () => {
  let browser: TestBrowser;
  let dir: string;
  const problems: string[] = [];
  const dialogs: string[] = [];
  const requests: string[] = [];

  async function open(fileName: string, html: string, ready = "true", init?: string): Promise<Page> {
    const file = join(dir, fileName);
    await writeFile(file, html);
    const page = await browser.context.newPage();
    if (init) await page.addInitScript(init);
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
    await page.waitForSelector(`html[data-ready=${ready}]`);
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
    // The one not-applicable check is collapsed behind a count until asked for.
    expect(await rows()).toBe(9);
    expect(await page.locator("#show-na").textContent()).toBe("1 not-applicable check hidden — show");
    expect(await page.locator("#result-count").textContent()).toBe("9 of 10 checks match; 9 shown; 1 not applicable hidden");
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
    await expect.poll(rows, { timeout: 5000 }).toBe(1);
    await page.fill("#filter-text", "");
    await page.check("#filter-new");
    expect(await rows()).toBe(2);
    expect(await page.locator("#results .new").count()).toBe(2);
    await page.uncheck("#filter-new");
    await page.selectOption("#filter-severity", "low");
    expect(await rows()).toBe(1);
    await page.click("#show-na");
    expect(await rows()).toBe(2);
    expect(await page.locator("#show-na").isHidden()).toBe(true);
    await page.selectOption("#filter-severity", "");
    expect(await rows()).toBe(10);
    await page.selectOption("#filter-status", "not-applicable");
    expect(await rows()).toBe(1);
    await page.selectOption("#filter-status", "");

    // The hostile banner is shown as text and never becomes an element.
    const bannerRow = page.locator("#results details.result", { hasText: "DEMO-BANNER" }).filter({ hasText: "smtp://" });
    await bannerRow.locator("summary").click();
    expect(await bannerRow.locator("pre.evidence").textContent()).toContain(XSS_BANNER);
    expect(await bannerRow.locator("table").textContent()).toContain("notMatches");
    await page.screenshot({ path: join(dir, "results.png"), fullPage: true });

    await page.click("#tab-checklist");
    // A pack without roles gets one Executed column per scanned target; items keep the document's order.
    const cells = (role: string) =>
      page
        .locator(`section[data-pack=demo-pack] tbody tr`)
        .evaluateAll(
          (rows, key) => rows.map((row) => `${row.getAttribute("data-rule")}=${row.querySelector(`td[data-role="${key}"]`)?.getAttribute("data-verdict")}`),
          role,
        );
    expect(await cells("target:mail")).toEqual(["DEMO-TLS-VERSION=No", "DEMO-BANNER=No", "DEMO-RACK=Open", "DEMO-CERT=Not checked"]);
    expect(await cells("target:pbx")).toEqual(["DEMO-TLS-VERSION=Yes", "DEMO-BANNER=n/a", "DEMO-RACK=Yes", "DEMO-CERT=No"]);
    expect(await page.locator("section[data-pack=demo-pack] thead tr").nth(1).locator("th").allTextContents()).toEqual(["mail", "pbx"]);
    expect(await page.locator("section[data-pack=demo-pack] p.as-of").textContent()).toBe(
      "Verdicts as of 2026-02-28T00:00:00.000Z; pbx: host items judged as of the evidence's collection at 2026-02-20T08:00:00.000Z",
    );
    const comment = (rule: string) => page.locator(`section[data-pack=demo-pack] tr[data-rule=${rule}] td.comment`).textContent();
    expect(await comment("DEMO-RACK")).toContain("pbx: attested pass by J. Technician, 2026-02-27T09:30:00Z: checked on site");
    expect(await comment("DEMO-CERT")).toContain("CISO office, until 2026-06-30");
    // The failing condition is the comment, worded as everywhere else; the hostile banner stays text.
    expect(await comment("DEMO-BANNER")).toContain(
      `mail smtp://mail.example:25: smtp.banner notMatches ${JSON.stringify(String.raw`\d+\.\d+`)} — got "220 ${XSS_BANNER} ESMTP Exim 4.96"`,
    );
    const requirement = await page.locator("section[data-pack=demo-pack] tr[data-rule=DEMO-TLS-VERSION] td.requirement").textContent();
    expect(requirement).toContain("Measures: Disable SSLv3, TLS 1.0 and TLS 1.1");
    expect(requirement).toContain("References: §Transport security");
    // Without a site: entry the overview lists the scanned systems and leaves the parties blank to fill in by hand.
    expect(await page.locator("[data-overview] td[data-field='customer.company']").textContent()).toBe("");
    expect(await page.locator("[data-overview] td[data-field=coveredSystems]").textContent()).toContain(
      "pbx (ssh://admin@pbx.example): sips://pbx.example:5061",
    );
    expect(await page.locator("section[data-pack=demo-pack] .sign .sign-line").allTextContents()).toEqual([
      "Name",
      "Date",
      "Signature",
      "Name",
      "Date",
      "Signature",
    ]);
    await page.screenshot({ path: join(dir, "checklist.png"), fullPage: true });

    const pdf = await page.pdf({ format: "A4", landscape: true, printBackground: true });
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    await writeFile(join(dir, "checklist.pdf"), pdf);

    expect(await page.locator("img").count()).toBe(0);
    await page.close();
  });

  it("prints the checklist as the vendor's form: overview alone on page 1, items in order, no row cut by a page break", async () => {
    const page = await open("form.html", renderHtml(formReport()));
    await page.click("#tab-checklist");
    // Chromium prints with the page size and margins the report's own @page rule sets (A4 landscape).
    const print = () => page.pdf({ preferCSSPageSize: true, printBackground: true });
    const pages = await printedPages(await print(), dir, "form");
    expect(pages.count).toBe(pages.images.length);
    expect(pages.count).toBeGreaterThanOrEqual(4);
    for (const image of pages.images) expect(image.width).toBeGreaterThan(image.height);

    const first = await pages.text(1);
    expect(first).toContain("Customer deployment – overview");
    expect(first).toContain("Example Customer Ltd");
    expect(first).toContain("Example Integrator GmbH");
    expect(first).toContain("Version: 03/2025");
    expect(first).not.toContain("FORM-01");
    const second = await pages.text(2);
    expect(second).toContain("Form pack 1.0.0");
    expect(second).toContain("Executed");
    // Every item once, in the document's order, across the pages; the header repeats on each page.
    const all = (await Promise.all(Array.from({ length: pages.count }, (_, i) => pages.text(i + 1)))).join("\n");
    const seen = [...all.matchAll(/FORM-\d\d(?=\s)/g)].map((match) => match[0]);
    expect([...new Set(seen)]).toEqual(FORM_RULES.map((rule) => rule.checklistRef));
    for (let i = 2; i <= pages.count - 1; i++) expect(await pages.text(i)).toContain("Customer comments / reasons");
    expect(await pages.text(pages.count)).toContain("Signature");

    expect(pages.images.flatMap((image, i) => openTableEdges(image).map((problem) => `page ${i + 1}: ${problem}`))).toEqual([]);

    // The check can fail: letting rows break across pages cuts some.
    await page.addStyleTag({ content: "@media print{tr{break-inside:auto!important}}" });
    const cut = await printedPages(await print(), dir, "form-rows-may-break");
    expect(cut.images.flatMap((image) => openTableEdges(image)).length).toBeGreaterThan(0);
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

  it("stores a value the results of a target share once in the page, and shows it in each", async () => {
    const certificate = { subject: "CN=shared-subject.example", san: ["shared-subject.example"], keyBits: 2048 };
    const expiring = {
      conditions: [{ where: "all[0]", fact: "tls.certificate", operator: "certificateValidFor", expected: 30, actual: certificate, outcome: "fail" as const }],
      evidence: { "tls.certificate": certificate },
    };
    const results = [
      sampleResult("DEMO-CERT", "mail", "tls://mail.example:465", "fail", expiring),
      sampleResult("DEMO-TLS-VERSION", "mail", "tls://mail.example:465", "pass", { evidence: { "tls.certificate": certificate, "tls.version": "TLSv1.3" } }),
    ];
    const html = renderHtml(sampleReport(undefined, results));
    // Once as data (the failing condition's wording quotes it again, as text).
    expect(html.split('{"subject":"CN=shared-subject.example"').length - 1).toBe(1);
    const page = await open("shared.html", html);
    for (const rule of ["DEMO-CERT", "DEMO-TLS-VERSION"]) {
      const row = page.locator("#results details.result", { hasText: rule });
      await row.locator("summary").click();
      expect(await row.locator("pre.evidence").textContent(), rule).toContain("CN=shared-subject.example");
    }
    const failed = page.locator("#results details.result", { hasText: "DEMO-CERT" });
    expect(await failed.locator("table").textContent()).toContain("CN=shared-subject.example");
    expect(await page.locator("#results details.result", { hasText: "DEMO-TLS-VERSION" }).locator("pre.evidence").textContent()).toContain("TLSv1.3");
    await page.close();
  });

  it("stores a value that targets share once while the page remembers it, and again after it has forgotten it", async () => {
    const certificate = { subject: "CN=balanced.example", san: ["balanced.example"], keyBits: 2048 };
    const reading = (value: JsonValue) => ({ evidence: { "tls.certificate": value } });
    const results = [
      sampleResult("DEMO-CERT", "edge-a", "tls://a.example:443", "pass", reading(certificate)),
      sampleResult("DEMO-CERT", "edge-b", "tls://b.example:443", "pass", reading(certificate)),
      // More distinct values than the page remembers, then the shared one again.
      ...Array.from({ length: 300 }, (_, index) =>
        sampleResult("DEMO-CERT", `other-${String(index).padStart(3, "0")}`, "tls://o.example:443", "pass", reading({ subject: `CN=other-${index}.example` })),
      ),
      sampleResult("DEMO-CERT", "zz-edge", "tls://z.example:443", "pass", reading(certificate)),
    ];
    const html = renderThroughStream(sampleReport(undefined, results), results, htmlStream());
    expect(html.split('{"subject":"CN=balanced.example"').length - 1).toBe(2);
    const page = await open("shared-across.html", html);
    for (const [target, subject] of [
      ["edge-a", "CN=balanced.example"],
      ["edge-b", "CN=balanced.example"],
      ["other-299", "CN=other-299.example"],
      ["zz-edge", "CN=balanced.example"],
    ] as const) {
      await page.fill("#filter-text", target);
      // Until the filter has run (it waits for typing to pause), the rows listed are the previous ones.
      const listed = async () => page.locator("#results details.result summary").allTextContents();
      await expect.poll(async () => (await listed()).length === 1 && (await listed())[0]?.includes(target), { timeout: 5000 }).toBe(true);
      const row = page.locator("#results details.result", { hasText: target });
      await row.locator("summary").click();
      expect(await row.locator("pre.evidence").textContent(), target).toContain(subject);
    }
    await page.close();
  });

  it("gives a rule's fields once for the page and the target once per part, and shows them on every row", async () => {
    const title = "The certificate is issued by a CA";
    const results = [
      sampleResult("DEMO-CERT", "mail", "tls://mail.example:465", "fail"),
      sampleResult("DEMO-CERT", "pbx", "sips://pbx.example:5061", "fail"),
      sampleResult("DEMO-CERT", "zz-edited", null, "fail", { title: "A title edited for this result" }),
    ];
    // Fed to the stream as given: a document would give every result its rule's own title again.
    const html = renderThroughStream(sampleReport(undefined, results), results, htmlStream());
    // In the page's rule list and with the first part that has the rule: not once per result.
    expect(html.split(`"title":"${title}"`).length - 1).toBe(2);
    const page = await open("rule-fields.html", html);
    const row = (target: string) => page.locator("#results details.result", { hasText: target });
    for (const target of ["mail.example", "pbx.example"]) {
      expect(await row(target).locator("summary").textContent(), target).toContain(title);
      expect(await row(target).locator("summary").textContent(), target).toContain("FAIL");
    }
    expect(await row("zz-edited").locator("summary").textContent()).toContain("A title edited for this result");
    expect(await page.locator("#filter-target option").allTextContents()).toEqual(["all", "mail", "pbx", "zz-edited"]);
    await page.selectOption("#filter-severity", "critical");
    await expect.poll(() => page.locator("#results details.result").count(), { timeout: 5000 }).toBe(3);
    await page.close();
  });

  it("gives a condition's shape once for the page, an endpoint and pack once per part, and shows each result whole", async () => {
    const validity = (actual: string) => ({
      conditions: [
        {
          where: "all[0]",
          fact: "tls.leaf",
          path: "notAfter",
          operator: "dateAfter",
          expected: { daysFromNow: 30 },
          actual,
          outcome: "pass" as const,
          name: "enough validity left",
        },
      ],
      message: "all conditions hold",
    });
    const results = [
      // Two results on the part's first endpoint, then a host-level one, then another endpoint and another pack.
      sampleResult("DEMO-CERT", "mail", "tls://mail.example:465", "pass", validity("2031-01-01T00:00:00.000Z")),
      sampleResult("DEMO-TLS-VERSION", "mail", "tls://mail.example:465", "fail", {
        message: "all conditions hold",
        conditions: [
          { where: "all[0]", fact: "tls.versions", operator: "equal", expected: ["TLSv1.3"], actual: { v: 1 }, outcome: "fail" },
          { where: "all[1]", fact: "tls.suites", operator: "equal", expected: null, actual: null, outcome: "fail" },
          { where: "all[2]", fact: "tls.curves", operator: "equal", expected: 1, outcome: "not-evaluated" },
        ],
      }),
      sampleResult("DEMO-BANNER", "mail", null, "fail"),
      sampleResult("DEMO-CERT", "mail", "tls://mail.example:993", "pass", { ...validity("2032-02-02T00:00:00.000Z"), pack: "other-pack" }),
      sampleResult("DEMO-CERT", "pbx", "sips://pbx.example:5061", "pass", validity("2033-03-03T00:00:00.000Z")),
    ];
    // Fed to the stream as given, so that the host-level result comes after the part's first endpoint.
    const html = renderThroughStream(sampleReport(undefined, results), results, htmlStream());
    // In the page's data: the shape once, though three results on two targets read it; the default message not at
    // all; the first endpoint once, for the two results on it.
    const { start, end } = dataBounds(html);
    const data = html.slice(start, end);
    expect(data.split('"operator":"dateAfter"').length - 1).toBe(1);
    expect(data).not.toContain("all conditions hold");
    const parts = (
      JSON.parse(data.slice(data.indexOf(">") + 1)) as { parts: Array<{ endpoint: string | null; pack: string; results: Array<Record<string, unknown>> }> }
    ).parts;
    expect(parts[0]?.endpoint).toBe("tls://mail.example:465");
    expect(parts[0]?.pack).toBe("demo-pack");
    expect(parts[0]?.results.map((result) => [result.endpoint, result.pack])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
      [null, undefined],
      ["tls://mail.example:993", "other-pack"],
    ]);
    const page = await open("shapes.html", html);
    const row = (text: string) => page.locator("#results details.result", { hasText: text });
    for (const [endpoint, date, pack] of [
      ["mail.example:465", "2031-01-01", "demo-pack"],
      ["mail.example:993", "2032-02-02", "other-pack"],
      ["pbx.example:5061", "2033-03-03", "demo-pack"],
    ] as const) {
      const certificate = row("DEMO-CERT").filter({ hasText: endpoint });
      await certificate.locator("summary").click();
      await certificate.locator(".body").waitFor();
      const text = (await certificate.textContent()) ?? "";
      expect(text, endpoint).toContain("all conditions hold");
      expect(text, endpoint).toContain("enough validity left");
      expect(text, endpoint).toContain("tls.leaf.notAfter");
      expect(text, endpoint).toContain('{"daysFromNow":30}');
      expect(text, endpoint).toContain(date);
      expect(text, endpoint).toContain(pack);
    }
    const failed = page.locator("#results details.result", { hasText: "DEMO-TLS-VERSION" });
    await failed.locator("summary").click();
    await failed.locator(".body").waitFor();
    expect(await failed.locator("summary").textContent()).toContain("mail tls://mail.example:465");
    expect(await failed.locator(".body > p").first().textContent()).toBe("all conditions hold");
    expect(await failed.locator("table tr").allTextContents()).toEqual([
      "conditionfactoperatorexpectedactualoutcome",
      'all[0]tls.versionsequal["TLSv1.3"]{"v":1}fail',
      "all[1]tls.suitesequalnullnullfail",
      "all[2]tls.curvesequal1—not-evaluated",
    ]);
    // The host-level result after the part's first endpoint names none.
    expect(await row("DEMO-BANNER").locator("summary").textContent()).toMatch(/mail$/);
    await page.close();
  });

  it("says so when it cannot show its results, and shows no count that could read as nothing found", async () => {
    const html = smallPage();
    // The data cut short, as when a page outgrows what the browser can read into one string.
    const { start, end } = dataBounds(html);
    const cut = html.slice(0, start + Math.floor((end - start) / 2)) + html.slice(end);
    const page = await open("cut.html", cut, "error");
    const status = (await page.locator("#page-status").textContent()) ?? "";
    expect(status).toContain("This page could not show its results");
    expect(status).toContain("hardcheck.json holds every result");
    expect(await page.locator("#summary-cards").textContent()).toBe("");
    expect(await page.locator("#results").textContent()).toBe("");
    expect(await page.locator("#summary-packs tr").count()).toBe(0);
    await page.close();
    // A page that loads says nothing of the kind.
    const whole = await open("whole.html", html);
    expect(await whole.locator("#page-status").count()).toBe(0);
    expect(await whole.locator("#summary-cards").textContent()).toContain("1");
    await whole.close();
  });

  it("takes back what it drew when it fails half-way, and lets no control draw again", async () => {
    const html = smallPage();
    // Drawing fails after the cards are drawn and every control is wired.
    const page = await open("half-drawn.html", html, "error", failingAppend("summary-packs", "cannot draw the pack table"));
    expect(await page.locator("#page-status").textContent()).toContain("This page could not show its results (cannot draw the pack table)");
    expect(await page.locator("#summary-cards").textContent()).toBe("");
    for (const hidden of ["nav", ".filters", "#result-count", "#show-more", "#view-checklist"])
      expect(await page.locator(hidden).isHidden(), hidden).toBe(true);
    // Controls reached anyway (by a script, or a keyboard shortcut) draw nothing: no checklist to print, no results.
    await page.evaluate(`{
      document.getElementById("tab-checklist").click();
      const status = document.getElementById("filter-status");
      status.value = "fail";
      status.dispatchEvent(new Event("change"));
    }`);
    expect(await page.locator("#checklist").textContent()).toBe("");
    expect(await page.locator("#results").textContent()).toBe("");
    expect(await page.locator("#page-status").isVisible()).toBe(true);
    await page.close();

    // The checklist is drawn when first opened: a failure then also says so, instead of an empty view.
    const later = await open("checklist-fails.html", html, "true", failingAppend("checklist", "cannot draw the checklist"));
    await later.click("#tab-checklist");
    await later.waitForSelector("html[data-ready=error]");
    expect(await later.locator("#page-status").textContent()).toContain("(cannot draw the checklist)");
    expect(await later.locator("#page-status").isVisible()).toBe(true);
    expect(await later.locator("#summary-cards").textContent()).toBe("");
    expect(await later.locator("#view-checklist").isHidden()).toBe(true);
    await later.close();
  });

  it("logged no console error, opened no dialog and made no network request", () => {
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
  });
});

const FORM_ROLES = [
  { tag: "main-server", name: "Main server" },
  { tag: "agent-server", name: "Remote Agent server" },
  { tag: "reporting-server", name: "Reporting server" },
  { tag: "main-standby", name: "Main standby server" },
  { tag: "agent-standby", name: "Remote Agent standby server" },
  { tag: "reporting-standby", name: "Reporting standby server" },
];

/** 31 items with texts of uneven length, so rows of many heights meet the page breaks. */
const FORM_RULES: ReportRule[] = Array.from({ length: 31 }, (_, i) => ({
  id: `FORM-RULE-${i + 1}`,
  pack: "form-pack",
  checklistRef: `FORM-${String(i + 1).padStart(2, "0")}`,
  section: `${1 + Math.floor(i / 5)}.${(i % 5) + 1}`,
  title: `Item ${i + 1} is configured as the deployment agreed`,
  severity: (["critical", "high", "medium", "low"] as const)[i % 4] ?? "medium",
  rationale: "Why it matters.",
  remediation: `Open the administration console and set the option. ${"Check the result afterwards and record the value. ".repeat(1 + ((i * 7) % 6))}`,
  manual: i % 6 === 5,
  ...(i % 6 === 5 ? { prompt: "Is it done?" } : {}),
  accessRights: i % 2 === 0 ? "Local administrator on every server" : "Network access to the service ports",
  references: [`release notes ${i + 1}`],
}));

/** A deployment of one target per role plus one without a role, scanned with the form pack. */
function formReport(): ReportDocument {
  const targets = [
    ...FORM_ROLES.map((role) => ({ id: role.tag.replace("-", ""), host: null, os: "windows", tags: [role.tag], endpoints: [] as string[] })),
    { id: "extra", host: null, os: "linux", tags: [], endpoints: [] as string[] },
  ];
  const statuses: Status[] = ["pass", "fail", "pass", "not-applicable", "pass", "error", "waived"];
  const results: CheckResult[] = [];
  FORM_RULES.forEach((rule, r) => {
    targets.forEach((target, t) => {
      const status: Status = rule.manual ? (t === 0 ? "pass" : "manual") : (statuses[(r + t) % statuses.length] as Status);
      const lines = 1 + ((r * 3 + t) % 4);
      results.push({
        ruleId: rule.id,
        pack: rule.pack,
        checklistRef: rule.checklistRef,
        section: rule.section,
        title: rule.title,
        severity: rule.severity,
        target: target.id,
        endpoint: null,
        status,
        message: status === "pass" ? "all conditions hold" : `${"setting differs from the agreed value; ".repeat(lines)}see the evidence`,
        conditions: [],
        evidence: {},
        ...(status === "waived"
          ? {
              waiver: {
                rule: rule.id,
                target: target.id,
                reason: "replacement ordered",
                approvedBy: "Site security officer",
                expires: "2026-09-30",
                expired: false,
                originalStatus: "fail" as Status,
              },
            }
          : {}),
        ...(rule.manual && t === 0
          ? {
              attestation: {
                rule: rule.id,
                target: target.id,
                verdict: "pass" as const,
                by: "J. Technician",
                at: "2026-02-27T09:30:00Z",
                note: "checked on site",
              },
            }
          : {}),
      });
    });
  });
  return buildReport({
    tool: { name: "hardcheck", version: "0.1.0" },
    startedAt: "2026-03-01T10:00:00.000Z",
    finishedAt: "2026-03-01T10:05:00.000Z",
    incomplete: false,
    packs: [{ id: "form-pack", title: "Form pack", version: "1.0.0", roles: FORM_ROLES }],
    targets,
    results,
    notices: [],
    rules: FORM_RULES,
    site: {
      customer: {
        company: "Example Customer Ltd",
        name: "A. Admin",
        address: "1 Example Road, Example Town",
        telephone: "+49 89 0000000",
        email: "admin@customer.example",
      },
      supplier: { company: "Example Integrator GmbH", name: "B. Builder" },
      coveredSystems: "six servers of product 5.0 (10.0.0.1–10.0.0.6) and one Linux gateway",
      checklistVersion: "03/2025",
      checklistDate: "2025-03-01",
      openIssuesUntil: "2026-06-30",
    },
  });
}
