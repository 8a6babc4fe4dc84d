import { describe, expect, it } from "vitest";
import { factsOnBothPaths } from "../../test/support/probe-cases.js";
import { windowsUpdatesProbe } from "./windows-updates.probe.js";

describe("windows-updates", () => {
  it.each([
    ["2019-default", "2026-02-14T00:00:00.0000000Z", 283],
    ["2022-hardened", "2026-11-13T00:00:00.0000000Z", 11],
  ] as const)("%s → last install %s, %i days before collection", async (set, last, days) => {
    expect((await factsOnBothPaths(windowsUpdatesProbe, set))["windows.updates"]).toMatchObject({ lastInstalledAt: last, daysSinceLastInstall: days });
  });
});
