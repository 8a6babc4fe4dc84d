// The machine running the tests, scanned via local: with the whole linux-baseline pack.
import { readFileSync } from "node:fs";
import { configFromObject, Hardcheck } from "@hardcheck/core";
import { describe, expect, it } from "vitest";
import { register as linuxProbes } from "../src/index.js";
import { linuxBaselinePack as checklists, linuxBaselineRuleCount } from "./linux-baseline-pack.js";

describe("local: scan of this machine", () => {
  it("decides every linux-baseline rule without errors, with facts that match the machine", async () => {
    // The whole disk of a shared test machine holds other checkouts; walking the system directories keeps the test quick.
    const config = configFromObject({
      packs: ["linux-baseline"],
      targets: [{ id: "this-machine", host: "local:", os: "linux" }],
      tailoring: { "linux-baseline": { walkPaths: ["/etc", "/usr"] } },
      // apt-get -s dist-upgrade alone takes tens of seconds on a loaded machine.
      limits: { probeTimeoutMs: 90_000 },
    });
    const hardcheck = await Hardcheck.create({ plugins: [linuxProbes, checklists], config });
    const report = await hardcheck.scan(config);
    expect(report.results).toHaveLength(linuxBaselineRuleCount);
    expect(report.results.filter((result) => result.status === "error").map((result) => `${result.ruleId}: ${result.message}`)).toEqual([]);
    const sshdInstalled = readFileSync("/var/lib/dpkg/status", "utf8").includes("Package: openssh-server\n");
    const rootLogin = report.results.find((result) => result.ruleId === "LNX-SSH-NO-ROOT-LOGIN");
    expect(rootLogin?.status).toMatch(sshdInstalled ? /^(pass|fail)$/ : /^not-applicable$/);
    // The message names the forbidden packages found, never the whole package list.
    const installed = new Set([...readFileSync("/var/lib/dpkg/status", "utf8").matchAll(/^Package: (\S+)\nStatus: install ok installed/gm)].map((m) => m[1]));
    const tools = report.results.find((result) => result.ruleId === "LNX-NO-DIAGNOSTIC-TOOLS");
    const found = ["tcpdump", "nmap", "socat", "telnet"].filter((name) => installed.has(name));
    if (found.length > 0) {
      expect(tools?.status).toBe("fail");
      for (const name of found) expect(tools?.message).toContain(`"${name}"`);
    }
    expect(tools?.message).not.toContain('"bash"');
  }, 240_000);
});
