/** The fold of a multi-source rule's sources into one verdict, as a table of cases. */
import { describe, expect, it } from "vitest";
import { combineSourceOutcomes, DEFAULT_SOURCE_PROMPT, type SourceOutcome, type SourceState, sourceNotApplicableTo } from "../src/engine/sources.js";
import { SOURCE_NAMES } from "../src/model/rule.js";

const part = (label: string, state: SourceState, message: string = state): SourceOutcome => ({ label, state, message });

describe("combineSourceOutcomes", () => {
  it.each<[string, SourceOutcome[], string]>([
    ["every source checked and passed", [part("network", "pass"), part("windows", "pass")], "pass"],
    ["one passed, the other verified absent", [part("network", "pass"), part("windows", "absent")], "pass"],
    ["one passed, the other not checked", [part("network", "pass"), part("config", "unchecked")], "manual"],
    ["one passed, the other failed to run", [part("network", "pass"), part("windows", "error")], "error"],
    ["one failed, the other not checked", [part("network", "fail"), part("config", "unchecked")], "fail"],
    ["one failed, the other errored", [part("network", "fail"), part("windows", "error")], "fail"],
    ["one errored, the other not checked", [part("network", "error"), part("config", "unchecked")], "error"],
    ["nothing checked", [part("network", "unchecked"), part("windows", "unchecked")], "manual"],
    ["one not checked, the other absent", [part("network", "unchecked"), part("windows", "absent")], "manual"],
    ["every source absent", [part("network", "absent"), part("windows", "absent")], "not-applicable"],
    ["two endpoints passed, one not checked", [part("network a", "pass"), part("network b", "pass"), part("windows", "unchecked")], "manual"],
    ["two endpoints, one failed", [part("network a", "pass"), part("network b", "fail"), part("windows", "pass")], "fail"],
  ])("%s → %s", (_case, outcomes, status) => {
    expect(combineSourceOutcomes(outcomes).status).toBe(status);
  });

  it("never passes while a source that applies was not checked, whatever the others say", () => {
    const states: SourceState[] = ["pass", "fail", "error", "unchecked", "absent"];
    for (const a of states)
      for (const b of states)
        for (const c of states) {
          const outcomes = [part("config", a), part("network", b), part("windows", c)];
          const status = combineSourceOutcomes(outcomes).status;
          const states3 = [a, b, c];
          if (status === "pass") {
            expect(states3, `${states3.join("/")}`).not.toContain("unchecked");
            expect(states3, `${states3.join("/")}`).not.toContain("error");
            expect(states3, `${states3.join("/")}`).not.toContain("fail");
            expect(states3, `${states3.join("/")}`).toContain("pass");
          }
          if (states3.every((state) => state === "absent")) expect(status).toBe("not-applicable");
        }
  });

  it("asks the rule's prompt, naming what was not checked, and lists what was checked and what dropped out", () => {
    const verdict = combineSourceOutcomes(
      [
        part("windows", "absent", "no SQL Server instance is installed on the host"),
        part("network tls://h:443", "pass", "all conditions hold"),
        part("config", "unchecked", "no product configuration file named"),
      ],
      "Is chain validation on?",
    );
    expect(verdict).toEqual({
      status: "manual",
      message:
        "Is chain validation on? (not checked automatically: config) — checked: network tls://h:443; not checked: config (no product configuration file named); not present: windows (no SQL Server instance is installed on the host)",
    });
    expect(combineSourceOutcomes([part("network", "unchecked", "no endpoint")]).message.startsWith(DEFAULT_SOURCE_PROMPT)).toBe(true);
  });

  it("says a reason every source shares once, and lists different reasons when all dropped out", () => {
    expect(
      combineSourceOutcomes([part("network", "absent", "target has none of the tags x"), part("windows", "absent", "target has none of the tags x")]),
    ).toEqual({
      status: "not-applicable",
      message: "target has none of the tags x",
    });
    expect(combineSourceOutcomes([part("network", "absent", "a"), part("windows", "absent", "b")]).message).toBe(
      "no source of evidence applies: network (a); windows (b)",
    );
  });

  it("explains a failure by the failing source's message", () => {
    expect(combineSourceOutcomes([part("windows", "fail", "x equal 1 — got 2"), part("network", "pass")]).message).toBe(
      "windows: x equal 1 — got 2 — checked: network, windows",
    );
  });
});

describe("sourceNotApplicableTo", () => {
  it.each<[string, string | undefined, boolean]>([
    ["windows", "windows", true],
    ["windows", "linux", false],
    ["windows", undefined, true],
    ["linux", "linux", true],
    ["linux", "windows", false],
    ["linux-live", "windows", false],
    ["linux-live", undefined, true],
    ["network", "windows", true],
    ["config", "linux", true],
    ["client", "windows", true],
  ])("%s source on a %s target applies: %s", (source, os, applies) => {
    expect(sourceNotApplicableTo(source as (typeof SOURCE_NAMES)[number], os) === undefined).toBe(applies);
  });

  it("knows every name of the vocabulary", () => {
    expect(SOURCE_NAMES).toEqual(["network", "windows", "linux", "linux-live", "config", "client"]);
  });
});
