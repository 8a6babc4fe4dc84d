import { describe, expect, it } from "vitest";
import { factsOnBothPaths } from "../../test/support/probe-cases.js";
import { windowsAccountsProbe } from "./windows-accounts.probe.js";

describe("windows-accounts", () => {
  it.each([
    ["2019-default", "administrator", ["support"]],
    ["2022-hardened", "osc-admin", []],
  ] as const)("%s → RID-500 account %s, enabled without password %j", async (set, admin, without) => {
    expect((await factsOnBothPaths(windowsAccountsProbe, set))["windows.accounts"]).toMatchObject({
      builtinAdministrator: { nameLower: admin },
      enabledWithoutPassword: without,
    });
  });
});
