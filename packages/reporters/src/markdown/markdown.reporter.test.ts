import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden, sampleReport, sampleResult, XSS_BANNER } from "../../test/sample-report.js";
import { escapeMarkdown, markdownReporter, renderMarkdown } from "./markdown.reporter.js";

describe("Markdown reporter", () => {
  const report = sampleReport();
  const text = String(markdownReporter.render(report, {}));

  it("matches the golden file", async () => {
    await expectGolden(resolve(import.meta.dirname, "golden/sample.md.golden"), text);
  });

  it("leads with the verdict and counts, then failures by severity, errors, waivers", () => {
    expect(text.split("\n")[0]).toBe("## ❌ hardcheck: 3 failed, 1 errors of 10 checks");
    const failures = text.slice(text.indexOf("### Failures"), text.indexOf("### Errors"));
    expect(failures.indexOf("DEMO-CERT")).toBeGreaterThan(0);
    expect(failures.indexOf("DEMO-CERT")).toBeLessThan(failures.indexOf("DEMO-BANNER"));
    expect(text).toContain("| DEMO-CERT | mail smtp://mail.example:25 | connect ECONNREFUSED 127.0.0.1:25 |");
    expect(text).toContain("| CISO office | 2026-06-30 |");
  });

  it("keeps scanned text inert: no raw HTML, no table-breaking pipes", () => {
    expect(text).not.toContain(XSS_BANNER);
    expect(text).toContain("&lt;img src=x onerror=alert\\(1\\)&gt;");
    expect(escapeMarkdown("a|b\nc")).toBe("a\\|b c");
  });

  it("marks new failures against a baseline and lists them first", () => {
    const baseline = sampleReport(undefined, [sampleResult("DEMO-CERT", "pbx", "sips://pbx.example:5061", "fail")]);
    const compared = renderMarkdown(report, { baseline });
    expect(compared).toContain("**2 new failure(s)**, 1 failing before too.");
    const rows = compared.split("\n").filter((line) => line.startsWith("| 🆕 |"));
    expect(rows).toHaveLength(2);
    expect(rows.some((row) => row.includes("DEMO-CERT"))).toBe(false);
  });

  it("caps long tables", () => {
    const many = Array.from({ length: 8 }, (_, index) => sampleResult("DEMO-BANNER", `t${index}`, null, "fail"));
    const capped = renderMarkdown(sampleReport(undefined, many), { maxRows: 3 });
    expect(capped).toContain("… and 5 more (see the full report).");
    // The most severe failures are listed first, whichever target they came from.
    const mixed = [...many, sampleResult("DEMO-CERT", "t9", null, "fail")];
    const rows = renderMarkdown(sampleReport(undefined, mixed), { maxRows: 3 })
      .split("\n")
      .filter((line) => line.startsWith("|  | "));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain("DEMO-CERT");
  });
});
