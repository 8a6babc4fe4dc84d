/** The decide phase as pure functions: source parts folded into one result, then sign-offs applied. */
import { describe, expect, it } from "vitest";
import type { Status } from "../src/model/report.js";
import type { SourceName } from "../src/model/rule.js";
import type { Waiver } from "../src/model/signoff.js";
import { applySignoffs, combineSources } from "../src/scan/decide.js";
import type { CheckOutcome } from "../src/scan/outcome.js";

const outcome = (status: Status, extra: Partial<CheckOutcome> = {}): CheckOutcome => ({
  ruleId: "R-1",
  pack: "p",
  checklistRef: null,
  section: null,
  title: "t",
  severity: "high",
  target: "host-1",
  endpoint: null,
  status,
  message: status,
  conditions: [],
  evidence: {},
  ...extra,
});
const part = (source: SourceName, status: Status, extra: Partial<CheckOutcome> = {}) =>
  outcome(status, { evidenceSource: source, prompt: "Is it so?", ...extra });

describe("combineSources", () => {
  it("passes outcomes of single-source rules through untouched", () => {
    const single = outcome("fail");
    expect(combineSources([single])).toEqual([single]);
  });

  it("folds the parts of a rule into one result that keeps no part-only field", () => {
    const [combined] = combineSources([
      part("windows", "fail", {
        evidence: { "win.value": 1 },
        conditions: [{ where: "all[0]", fact: "win.value", operator: "equal", expected: 2, actual: 1, outcome: "fail" }],
      }),
      part("network", "pass", { endpoint: "tls://h:443", evidence: { "tls.value": "ok" } }),
    ]);
    expect(combined).toMatchObject({ status: "fail", endpoint: null, evidence: { "network tls://h:443": { "tls.value": "ok" }, windows: { "win.value": 1 } } });
    expect(combined?.conditions.map((condition) => condition.where)).toEqual(["windows: all[0]"]);
    expect(combined).not.toHaveProperty("evidenceSource");
    expect(combined).not.toHaveProperty("prompt");
    expect(combined).not.toHaveProperty("sourceState");
  });

  it("leaves an item with an unchecked source to a person, with the rule's prompt", () => {
    const [combined] = combineSources([part("network", "pass"), part("config", "not-applicable", { sourceState: "unchecked" })]);
    expect(combined?.status).toBe("manual");
    expect(combined?.message).toContain("Is it so?");
  });
});

describe("applySignoffs", () => {
  const now = Date.parse("2026-06-01T00:00:00Z");
  const waiver = (expires?: string): Waiver => ({ rule: "R-1", target: "*", reason: "accepted", approvedBy: "ciso", ...(expires ? { expires } : {}) });

  it("an active waiver wins over an expired one, whatever their order", () => {
    const { results, notices } = applySignoffs([outcome("fail")], { waivers: [waiver("2026-01-01"), waiver("2026-12-31")], attestations: [] }, now);
    expect(results[0]).toMatchObject({ status: "waived", message: "waived by ciso: accepted", waiver: { expired: false, originalStatus: "fail" } });
    expect(notices).toEqual([]);
  });

  it("an expired waiver is recorded but does not waive, and says so in a notice", () => {
    const { results, notices } = applySignoffs([outcome("fail")], { waivers: [waiver("2026-01-01")], attestations: [] }, now);
    expect(results[0]).toMatchObject({ status: "fail", waiver: { expired: true } });
    expect(notices.map((notice) => notice.code)).toEqual(["HC_WAIVER_EXPIRED"]);
  });

  it("the newest attestation decides a manual item", () => {
    const attestations = [
      { rule: "R-1", target: "host-1", verdict: "fail" as const, by: "a", at: "2026-01-01T00:00:00Z" },
      { rule: "R-1", target: "host-1", verdict: "pass" as const, by: "b", at: "2026-02-01T00:00:00Z" },
    ];
    const { results } = applySignoffs([outcome("manual")], { waivers: [], attestations }, now);
    expect(results[0]).toMatchObject({ status: "pass", message: "attested pass by b at 2026-02-01T00:00:00Z" });
  });
});
