/** The CI examples must keep naming formats and files that hardcheck really writes. */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { reporters } from "@hardcheck/reporters";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const here = resolve(import.meta.dirname, "..");
const fileOf = (format: string) => reporters.find((reporter) => reporter.id === format)?.fileName;

/** The `--format` list and `--out` folder of the scan command in a script line. */
function scanArguments(script: string): { formats: string[]; out: string } {
  const formats = /--format (\S+)/.exec(script)?.[1]?.split(",") ?? [];
  const out = /--out (\S+)/.exec(script)?.[1] ?? "";
  return { formats, out };
}

describe("CI examples", () => {
  it("GitHub Actions: scans with known formats and uploads the SARIF file the scan writes", async () => {
    const workflow = parse(await readFile(resolve(here, "github-actions.yml"), "utf8")) as {
      permissions: Record<string, string>;
      jobs: { hardcheck: { steps: Array<{ run?: string; uses?: string; with?: Record<string, string> }> } };
    };
    expect(workflow.permissions["security-events"]).toBe("write");
    const steps = workflow.jobs.hardcheck.steps;
    const scan = steps.find((step) => step.run?.includes("hardcheck@0 scan"))?.run ?? "";
    const { formats, out } = scanArguments(scan);
    for (const format of formats) expect(fileOf(format), format).toBeDefined();
    const upload = steps.find((step) => step.uses?.startsWith("github/codeql-action/upload-sarif"));
    expect(upload?.with?.sarif_file).toBe(`${out}/${fileOf("sarif")}`);
    expect(steps.some((step) => step.run?.includes(`${out}/${fileOf("markdown")}`) && step.run.includes("GITHUB_STEP_SUMMARY"))).toBe(true);
  });

  it("GitLab CI: hands the JUnit file the scan writes to GitLab's test report", async () => {
    const pipeline = parse(await readFile(resolve(here, "gitlab-ci.yml"), "utf8")) as {
      hardcheck: { script: string[]; artifacts: { reports: { junit: string }; when: string } };
    };
    const { formats, out } = scanArguments(pipeline.hardcheck.script.join(" "));
    for (const format of formats) expect(fileOf(format), format).toBeDefined();
    expect(formats).toContain("junit");
    expect(pipeline.hardcheck.artifacts.reports.junit).toBe(`${out}/${fileOf("junit")}`);
    expect(pipeline.hardcheck.artifacts.when).toBe("always");
  });
});
