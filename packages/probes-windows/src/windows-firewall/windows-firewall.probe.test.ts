import { describe, expect, it } from "vitest";
import { factsOnBothPaths } from "../../test/support/probe-cases.js";
import { windowsFirewallProbe } from "./windows-firewall.probe.js";

describe("windows-firewall", () => {
  it.each([
    ["2019-default", ["Domain"], ["Public"]],
    ["2022-default", ["Domain"], ["Public"]],
    ["2019-hardened", [], []],
    ["2022-hardened", [], []],
  ] as const)("%s → off %j, inbound not blocked %j", async (set, off, open) => {
    expect((await factsOnBothPaths(windowsFirewallProbe, set))["windows.firewall"]).toMatchObject({
      profileCount: 3,
      disabledProfiles: off,
      inboundNotBlocked: open,
    });
  });
});
