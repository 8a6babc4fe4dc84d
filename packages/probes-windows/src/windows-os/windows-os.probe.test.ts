import { describe, expect, it } from "vitest";
import { factsOnBothPaths } from "../../test/support/probe-cases.js";
import { windowsOsProbe } from "./windows-os.probe.js";

describe("windows-os", () => {
  it.each([
    ["2019-default", "2019", "10.0.17763.5458"],
    ["2022-hardened", "2022", "10.0.20348.2340"],
  ] as const)("%s → Server %s, full version %s", async (set, release, fullVersion) => {
    const facts = await factsOnBothPaths(windowsOsProbe, set);
    expect(facts["windows.os"]).toMatchObject({ serverRelease: release, fullVersion, isServer: true });
  });
});
