/** Operators, path reading, parameter substitution and condition traces, with a fixed clock. */
import { describe, expect, it } from "vitest";
import { describeAlternatives, describeFailures } from "../src/engine/describe.js";
import { type CompiledRule, compileRule, Evaluator, readPath } from "../src/engine/evaluate.js";
import { BUILTIN_OPERATORS, CUSTOM_OPERATORS, compareVersions, OPERATOR_NAMES, resolveDate } from "../src/engine/operators.js";
import type { ConditionTrace } from "../src/model/report.js";
import type { Rule, TopLevelCondition } from "../src/model/rule.js";
import type { JsonValue } from "../src/model/values.js";
import { fixedClock } from "./support/fakes.js";

const NOW = "2026-03-01T12:00:00.000Z";
const clock = fixedClock(NOW);
const DAY = 86_400_000;

function operator(name: string) {
  const found = CUSTOM_OPERATORS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no operator ${name}`);
  return found;
}

/** A rule with boilerplate filled in. */
function rule(id: string, conditions: TopLevelCondition | undefined, extra: Partial<Rule> = {}): Rule {
  return {
    id,
    pack: "engine-pack",
    title: `rule ${id}`,
    severity: "medium",
    rationale: "r",
    remediation: "r",
    scope: {},
    parameters: {},
    manual: conditions === undefined,
    probeParams: {},
    ...(conditions ? { conditions } : {}),
    ...extra,
  };
}

async function verdictOf(compiled: CompiledRule, facts: Record<string, JsonValue>) {
  const verdicts = await new Evaluator(clock).evaluate([compiled], facts);
  const verdict = verdicts.get(compiled.rule.id);
  if (!verdict) throw new Error(`no verdict for ${compiled.rule.id}`);
  return verdict;
}

describe("compareVersions", () => {
  it.each([
    ["1.10", "1.9", 1],
    ["1.10.0", "1.9.2", 1],
    ["1.9.2", "1.10.0", -1],
    ["1.2.3", "1.2.3", 0],
    ["10.0", "9.99.99", 1],
    ["2:1.0", "1:9.9", 1],
    ["1.1.1w", "1.1.1", 1],
    ["1.1.1w", "1.1.1v", 1],
    ["3.0.13", "1.1.1w", 1],
    ["8.9p1", "8.9", 1],
    ["1.2", "1.2.1", -1],
    ["1.0.a", "1.0.b", -1],
    ["1.0.0", "1.0.a", 1],
  ] as const)("%s vs %s → %i", (left, right, expected) => {
    expect(compareVersions(left, right)).toBe(expected);
    expect(compareVersions(right, left)).toBe(-expected || 0);
  });
});

describe("custom operators", () => {
  it.each([
    ["versionGreaterThanInclusive", "1.10.0", "1.9", true],
    ["versionGreaterThanInclusive", "1.9", "1.9", true],
    ["versionGreaterThanInclusive", "1.8.9", "1.9", false],
    ["versionGreaterThan", "1.10", "1.9", true],
    ["versionGreaterThan", "1.9", "1.9", false],
    ["versionLessThan", "1.9", "1.10", true],
    ["versionLessThan", "1.10", "1.10", false],
    ["versionLessThanInclusive", "1.10", "1.10", true],
    ["versionLessThanInclusive", "1.11", "1.10", false],
    // A missing or non-string version never satisfies a comparison.
    ["versionGreaterThan", null, "1.0", false],
    ["versionLessThan", 1, "2", false],
    ["versionLessThan", undefined, "2", false],
  ] as const)("%s(%j, %j) → %s", (name, fact, expected, result) => {
    expect(operator(name).evaluate(fact, expected, clock)).toBe(result);
  });

  it.each([
    ["dateAfter", "2026-04-01T00:00:00Z", "now+30d", true],
    ["dateAfter", "2026-03-31T11:59:59Z", "now+30d", false],
    ["dateAfter", "2026-03-31T12:00:00Z", "now+30d", false],
    ["dateAfter", "2026-03-02", { daysFromNow: 0 }, true],
    ["dateAfter", "2026-03-20", { daysFromNow: 30 }, false],
    ["dateAfter", "2026-03-01T12:00:01Z", "now", true],
    ["dateAfter", Date.parse(NOW) + 1, "now", true],
    ["dateAfter", "2027-01-01", "2026-12-31", true],
    ["dateBefore", "2026-02-28T00:00:00Z", "now", true],
    ["dateBefore", "2026-03-01T00:30:00Z", "now-12h", false],
    ["dateBefore", "2026-03-01T00:00:00Z", "now-12h", false],
    ["dateBefore", "2026-02-28T23:59:59Z", "now-12h", true],
    ["dateBefore", "2026-03-01T12:10:00Z", "now+15m", true],
    ["dateBefore", "2026-02-01", { daysFromNow: -7 }, true],
    // A fact that is no date fails both ways instead of passing by accident.
    ["dateBefore", "next tuesday", "now", false],
    ["dateAfter", "next tuesday", "now", false],
    ["dateAfter", null, "now", false],
    ["dateBefore", undefined, "now+30d", false],
  ] as const)("%s(%j, %j) → %s", (name, fact, expected, result) => {
    expect(operator(name).evaluate(fact, expected, clock)).toBe(result);
  });

  it.each([
    ["setContains", ["a", "b", "c"], ["a", "c"], true],
    ["setContains", ["a"], ["a", "b"], false],
    ["setContains", "a", "a", true],
    ["setContains", [{ name: "x" }, { name: "y" }], [{ name: "y" }], true],
    ["setContains", ["a"], [], true],
    ["setContainsAny", ["TLSv1", "TLSv1.3"], ["TLSv1", "SSLv3"], true],
    ["setContainsAny", ["TLSv1.2"], ["TLSv1", "SSLv3"], false],
    ["setContainsAny", null, ["a"], false],
    ["setDisjoint", ["TLSv1.2", "TLSv1.3"], ["TLSv1", "SSLv3"], true],
    ["setDisjoint", ["TLSv1", "TLSv1.3"], ["TLSv1", "SSLv3"], false],
    ["setDisjoint", undefined, ["TLSv1"], true],
    ["setSubsetOf", ["TLSv1.2"], ["TLSv1.2", "TLSv1.3"], true],
    ["setSubsetOf", ["TLSv1.1", "TLSv1.2"], ["TLSv1.2", "TLSv1.3"], false],
    ["setSubsetOf", [], ["TLSv1.2"], true],
    ["setSubsetOf", [1, 2], [2, 1, 3], true],
  ] as const)("%s(%j, %j) → %s", (name, fact, expected, result) => {
    expect(operator(name).evaluate(fact, expected, clock)).toBe(result);
  });

  it.each([
    ["matches", "TLSv1.3", "^TLSv1\\.[23]$", true],
    ["matches", "TLSv1.1", "^TLSv1\\.[23]$", false],
    ["matches", "OpenSSH_9.6p1 Debian", "OpenSSH_9", true],
    ["matches", 13, "1", false],
    ["matches", undefined, ".*", false],
    ["notMatches", "ECDHE-RSA-AES128-GCM-SHA256", "RC4|NULL|EXPORT", true],
    ["notMatches", "EXP-RC4-MD5", "RC4|NULL|EXPORT", false],
    ["notMatches", undefined, "RC4", false],
    ["isDefined", "x", true, true],
    ["isDefined", 0, true, true],
    ["isDefined", "", true, true],
    ["isDefined", false, true, true],
    ["isDefined", null, true, false],
    ["isDefined", undefined, true, false],
    ["isDefined", undefined, false, true],
    ["isDefined", null, false, true],
    ["isDefined", "x", false, false],
  ] as const)("%s(%j, %j) → %s", (name, fact, expected, result) => {
    expect(operator(name).evaluate(fact, expected, clock)).toBe(result);
  });

  it.each([
    ["dateAfter", "soon", /expected an ISO date, "now", "now\+30d"/],
    ["dateBefore", { daysFromNow: "7" }, /expected an ISO date/],
    ["dateBefore", 42, /expected an ISO date/],
    ["versionGreaterThan", "", /expected a version string/],
    ["versionLessThan", 3, /expected a version string/],
    ["matches", "(unclosed", /invalid regular expression/],
    ["notMatches", 5, /expected a regular expression as a string/],
    ["isDefined", "yes", /expected true or false/],
  ] as const)("%s refuses the rule value %j at load time", (name, value, message) => {
    expect(operator(name).validate?.(value)).toMatch(message);
  });

  it.each([
    ["dateAfter", "now+30d"],
    ["dateAfter", { daysFromNow: 30 }],
    ["dateBefore", "2026-12-31"],
    ["versionGreaterThan", "1.2.3"],
    ["matches", "^a+$"],
    ["isDefined", false],
  ] as const)("%s accepts the rule value %j", (name, value) => {
    expect(operator(name).validate?.(value)).toBeUndefined();
  });

  it("offers every built-in and custom operator by name, each once", () => {
    const names = [...BUILTIN_OPERATORS, ...CUSTOM_OPERATORS.map((op) => op.name)];
    expect(new Set(names).size).toBe(names.length);
    expect([...OPERATOR_NAMES].sort()).toEqual(names.sort());
  });
});

describe("resolveDate", () => {
  const now = Date.parse(NOW);
  it.each([
    ["now", now],
    ["now+30d", now + 30 * DAY],
    ["now-12h", now - 12 * 3_600_000],
    ["now+15m", now + 15 * 60_000],
    [{ daysFromNow: 7 }, now + 7 * DAY],
    [{ daysFromNow: -1 }, now - DAY],
    ["2026-12-31", Date.parse("2026-12-31T00:00:00Z")],
    ["2026-12-31T18:00:00Z", Date.parse("2026-12-31T18:00:00Z")],
  ] as const)("%j", (expected, time) => {
    expect(resolveDate(expected, clock)).toBe(time);
  });

  it.each([["soon"], ["now+30"], ["now+30y"], [{ daysFromNow: "7" }], [42], [null]] as const)("%j is no date", (expected) => {
    expect(resolveDate(expected, clock)).toBeNaN();
  });
});

describe("readPath", () => {
  const value = {
    a: { b: 1, "not-after": "2026-01-01" },
    list: [{ name: "first" }, { name: "second", tags: ["x", "y"] }],
    empty: null,
  };
  it.each([
    ["a.b", 1],
    ["$.a.b", 1],
    ["$a.b", 1],
    ["a.not-after", "2026-01-01"],
    ["list[1].name", "second"],
    ["$.list[0].name", "first"],
    ["list[1].tags[1]", "y"],
    ["list.1.name", "second"],
    ["a", { b: 1, "not-after": "2026-01-01" }],
    // Missing paths read as undefined, never throw.
    ["a.c", undefined],
    ["a.b.c", undefined],
    ["x.y.z", undefined],
    ["list[5].name", undefined],
    ["empty.anything", undefined],
  ] as const)("%s", (path, expected) => {
    expect(readPath(value, path)).toEqual(expected);
  });

  it("reads nothing from nothing", () => {
    expect(readPath(undefined, "a.b")).toBeUndefined();
    expect(readPath(null, "$.a")).toBeUndefined();
  });
});

describe("compileRule", () => {
  const tailorable = rule(
    "min-length",
    {
      all: [
        { fact: "pw.minLength", operator: "greaterThanInclusive", value: { param: "minLength" } },
        { any: [{ fact: "pw.classes", operator: "setContains", value: [{ param: "mustHave" }, "digit"] }] },
        { not: { fact: "pw.maxAge", operator: "greaterThan", value: { fact: "pw.limit" } } },
      ],
    },
    {
      parameters: {
        minLength: { default: 8, description: "Shortest password accepted." },
        mustHave: { default: "upper", description: "A character class every password needs." },
      },
    },
  );

  it("substitutes declared defaults everywhere in the tree", () => {
    const compiled = compileRule(tailorable);
    expect(compiled.parameters).toEqual({ minLength: 8, mustHave: "upper" });
    expect(compiled.conditions).toEqual({
      all: [
        { fact: "pw.minLength", operator: "greaterThanInclusive", value: 8 },
        { any: [{ fact: "pw.classes", operator: "setContains", value: ["upper", "digit"] }] },
        { not: { fact: "pw.maxAge", operator: "greaterThan", value: { fact: "pw.limit" } } },
      ],
    });
  });

  it("lets tailoring override a default, and leaves the rule itself untouched", () => {
    const compiled = compileRule(tailorable, { minLength: 14 });
    expect(compiled.parameters).toEqual({ minLength: 14, mustHave: "upper" });
    expect(JSON.stringify(compiled.conditions)).toContain('"value":14');
    expect(JSON.stringify(tailorable.conditions)).toContain('"value":{"param":"minLength"}');
  });

  it("lists the facts read, including one referenced as a value, sorted and once each", () => {
    expect(compileRule(tailorable).facts).toEqual(["pw.classes", "pw.limit", "pw.maxAge", "pw.minLength"]);
  });

  it("compiles a manual rule to no conditions and no facts", () => {
    const compiled = compileRule(rule("ask", undefined, { prompt: "Is it so?" }));
    expect(compiled.conditions).toBeUndefined();
    expect(compiled.facts).toEqual([]);
  });

  it("decides with the tailored value", async () => {
    const facts = { "pw.minLength": 12, "pw.classes": ["upper", "digit"], "pw.maxAge": 30, "pw.limit": 90 };
    expect((await verdictOf(compileRule(tailorable), facts)).passed).toBe(true);
    expect((await verdictOf(compileRule(tailorable, { minLength: 14 }), facts)).passed).toBe(false);
    expect((await verdictOf(compileRule(tailorable, { mustHave: "symbol" }), facts)).passed).toBe(false);
  });
});

describe("Evaluator traces", () => {
  it("records a pass with the actual value of every leaf", async () => {
    const compiled = compileRule(
      rule("tls-modern", {
        all: [
          { fact: "tls.versions", operator: "setDisjoint", value: ["SSLv3", "TLSv1"] },
          { fact: "tls.leaf", path: "$.notAfter", operator: "dateAfter", value: "now+30d", name: "certificate lifetime" },
        ],
      }),
    );
    const verdict = await verdictOf(compiled, { "tls.versions": ["TLSv1.2", "TLSv1.3"], "tls.leaf": { notAfter: "2027-01-01T00:00:00Z" } });
    expect(verdict).toEqual({
      passed: true,
      conditions: [
        { where: "all[0]", fact: "tls.versions", operator: "setDisjoint", expected: ["SSLv3", "TLSv1"], actual: ["TLSv1.2", "TLSv1.3"], outcome: "pass" },
        {
          where: "all[1]",
          fact: "tls.leaf",
          path: "$.notAfter",
          operator: "dateAfter",
          expected: "now+30d",
          actual: "2027-01-01T00:00:00Z",
          outcome: "pass",
          name: "certificate lifetime",
        },
      ],
    });
  });

  it("records a fail with actual and expected, and explains it in one line", async () => {
    const compiled = compileRule(
      rule("tls-modern", {
        all: [
          { fact: "tls.versions", operator: "setDisjoint", value: ["SSLv3", "TLSv1"] },
          { fact: "tls.leaf", path: "$.notAfter", operator: "dateAfter", value: "now+30d", name: "certificate lifetime" },
        ],
      }),
    );
    const verdict = await verdictOf(compiled, { "tls.versions": ["TLSv1", "TLSv1.2"], "tls.leaf": { notAfter: "2026-03-10T00:00:00Z" } });
    expect(verdict.passed).toBe(false);
    expect(verdict.conditions.map((trace) => [trace.where, trace.outcome, trace.actual])).toEqual([
      ["all[0]", "fail", ["TLSv1", "TLSv1.2"]],
      ["all[1]", "fail", "2026-03-10T00:00:00Z"],
    ]);
    expect(describeFailures(verdict.conditions)).toBe(
      'tls.versions setDisjoint ["SSLv3","TLSv1"] — present: "TLSv1" (of 2 items); certificate lifetime: tls.leaf.notAfter dateAfter "now+30d" — got "2026-03-10T00:00:00Z"',
    );
  });

  it.each([
    ["0644", "0644", true],
    ["0640", "0644", true],
    ["600", "0644", true],
    ["0664", "0644", false],
    ["4755", "0755", false],
    [0o600, "0600", true],
    ["rw-r--r--", "0644", false],
    [null, "0644", false],
  ] as const)("modeWithin %j of %j is %s", (fact, expected, holds) => {
    expect(operator("modeWithin").evaluate(fact, expected, clock)).toBe(holds);
  });

  it("names the items that break a set comparison, not the whole fact list", async () => {
    const installed = ["bash", "coreutils", ...Array.from({ length: 300 }, (_, i) => `lib${i}`), "nmap"];
    const compiled = compileRule(
      rule("sets", {
        all: [
          { fact: "packages", operator: "setDisjoint", value: ["nmap", "tcpdump"] },
          { fact: "ports", operator: "setSubsetOf", value: ["tcp/22"] },
          { fact: "modules", operator: "setContains", value: ["a", "b"] },
        ],
      }),
    );
    const verdict = await verdictOf(compiled, { packages: installed, ports: ["tcp/22", "tcp/23"], modules: ["a"] });
    expect(describeFailures(verdict.conditions)).toBe(
      'packages setDisjoint ["nmap","tcpdump"] — present: "nmap" (of 303 items); ports setSubsetOf ["tcp/22"] — not allowed: "tcp/23" (of 2 items); modules setContains ["a","b"] — missing: "b" (of 1 item)',
    );
    const held = await verdictOf(compiled, { packages: ["bash"], ports: [], modules: ["a", "b"] });
    expect(held.passed).toBe(true);
    expect(describeFailures(held.conditions)).toBe("");
  });

  it("names the alternative a pass relied on when other branches of an any failed", async () => {
    const compiled = compileRule(
      rule("aging", {
        all: [
          { name: "exists", fact: "missing", operator: "setSubsetOf", value: [] },
          {
            any: [
              { name: "no admin account has a password to age", fact: "withPassword", operator: "setSubsetOf", value: [] },
              { all: [{ name: "lifetime", fact: "maxDays", operator: "lessThanInclusive", value: 90 }] },
            ],
          },
        ],
      }),
    );
    const locked = await verdictOf(compiled, { missing: [], withPassword: [], maxDays: null });
    expect(locked.passed).toBe(true);
    expect(describeAlternatives(locked.conditions)).toBe("no admin account has a password to age");
    const aged = await verdictOf(compiled, { missing: [], withPassword: ["root"], maxDays: 60 });
    expect(aged.passed).toBe(true);
    expect(describeAlternatives(aged.conditions)).toBe("lifetime");
    const both = await verdictOf(compiled, { missing: [], withPassword: [], maxDays: 60 });
    expect(describeAlternatives(both.conditions)).toBe("");
  });

  it("records a missing fact or path as null, and fails on it", async () => {
    const compiled = compileRule(rule("has-leaf", { all: [{ fact: "tls.leaf", path: "$.subject.cn", operator: "equal", value: "portal" }] }));
    const verdict = await verdictOf(compiled, { "tls.leaf": { subject: {} } });
    expect(verdict.passed).toBe(false);
    expect(verdict.conditions[0]).toMatchObject({ outcome: "fail", actual: null });
    expect(describeFailures(verdict.conditions)).toBe('tls.leaf.subject.cn equal "portal" — got null');
  });

  it("evaluates every leaf of nested all/any trees: json-rules-engine only short-circuits between priority sets", async () => {
    // json-rules-engine evaluates all conditions of one priority with Promise.all and combines the
    // results afterwards; pack rules cannot set priorities, so a failing first leaf skips nothing.
    const compiled = compileRule(
      rule("nested", {
        all: [
          { fact: "a", operator: "equal", value: 1 },
          { any: [{ fact: "b", operator: "equal", value: 2 }, { all: [{ fact: "c", operator: "equal", value: 3 }] }] },
        ],
      }),
    );
    const verdict = await verdictOf(compiled, { a: 0, b: 2, c: 0 });
    expect(verdict.passed).toBe(false);
    expect(verdict.conditions.map((trace) => [trace.where, trace.outcome, trace.actual])).toEqual([
      ["all[0]", "fail", 0],
      ["all[1].any[0]", "pass", 2],
      ["all[1].any[1].all[0]", "fail", 0],
    ]);
    // Every failing leaf is listed, also one inside an `any` that held.
    expect(describeFailures(verdict.conditions)).toBe("a equal 1 — got 0; c equal 3 — got 0");
  });

  it("marks conditions skipped by a higher-priority failure as not-evaluated, without an actual value", async () => {
    // Only reachable through json-rules-engine's condition priorities, which the pack schema does
    // not accept; the Evaluator must still trace them faithfully.
    const prioritized = {
      all: [
        { fact: "first", operator: "equal", value: true, priority: 10 },
        { fact: "second", operator: "equal", value: true, priority: 1 },
      ],
    } as unknown as TopLevelCondition;
    const verdict = await verdictOf(compileRule(rule("prioritized", prioritized)), { first: false, second: true });
    expect(verdict.passed).toBe(false);
    expect(verdict.conditions).toEqual([
      { where: "all[0]", fact: "first", operator: "equal", expected: true, actual: false, outcome: "fail" },
      { where: "all[1]", fact: "second", operator: "equal", expected: true, outcome: "not-evaluated" },
    ]);
    expect(describeFailures(verdict.conditions)).toBe("first equal true — got false");
  });

  it.each([
    { facts: { "tls.versions": ["TLSv1.3"] }, passed: true, outcome: "fail", message: "" },
    {
      facts: { "tls.versions": ["SSLv3", "TLSv1.3"] },
      passed: false,
      outcome: "pass",
      message: 'not tls.versions setContains "SSLv3" — present: "SSLv3" (of 2 items)',
    },
  ])("traces a not tree: $facts.tls.versions → passed $passed", async ({ facts, passed, outcome, message }) => {
    const compiled = compileRule(rule("no-sslv3", { not: { fact: "tls.versions", operator: "setContains", value: "SSLv3" } }));
    const verdict = await verdictOf(compiled, facts);
    expect(verdict.passed).toBe(passed);
    // The trace keeps the leaf's own outcome; the `not` in `where` says it is negated.
    expect(verdict.conditions).toEqual([
      { where: "not", fact: "tls.versions", operator: "setContains", expected: "SSLv3", actual: facts["tls.versions"], outcome },
    ]);
    expect(describeFailures(verdict.conditions)).toBe(message);
  });

  it("blames the negated leaf inside a larger tree, and cancels double negation", async () => {
    const compiled = compileRule(
      rule("mixed", {
        all: [
          { fact: "x", operator: "equal", value: 1 },
          { not: { any: [{ fact: "y", operator: "equal", value: 2 }] } },
          { not: { not: { fact: "z", operator: "equal", value: 3 } } },
        ],
      }),
    );
    const verdict = await verdictOf(compiled, { x: 1, y: 2, z: 4 });
    expect(verdict.passed).toBe(false);
    expect(verdict.conditions.map((trace) => [trace.where, trace.outcome])).toEqual([
      ["all[0]", "pass"],
      ["all[1].not.any[0]", "pass"],
      ["all[2].not.not", "fail"],
    ]);
    expect(describeFailures(verdict.conditions)).toBe("not y equal 2 — got 2; z equal 3 — got 4");
  });

  it.each([
    { name: "no traces", traces: [], text: "" },
    {
      name: "a long actual value is shortened",
      traces: [{ where: "all[0]", fact: "banner", operator: "equal", expected: "x", actual: "y".repeat(200), outcome: "fail" }],
      text: `banner equal "x" — got "${"y".repeat(78)}…`,
    },
    {
      name: "a path without $ prefix",
      traces: [{ where: "any[1]", fact: "tls.leaf", path: "key.bits", operator: "greaterThanInclusive", expected: 2048, actual: 1024, outcome: "fail" }],
      text: "tls.leaf.key.bits greaterThanInclusive 2048 — got 1024",
    },
    {
      name: "not-evaluated and passing leaves are left out",
      traces: [
        { where: "all[0]", fact: "a", operator: "equal", expected: 1, actual: 1, outcome: "pass" },
        { where: "all[1]", fact: "b", operator: "equal", expected: 1, outcome: "not-evaluated" },
      ],
      text: "",
    },
  ] satisfies Array<{ name: string; traces: ConditionTrace[]; text: string }>)("describeFailures: $name", ({ traces, text }) => {
    expect(describeFailures(traces)).toBe(text);
  });

  it("decides several rules in one run and keys verdicts by rule id", async () => {
    const rules = [
      compileRule(rule("one", { all: [{ fact: "n", operator: "greaterThan", value: 1 }] })),
      compileRule(rule("two", { all: [{ fact: "n", operator: "lessThan", value: 1 }] })),
      compileRule(rule("manual", undefined, { prompt: "?" })),
    ];
    const verdicts = await new Evaluator(clock).evaluate(rules, { n: 5 });
    expect([...verdicts.entries()].map(([id, verdict]) => [id, verdict.passed]).sort()).toEqual([
      ["one", true],
      ["two", false],
    ]);
  });

  it("gives every concurrent caller its verdicts, however the calls interleave", async () => {
    // One Evaluator serves a whole scan; groups reach it at arbitrary points of the microtask queue.
    const evaluator = new Evaluator(clock);
    const compiled = [
      compileRule(rule("shared", { all: [{ fact: "x", operator: "equal", value: 1 }, { any: [{ fact: "y", operator: "equal", value: 2 }] }] })),
    ];
    const runs = Array.from({ length: 40 }, async (_, offset) => {
      for (let hop = 0; hop < offset; hop++) await null;
      return evaluator.evaluate(compiled, { x: 1, y: offset % 2 === 0 ? 2 : 3 });
    });
    const verdicts = await Promise.all(runs);
    expect(verdicts.map((verdict) => verdict.get("shared")?.passed)).toEqual(Array.from({ length: 40 }, (_, offset) => offset % 2 === 0));
  });

  it("uses the injected clock for relative dates", async () => {
    const compiled = [compileRule(rule("fresh", { all: [{ fact: "d", operator: "dateAfter", value: "now-1d" }] }))];
    const facts = { d: "2026-03-01T00:00:00Z" };
    expect((await new Evaluator(fixedClock("2026-03-01T12:00:00Z")).evaluate(compiled, facts)).get("fresh")?.passed).toBe(true);
    expect((await new Evaluator(fixedClock("2026-03-03T12:00:00Z")).evaluate(compiled, facts)).get("fresh")?.passed).toBe(false);
  });
});
