/** Failure wording: set operators name the members that break the rule, decided by the real engine. */
import { describe, expect, it } from "vitest";
import { blamedConditions, briefValue, describeCondition, describeFailures } from "../src/engine/describe.js";
import { compileRule, Evaluator } from "../src/engine/evaluate.js";
import type { Rule, TopLevelCondition } from "../src/model/rule.js";
import type { JsonValue } from "../src/model/values.js";
import { fixedClock } from "./support/fakes.js";

const clock = fixedClock("2026-03-01T12:00:00.000Z");

function rule(conditions: TopLevelCondition): Rule {
  return {
    id: "r",
    pack: "p",
    title: "t",
    severity: "low",
    rationale: "r",
    remediation: "r",
    scope: {},
    parameters: {},
    manual: false,
    probeParams: {},
    conditions,
  };
}

/** Decides one condition tree with json-rules-engine and returns the wording of what failed. */
async function failureText(conditions: TopLevelCondition, facts: Record<string, JsonValue>): Promise<string> {
  const verdict = (await new Evaluator(clock).evaluate([compileRule(rule(conditions))], facts)).get("r");
  if (!verdict) throw new Error("no verdict");
  expect(verdict.passed).toBe(false);
  return describeFailures(verdict.conditions);
}

/** 900 installed packages, two of them forbidden. */
const installed = [...Array.from({ length: 898 }, (_, i) => `lib-package-${String(i).padStart(3, "0")}`), "nmap", "wireshark"];

describe("failure messages name the offenders", () => {
  it.each([
    {
      name: "setDisjoint: the forbidden members that are present, not the 900 installed",
      conditions: { all: [{ fact: "packages", operator: "setDisjoint", value: ["nmap", "wireshark", "putty"] }] },
      facts: { packages: installed },
      text: 'packages setDisjoint ["nmap","wireshark","putty"] — present: "nmap", "wireshark" (of 900 items)',
    },
    {
      name: "setSubsetOf: the members outside the allowed list",
      conditions: { all: [{ fact: "ports", operator: "setSubsetOf", value: [22, 443] }] },
      facts: { ports: [22, 443, 3389, 5900] },
      text: "ports setSubsetOf [22,443] — not allowed: 3389, 5900 (of 4 items)",
    },
    {
      name: "setContains: the required members that are missing",
      conditions: { all: [{ fact: "suites", operator: "setContains", value: ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"] }] },
      facts: { suites: ["TLS_AES_256_GCM_SHA384"] },
      text: 'suites setContains ["TLS_AES_128_GCM_SHA256","TLS_AES_256_GCM_SHA384"] — missing: "TLS_AES_128_GCM_SHA256" (of 1 item)',
    },
    {
      name: "setContainsAny on a long list: none of them, counted",
      conditions: { all: [{ fact: "packages", operator: "setContainsAny", value: ["clamav", "sophos"] }] },
      facts: { packages: installed },
      text: 'packages setContainsAny ["clamav","sophos"] — none of them among 900 items',
    },
    {
      name: "not setContains: the member that is there",
      conditions: { not: { fact: "tls.versions", operator: "setContains", value: "SSLv3" } },
      facts: { "tls.versions": ["SSLv3", "TLSv1.3"] },
      text: 'not tls.versions setContains "SSLv3" — present: "SSLv3" (of 2 items)',
    },
    {
      name: "doesNotContain on a list: the value is present, the list is counted",
      conditions: { all: [{ fact: "packages", operator: "doesNotContain", value: "nmap" }] },
      facts: { packages: installed },
      text: 'packages doesNotContain "nmap" — present (of 900 items)',
    },
    {
      name: "many offenders are cut with a count of the rest",
      conditions: { all: [{ fact: "packages", operator: "setSubsetOf", value: ["nmap"] }] },
      facts: { packages: installed },
      text: 'packages setSubsetOf ["nmap"] — not allowed: "lib-package-000", "lib-package-001", "lib-package-002", "lib-package-003" and 895 more (of 900 items)',
    },
    {
      name: "a scalar comparison keeps the plain wording",
      conditions: { all: [{ fact: "tls.leaf", path: "$.key.bits", operator: "greaterThanInclusive", value: 2048 }] },
      facts: { "tls.leaf": { key: { bits: 1024 } } },
      text: "tls.leaf.key.bits greaterThanInclusive 2048 — got 1024",
    },
  ] as Array<{ name: string; conditions: TopLevelCondition; facts: Record<string, JsonValue>; text: string }>)("$name", async ({ conditions, facts, text }) => {
    const message = await failureText(conditions, facts);
    expect(message).toBe(text);
    expect(message).not.toContain("lib-package-897");
  });

  it("reads negation from the tree position only, not from a source label that holds a host name", () => {
    const traces = [
      { where: "network tls://a.not.example:443: all[0]", fact: "a", operator: "equal", expected: 1, actual: 0, outcome: "fail" as const },
      { where: "windows: not", fact: "b", operator: "equal", expected: 1, actual: 1, outcome: "pass" as const },
    ];
    expect(describeFailures(traces)).toBe("a equal 1 — got 0; not b equal 1 — got 1");
  });

  it("describes each blamed leaf once, the same way the joined message does", () => {
    const traces = [
      { where: "all[0]", fact: "a", operator: "equal", expected: 1, actual: 0, outcome: "fail" as const },
      { where: "all[1]", fact: "b", operator: "equal", expected: 1, actual: 1, outcome: "pass" as const },
      { where: "all[2].not", fact: "c", operator: "equal", expected: 1, actual: 1, outcome: "pass" as const },
    ];
    const lines = blamedConditions(traces).map((trace) => describeCondition(trace));
    expect(lines).toEqual(["a equal 1 — got 0", "not c equal 1 — got 1"]);
    expect(describeFailures(traces)).toBe(lines.join("; "));
  });
});

describe("briefValue", () => {
  it("cuts a long value to the length asked for, with an ellipsis, and never inside a surrogate pair", () => {
    const long = { subject: `CN=${"a".repeat(200)}` };
    const cut = briefValue(long, 40);
    expect(cut).toHaveLength(40);
    expect(cut).toBe(`${JSON.stringify(long).slice(0, 39)}…`);
    // "😀" is two UTF-16 units: a cut between them would leave half a character.
    const emoji = `${"x".repeat(37)}😀😀😀`;
    const atPair = briefValue(emoji, 40);
    expect(atPair).toBe(`"${"x".repeat(37)}…`);
    expect(atPair).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(briefValue("short")).toBe('"short"');
  });
});
