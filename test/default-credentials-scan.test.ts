// NET-DEFAULT-CREDENTIALS through a real scan: the pack's account list reaches the probe, and the
// check stays not applicable unless the target opts in with allowCredentialTries.
import { register as checklists } from "@hardcheck/checklists";
import { configFromObject, Hardcheck, resultsWithRules } from "@hardcheck/core";
import { type SlapdLab, startSlapdLab } from "@hardcheck/labs";
import { register as networkProbes } from "@hardcheck/probes-network";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The pack's default LDAP account is cn=admin,{base} with the factory password "admin".
const FACTORY_PASSWORD = "admin";
let slapd: SlapdLab;

beforeAll(async () => {
  slapd = await startSlapdLab("open", { rootPassword: FACTORY_PASSWORD });
}, 30_000);
afterAll(async () => {
  await slapd?.close();
});

describe("NET-DEFAULT-CREDENTIALS in a scan", () => {
  it("fails only for the target that allows credential tries, and keeps the password out of the report", async () => {
    const endpoint = `ldap://127.0.0.1:${slapd.ldapPort}`;
    const config = configFromObject({
      packs: ["network-baseline"],
      limits: { connectTimeoutMs: 2_000, probeTimeoutMs: 10_000 },
      targets: [
        { id: "opted-in", allowCredentialTries: true, endpoints: [endpoint] },
        { id: "default", endpoints: [endpoint] },
      ],
    });
    const hardcheck = await Hardcheck.create({ plugins: [networkProbes, checklists], config });
    const report = await hardcheck.scan(config);
    const result = (target: string) => resultsWithRules(report).find((entry) => entry.target === target && entry.ruleId === "NET-DEFAULT-CREDENTIALS");
    expect(result("opted-in")?.status).toBe("fail");
    expect(result("default")?.status).toBe("not-applicable");
    const evidence = JSON.stringify(result("opted-in"));
    expect(evidence).toContain("cn=admin,dc=lab,dc=test");
    expect(evidence).not.toContain(`"${FACTORY_PASSWORD}"`);
    expect(JSON.stringify(report)).not.toMatch(/"password"/);
  }, 30_000);
});
