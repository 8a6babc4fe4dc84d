import { describe, expect, it } from "vitest";
import { factsOnBothPaths } from "../../test/support/probe-cases.js";
import { sharesFact, windowsSharesProbe } from "./windows-shares.probe.js";

describe("windows-shares", () => {
  it.each([
    ["2019-default", ["netsetup"]],
    ["2022-hardened", []],
  ] as const)("%s → writable shares %j", async (set, writable) => {
    const fact = (await factsOnBothPaths(windowsSharesProbe, set))["windows.shares"] as { writable: string[]; names: string[] };
    expect(fact.writable).toEqual(writable);
    expect(fact.names).toContain("netsetup");
  });

  it("finds the setup share by its path and judges write access for users, not for administrators", () => {
    const share = (name: string, path: string, ...access: Array<[string, string]>) => ({
      name,
      path,
      special: false,
      access: access.map(([account, right]) => ({ account, type: "Allow", right })),
    });
    const section = {
      shares: [
        share("Clients", "C:\\Program Files (x86)\\OpenScape Contact Center Extension\\ClientSetups", ["Everyone", "Change"]),
        share("netsetup", "D:\\setup", ["BUILTIN\\Administrators", "Full"], ["Everyone", "Read"]),
        share("data", "D:\\data", ["Everyone", "Full"]),
      ],
    };
    const fact = sharesFact(section, ["\\\\ClientSetups$", "^netsetup$"]) as { matched: string[]; matchedWritableByUsers: string[]; writable: string[] };
    expect(fact.matched).toEqual(["clients", "netsetup"]);
    expect(fact.matchedWritableByUsers).toEqual(["clients"]);
    expect(fact.writable).toEqual(["clients", "data", "netsetup"]);
  });
});
