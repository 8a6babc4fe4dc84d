import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { type ConditionTrace, describeFailures } from "@hardcheck/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectGolden, sampleReport, sampleResult, XSS_BANNER } from "../../test/sample-report.js";
import { junitReporter, renderJunit } from "./junit.reporter.js";

const run = promisify(execFile);
const xsd = resolve(import.meta.dirname, "fixtures/junit-ant.xsd");

describe("JUnit reporter", () => {
  let dir: string;
  const xml = String(junitReporter.render(sampleReport(), {}));
  const write = async (name: string, text: string) => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };
  /** Evaluates an XPath expression with xmllint: the document is parsed back by a real XML parser. */
  const xpath = async (file: string, expression: string) => (await run("xmllint", ["--xpath", expression, file], { timeout: 10_000 })).stdout.trim();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hardcheck-junit-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("matches the golden file, which validates against the Ant JUnit schema", async () => {
    await expectGolden(resolve(import.meta.dirname, "golden/sample.junit.xml"), xml);
    const file = await write("sample.xml", xml);
    const { stderr } = await run("xmllint", ["--noout", "--schema", xsd, file], { timeout: 10_000 });
    expect(stderr).toContain("validates");
  });

  it("the schema check can fail: an unknown attribute is rejected", async () => {
    const file = await write("broken.xml", xml.replace("<testcase ", '<testcase flaky="yes" '));
    await expect(run("xmllint", ["--noout", "--schema", xsd, file], { timeout: 10_000 })).rejects.toMatchObject({ stderr: expect.stringContaining("flaky") });
  });

  it("parses back to one testsuite per target with counts, timestamp and hostname", async () => {
    const file = await write("parsed.xml", xml);
    expect(await xpath(file, "count(/testsuites/testsuite)")).toBe("2");
    expect(await xpath(file, "string(/testsuites/testsuite[@name='mail']/@tests)")).toBe("6");
    expect(await xpath(file, "string(/testsuites/testsuite[@name='mail']/@failures)")).toBe("2");
    expect(await xpath(file, "string(/testsuites/testsuite[@name='mail']/@errors)")).toBe("1");
    expect(await xpath(file, "string(/testsuites/testsuite[@name='mail']/@skipped)")).toBe("2");
    expect(await xpath(file, "string(/testsuites/testsuite[@name='mail']/@timestamp)")).toBe("2026-03-01T10:00:00");
    expect(await xpath(file, "string(/testsuites/testsuite[@name='pbx']/@hostname)")).toBe("ssh://admin@pbx.example");
    expect(await xpath(file, "string(/testsuites/testsuite[@name='mail']/@hostname)")).toBe("mail.example");
  });

  it("maps statuses to failure (with failing conditions), error and skipped, and names the rule source", async () => {
    const file = await write("statuses.xml", xml);
    const failure = await xpath(file, "string(//testcase[@classname='mail.smtp'][starts-with(@name,'DEMO-TLS-VERSION')]/failure)");
    expect(failure).toContain('no TLS 1.0: tls.versions notContains "TLSv1.0" — got ["TLSv1.0","TLSv1.2"]');
    expect(await xpath(file, "string(//testcase[starts-with(@name,'DEMO-CERT')][error]/error/@message)")).toBe("connect ECONNREFUSED 127.0.0.1:25");
    expect(await xpath(file, "string(//testcase[starts-with(@name,'DEMO-CERT')][skipped]/skipped/@message)")).toBe(
      "waived by CISO office until 2026-06-30: Internal relay; CA certificate ordered (ticket 4711)",
    );
    expect(await xpath(file, "string(//testcase[@classname='mail.host']/skipped/@message)")).toMatch(/^manual: /);
    expect(await xpath(file, "string(//testcase[@classname='pbx.sips'][starts-with(@name,'DEMO-BANNER')]/skipped/@message)")).toBe(
      "not applicable: no banner on sips",
    );
    expect(await xpath(file, "string(//testcase[@classname='mail.host']/@file)")).toBe("@hardcheck/checklists/packs/demo-pack.yaml");
    // The hostile banner is text: it parses back verbatim, and no element named img exists.
    expect(await xpath(file, "string(//testcase[starts-with(@name,'DEMO-BANNER')]/failure/@message)")).toBe(`banner reveals the version: ${XSS_BANNER}`);
    expect(await xpath(file, "count(//img)")).toBe("0");
  });

  it("gives every testcase a unique classname + name, even for one rule on several endpoints of a kind", async () => {
    const results = ["tls://a:1", "tls://a:2"].map((endpoint) => sampleResult("DEMO-CERT", "mail", endpoint, "pass"));
    const file = await write("unique.xml", renderJunit(sampleReport(undefined, results)));
    const names = (await xpath(file, "//testcase/@name")).split("\n").map((line) => line.trim());
    expect(new Set(names).size).toBe(2);
  });

  it("keeps XML valid when scanned text holds characters XML 1.0 forbids", async () => {
    const file = await write(
      "control.xml",
      renderJunit(sampleReport(undefined, [sampleResult("DEMO-BANNER", "mail", null, "fail", { message: "bell\u0007 and nul\u0000" })])),
    );
    const { stderr } = await run("xmllint", ["--noout", "--schema", xsd, file], { timeout: 10_000 });
    expect(stderr).toContain("validates");
  });

  it("says each failing condition once, even when the message is made of them (as a scan writes it)", async () => {
    const conditions: ConditionTrace[] = [
      { where: "all[0]", fact: "packages", operator: "setDisjoint", expected: ["nmap", "wireshark"], actual: ["bash", "nmap", "zsh"], outcome: "fail" },
      { where: "all[1]", fact: "tls.leaf", path: "$.selfSigned", operator: "equal", expected: false, actual: true, outcome: "fail" },
    ];
    const result = sampleResult("DEMO-CERT", "mail", "tls://mail.example:465", "fail", { message: describeFailures(conditions), conditions });
    const file = await write("once.xml", renderJunit(sampleReport(undefined, [result])));
    const body = await xpath(file, "string(//testcase/failure)");
    expect(body.split("\n")).toEqual([
      "critical",
      'packages setDisjoint ["nmap","wireshark"] — present: "nmap" (of 3 items)',
      "tls.leaf.selfSigned equal false — got true",
    ]);
    expect(body.match(/setDisjoint/g)).toHaveLength(1);
    expect(await xpath(file, "string(//testcase/failure/@message)")).toBe(result.message);
  });
});
