import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseReport, type ReportDocument } from "@hardcheck/core";
import { main } from "hardcheck";
import { describe, expect, it } from "vitest";

const example = resolve(import.meta.dirname, "..");
// A hardened Windows Server 2022 bundle whose password policy asks for 8 characters.
const bundle = resolve(example, "../openscape-lab/evidence/xpert-system-manager.json");

async function scan(config: string): Promise<ReportDocument> {
  const dir = mkdtempSync(join(tmpdir(), "hc-site-rules-"));
  copyFileSync(bundle, join(dir, "concierge-evidence.json"));
  copyFileSync(join(example, "site-rules.yaml"), join(dir, "site-rules.yaml"));
  writeFileSync(join(dir, "hardcheck.yaml"), config);
  let stderr = "";
  const code = await main(["scan", "-c", "hardcheck.yaml", "-o", "out", "--stdout", "none"], {
    stdout: { write: () => true },
    stderr: { write: (text: string) => (stderr += text) },
    env: { NO_COLOR: "1" },
    cwd: dir,
  });
  expect(stderr).not.toMatch(/HC_/);
  expect([0, 1]).toContain(code);
  return parseReport(JSON.parse(readFileSync(join(dir, "out", "hardcheck.json"), "utf8")), "hardcheck.json");
}

const result = (report: ReportDocument, rule: string) => report.results.find((r) => r.ruleId === rule && r.target === "osc-1");

describe("site rules on top of openscape-concierge-v5r0", () => {
  it("the tailored minimum length decides the password rules; the site's own rule runs beside the pack", async () => {
    const tailored = await scan(readFileSync(join(example, "hardcheck.example.yaml"), "utf8"));
    const untailored = await scan(readFileSync(join(example, "hardcheck.example.yaml"), "utf8").replace(/tailoring:[\s\S]*?targets:/, "targets:"));
    expect(result(untailored, "CL-PWD1")?.status).toBe("pass");
    expect(result(tailored, "CL-PWD1")?.status).toBe("fail");
    expect(result(tailored, "CL-PWD1")?.message).toContain("minimumPasswordLength greaterThanInclusive 12 — got 8");
    expect(result(tailored, "CL-PW-POLICY")?.status).toBe("fail");
    expect(result(tailored, "SITE-NO-REMOTE-SUPPORT-TOOLS")?.status).toBe("pass");
    expect(tailored.packs.map((pack) => pack.id)).toEqual(["example-site", "openscape-concierge-v5r0"]);
  });
});
