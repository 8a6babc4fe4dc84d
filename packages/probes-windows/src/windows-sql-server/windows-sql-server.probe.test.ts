import { describe, expect, it } from "vitest";
import { fakePowerShellHost, fixtureSections, runHostProbe } from "../../test/support/fixture-host.js";
import { factsOnBothPaths } from "../../test/support/probe-cases.js";
import { sqlServerFact, windowsSqlServerProbe } from "./windows-sql-server.probe.js";

describe("windows-sql-server", () => {
  it.each([
    ["2019-default", ["CONCIERGE"], null],
    ["2022-hardened", [], "3f2a9c1d7e4b5a6c8d9e0f1a2b3c4d5e6f7a8b9c"],
  ] as const)("%s → instances without ForceEncryption %j", async (set, without, thumbprint) => {
    const fact = (await factsOnBothPaths(windowsSqlServerProbe, set))["windows.sqlServer"] as {
      withoutForceEncryption: string[];
      instances: Array<{ certificateThumbprint: string | null }>;
    };
    expect(fact.withoutForceEncryption).toEqual(without);
    expect(fact.instances[0]?.certificateThumbprint).toBe(thumbprint);
  });

  it("reports no instance when the registry has none (PowerShell printed null)", () => {
    expect(sqlServerFact({ instances: null })).toMatchObject({ installed: false, instanceCount: 0 });
  });

  it("says verified absent when asked and the host has no instance, and reports facts otherwise", async () => {
    const none = { ...fixtureSections("2022-hardened"), "sql-server": { instances: null } };
    expect(await runHostProbe(windowsSqlServerProbe, fakePowerShellHost(none).transport, { absentWhenNone: true })).toEqual({
      notApplicable: "no SQL Server instance is installed on the host",
      verifiedAbsent: true,
    });
    expect(await runHostProbe(windowsSqlServerProbe, fakePowerShellHost(none).transport)).toMatchObject({
      facts: { "windows.sqlServer": { installed: false } },
    });
    const some = fakePowerShellHost(fixtureSections("2019-default")).transport;
    expect(await runHostProbe(windowsSqlServerProbe, some, { absentWhenNone: true })).toHaveProperty("facts");
  });
});
