import { describe, expect, it } from "vitest";
import { factsOnBothPaths } from "../testing/probe-cases.js";
import { windowsSharesProbe } from "./windows-shares.probe.js";

describe("windows-shares", () => {
  it.each([
    ["2019-default", ["netsetup"]],
    ["2022-hardened", []],
  ] as const)("%s → writable shares %j", async (set, writable) => {
    const fact = (await factsOnBothPaths(windowsSharesProbe, set))["windows.shares"] as { writable: string[]; names: string[] };
    expect(fact.writable).toEqual(writable);
    expect(fact.names).toContain("netsetup");
  });
});
