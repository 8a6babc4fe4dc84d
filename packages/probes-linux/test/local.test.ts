// The machine running the tests, scanned via local: with the whole linux-baseline pack.
import { readFileSync } from "node:fs";
import { configFromObject, Hardcheck } from "@hardcheck/core";
import { describe, expect, it } from "vitest";
import { register as linuxProbes } from "../src/index.js";
import { linuxBaselinePack as checklists } from "./linux-baseline-pack.js";

describe("local: scan of this machine", () => {
  it("decides every linux-baseline rule without errors, with facts that match the machine", async () => {
    const config = configFromObject({ packs: ["linux-baseline"], targets: [{ id: "this-machine", host: "local:", os: "linux" }] });
    const hardcheck = await Hardcheck.create({ plugins: [linuxProbes, checklists], config });
    const report = await hardcheck.scan(config);
    expect(report.results).toHaveLength(17);
    expect(report.results.filter((result) => result.status === "error").map((result) => `${result.ruleId}: ${result.message}`)).toEqual([]);
    const sshdInstalled = readFileSync("/var/lib/dpkg/status", "utf8").includes("Package: openssh-server\n");
    const rootLogin = report.results.find((result) => result.ruleId === "LNX-SSH-NO-ROOT-LOGIN");
    expect(rootLogin?.status).toMatch(sshdInstalled ? /^(pass|fail)$/ : /^not-applicable$/);
    const tools = report.results.find((result) => result.ruleId === "LNX-NO-DIAGNOSTIC-TOOLS");
    expect(JSON.stringify(tools?.evidence)).toContain("bash");
  }, 120_000);
});
