import { it, expect } from "vitest";
import { compileRule, Evaluator } from "../src/engine/evaluate.js";
import type { Rule } from "../src/model/types.js";

it("race2", async () => {
  const rule: Rule = { id: "r1", pack: "p", title: "t", severity: "low", rationale: "r", remediation: "r", scope: {}, parameters: {}, manual: false, probeParams: {},
    conditions: { all: [{ fact: "x", operator: "equal", value: 1 }, { any: [{ fact: "y", operator: "equal", value: 2 }] }] } };
  const compiled = [compileRule(rule)];
  const evaluator = new Evaluator({ now: () => new Date(0) });
  const runs = Array.from({ length: 60 }, async (_, k) => {
    for (let i = 0; i < k; i++) await null;
    return evaluator.evaluate(compiled, { x: 1, y: 2 });
  });
  const verdicts = await Promise.all(runs);
  const missing = verdicts.map((v, k) => (v.has("r1") ? -1 : k)).filter((k) => k >= 0);
  console.log("missing", missing);
  expect(missing).toEqual([]);
});
