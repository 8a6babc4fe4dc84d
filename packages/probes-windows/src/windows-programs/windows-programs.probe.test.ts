import { describe, expect, it } from "vitest";
import { factsOnBothPaths } from "../../test/support/probe-cases.js";
import { minimumVersionsParam, programsFact, windowsProgramsProbe } from "./windows-programs.probe.js";

const RUNTIME_MINIMUMS = [
  { namePattern: "^Java( \\d+)? Update \\d+", minimumVersion: "8.0.4310" },
  { namePattern: "^Microsoft \\.NET Runtime - ", minimumVersion: "8.0" },
  { namePattern: "^Microsoft Edge$", minimumVersion: "131.0" },
];

describe("windows-programs", () => {
  it.each([
    ["2019-default", ["Npcap", "PuTTY release 0.81 (64-bit)", "Wireshark 4.2.5 x64"]],
    ["2022-hardened", []],
  ] as const)("%s → matched %j, both registry views read", async (set, matched) => {
    const fact = (await factsOnBothPaths(windowsProgramsProbe, set, { match: ["wireshark", "npcap", "putty"] }))["windows.programs"] as {
      matched: string[];
      programs: Array<{ view: string }>;
    };
    expect(fact.matched).toEqual(matched);
    expect(new Set(fact.programs.map((program) => program.view))).toEqual(new Set(["32", "64"]));
  });

  it.each([
    ["2019-default", ["Java 8 Update 381 (64-bit) 8.0.3810.9 (minimum 8.0.4310)", "Microsoft .NET Runtime - 6.0.25 (x64) 6.0.25.33020 (minimum 8.0)"]],
    ["2022-default", ["Java 8 Update 381 (64-bit) 8.0.3810.9 (minimum 8.0.4310)", "Microsoft .NET Runtime - 6.0.25 (x64) 6.0.25.33020 (minimum 8.0)"]],
    ["2019-hardened", []],
    ["2022-hardened", []],
  ] as const)("%s → below the minimum versions: %j", async (set, below) => {
    const fact = (await factsOnBothPaths(windowsProgramsProbe, set, { minimumVersions: RUNTIME_MINIMUMS }))["windows.programs"] as { belowMinimum: string[] };
    expect(fact.belowMinimum).toEqual(below);
  });

  it("compares numeric parts as numbers and counts a matching program without a version as below", () => {
    const section = {
      programs: [
        { name: "Java 8 Update 91", version: "8.0.910.14", view: "64" },
        { name: "Java 8 Update 431", version: "8.0.4310.11", view: "32" },
        { name: "Microsoft Edge", version: "", view: "64" },
      ],
    };
    const fact = programsFact(section, [], minimumVersionsParam(RUNTIME_MINIMUMS)) as { belowMinimum: string[] };
    expect(fact.belowMinimum).toEqual(["Java 8 Update 91 8.0.910.14 (minimum 8.0.4310)", "Microsoft Edge (no version; minimum 131.0)"]);
    expect((programsFact(section) as { belowMinimum: string[] }).belowMinimum).toEqual([]);
  });

  it("rejects a malformed minimumVersions parameter instead of ignoring it", () => {
    expect(() => minimumVersionsParam({ namePattern: "java" })).toThrow(/must be a list/);
    expect(() => minimumVersionsParam([{ namePattern: "java", minimumVersion: "latest" }])).toThrow(/minimumVersions\[0\]/);
    expect(() => minimumVersionsParam([{ namePattern: "(", minimumVersion: "1.0" }])).toThrow(/no valid regular expression/);
  });
});
