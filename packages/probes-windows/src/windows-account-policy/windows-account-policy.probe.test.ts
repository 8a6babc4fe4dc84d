import { describe, expect, it } from "vitest";
import { factsOnBothPaths } from "../../test/support/probe-cases.js";
import { accountPolicyFact, windowsAccountPolicyProbe } from "./windows-account-policy.probe.js";

describe("windows-account-policy", () => {
  it.each([
    ["2019-default", { minimumPasswordLength: 0, passwordHistorySize: 0, maximumPasswordAgeDays: 42, lockoutThreshold: 0 }],
    [
      "2022-hardened",
      { minimumPasswordLength: 8, passwordHistorySize: 5, maximumPasswordAgeDays: 90, lockoutThreshold: 5, administratorAccountName: "osc-admin" },
    ],
  ] as const)("%s → %j", async (set, expected) => {
    expect((await factsOnBothPaths(windowsAccountPolicyProbe, set))["windows.accountPolicy"]).toMatchObject({
      ...expected,
      passwordComplexity: true,
      maximumPasswordLength: null,
    });
  });

  it("reads 'never expires' (-1) and refuses an export without [System Access]", () => {
    expect(accountPolicyFact({ inf: "[System Access]\r\nMaximumPasswordAge = -1\r\n" })).toMatchObject({
      passwordsExpire: false,
      maximumPasswordAgeDays: null,
    });
    expect(() => accountPolicyFact({ inf: "[Event Audit]\r\n" })).toThrow(/System Access/);
  });
});
