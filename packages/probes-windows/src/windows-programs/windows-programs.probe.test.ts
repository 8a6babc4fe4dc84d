import { describe, expect, it } from "vitest";
import { factsOnBothPaths } from "../testing/probe-cases.js";
import { windowsProgramsProbe } from "./windows-programs.probe.js";

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
});
