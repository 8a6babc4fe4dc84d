import { describe, expect, it } from "vitest";
import { factsOnBothPaths } from "../../test/support/probe-cases.js";
import { registryFacts, windowsRegistryProbe } from "./windows-registry.probe.js";

describe("windows-registry", () => {
  it.each([
    ["2019-default", true, false, false],
    ["2022-default", true, false, false],
    ["2019-hardened", false, true, true],
    ["2022-hardened", false, true, true],
  ] as const)("%s → forwarding %s, NLA %s, WSUS %s", async (set, forwarding, nla, wsus) => {
    const facts = await factsOnBothPaths(windowsRegistryProbe, set);
    expect(facts["windows.network.ipForwarding"]).toMatchObject({ enabled: forwarding });
    expect(facts["windows.rdp"]).toMatchObject({ enabled: true, nlaRequired: nla });
    expect(facts["windows.update.policy"]).toMatchObject({ usesWsus: wsus });
  });

  it("lets the group-policy value win over the local one, and treats absent fDenyTSConnections as RDP off", () => {
    const facts = registryFacts({
      values: [
        { key: "SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp", name: "UserAuthentication", present: true, value: 0 },
        { key: "SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services", name: "UserAuthentication", present: true, value: 1 },
      ],
    });
    expect(facts["windows.rdp"]).toMatchObject({ enabled: false, nlaRequired: true, source: "group-policy" });
  });
});
