/** Resolve problems are coded records: which error is raised depends on codes, never on message text. */
import { describe, expect, it } from "vitest";
import { HardcheckError } from "../src/errors.js";
import { ResolveIssues } from "../src/scan/resolve-issues.js";

const file = { file: "pack.yaml", locate: () => ({ line: 3, column: 5 }) };

function raised(issues: ResolveIssues, order: Parameters<ResolveIssues["raiseFirst"]>[0]): HardcheckError | undefined {
  try {
    issues.raiseFirst(order);
  } catch (error) {
    if (error instanceof HardcheckError) return error;
    throw error;
  }
  return undefined;
}

describe("ResolveIssues", () => {
  it("raises only the problems of the first code in the order that has any", () => {
    const issues = new ResolveIssues();
    issues.at("HC_PACK_INVALID", file, ["rules", 0, "operator"], "no probe provides fact — a message that only looks like another code's");
    issues.at("HC_RULE_DUPLICATE", file, ["rules", 1, "id"], "first");
    issues.at("HC_RULE_DUPLICATE", file, ["rules", 2, "id"], "second");
    const error = raised(issues, ["HC_RULE_DUPLICATE", "HC_RULE_UNKNOWN_FACT", "HC_PACK_INVALID"]);
    expect(error?.code).toBe("HC_RULE_DUPLICATE");
    expect(error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      ["rules[1].id", "first"],
      ["rules[2].id", "second"],
    ]);
    expect(error?.issues[0]).not.toHaveProperty("code");
  });

  it("falls through to later codes and raises nothing when nothing was recorded", () => {
    const issues = new ResolveIssues();
    expect(raised(issues, ["HC_CONFIG_INVALID"])).toBeUndefined();
    issues.at("HC_PACK_INVALID", file, ["rules", 0], "mixed levels");
    expect(raised(issues, ["HC_RULE_DUPLICATE", "HC_PACK_INVALID"])?.code).toBe("HC_PACK_INVALID");
  });
});
