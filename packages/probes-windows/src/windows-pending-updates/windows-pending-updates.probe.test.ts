import { describe, expect, it } from "vitest";
import { factsOnBothPaths } from "../../test/support/probe-cases.js";
import { pendingUpdatesFact, windowsPendingUpdatesProbe } from "./windows-pending-updates.probe.js";

const now = new Date("2026-11-25T00:00:00Z");

describe("windows-pending-updates", () => {
  it.each([
    ["2019-default", "ok", 3, ["KB5063877", "KB5065955"], 105],
    ["2019-hardened", "ok", 0, [], null],
    ["2022-default", "unavailable", null, [], null],
    ["2022-hardened", "ok", 1, [], null],
  ] as const)("%s → %s, %s pending, security %j, oldest security %s days", async (set, status, count, kbIds, oldest) => {
    const fact = (await factsOnBothPaths(windowsPendingUpdatesProbe, set))["windows.updates.pending"] as {
      status: string;
      count: number | null;
      security: Array<{ kbIds: string[] }>;
      oldestSecurityDays: number | null;
    };
    expect(fact).toMatchObject({ status, count, oldestSecurityDays: oldest });
    expect(fact.security.flatMap((update) => update.kbIds)).toEqual(kbIds);
  });

  it("reports an unreachable update source as a status with its error, not as a probe failure", async () => {
    const fact = (await factsOnBothPaths(windowsPendingUpdatesProbe, "2022-default"))["windows.updates.pending"];
    expect(fact).toMatchObject({ status: "unavailable", hresult: "0x8024401C", error: expect.stringContaining("0x8024401C"), securityCount: null });
  });

  it("a search that ended with errors is incomplete; any other result code is unavailable", () => {
    expect(pendingUpdatesFact({ searched: true, resultCode: 3, updates: [] }, now)).toMatchObject({ status: "incomplete", count: 0 });
    expect(pendingUpdatesFact({ searched: true, resultCode: 4, updates: null }, now)).toMatchObject({
      status: "unavailable",
      error: "update search ended with result code 4",
    });
  });

  it("marks security by severity or by the classification id whatever its display name; undated ones leave the age unknown", () => {
    const fact = pendingUpdatesFact(
      {
        searched: true,
        resultCode: 2,
        updates: {
          title: "Sicherheitsupdate",
          kbIds: "KB1",
          msrcSeverity: "",
          categories: [{ id: "0FA1201D-4330-4FA8-8AE9-B877473B6441", name: "Sicherheitsupdates" }],
          lastDeploymentChangeTime: null,
        },
      },
      now,
    );
    expect(fact).toMatchObject({ securityCount: 1, oldestSecurityDays: null, security: [{ title: "Sicherheitsupdate", kbIds: ["KB1"] }] });
  });
});
