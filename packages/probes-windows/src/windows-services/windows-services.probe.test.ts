import { describe, expect, it } from "vitest";
import { factsOnBothPaths } from "../../test/support/probe-cases.js";
import { windowsServicesProbe } from "./windows-services.probe.js";

describe("windows-services", () => {
  it.each([
    ["2019-default", false],
    ["2022-hardened", true],
  ] as const)("%s → Defender service running: %s", async (set, running) => {
    const fact = (await factsOnBothPaths(windowsServicesProbe, set))["windows.services"] as { running: string[]; names: string[] };
    expect(fact.running.includes("windefend")).toBe(running);
    expect(fact.names).toContain("mssql$concierge");
  });
});
