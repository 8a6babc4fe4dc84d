/**
 * Condition traces as text for people: the one wording every result message and reporter uses, so a
 * failure reads the same in the console, JUnit, SARIF, Markdown and HTML.
 */
import type { ConditionTrace } from "../model/report.js";
import type { JsonValue } from "../model/values.js";
import { asList, includes } from "./operators.js";

/** True when the leaf sits under an odd number of `not`s: then a leaf that holds fails the rule. */
export function isNegated(condition: ConditionTrace): boolean {
  // A multi-source result prefixes the tree position with its source (`network tls://a.not.example:443: all[0]`):
  // only the position after the last ": " counts.
  const position = condition.where.slice(condition.where.lastIndexOf(": ") + 1).trim();
  return position.split(".").filter((step) => step === "not").length % 2 === 1;
}

/**
 * The leaves that count against the rule: failing leaves, and holding leaves under an odd number of
 * `not`s. Leaves a rule never evaluated are left out.
 */
export function blamedConditions(conditions: readonly ConditionTrace[]): ConditionTrace[] {
  return conditions.filter((condition) => condition.outcome !== "not-evaluated" && (condition.outcome === "fail") !== isNegated(condition));
}

/**
 * The first `length` UTF-16 units of `text`, never ending inside a surrogate pair, as a string of
 * its own. V8 cuts strings by reference: a short cut would keep the whole text alive as long as
 * the cut lives, and a report holds these lines for thousands of findings, each cut from a value
 * of kilobytes (a certificate, a list of suites).
 */
function detachedPrefix(text: string, length: number): string {
  const code = text.charCodeAt(length - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? length - 1 : length;
  return Buffer.from(text.slice(0, end), "utf8").toString("utf8");
}

/** A JSON value shortened for one line of text. */
export function briefValue(value: JsonValue | undefined, maxLength = 80): string {
  const text = JSON.stringify(value) ?? "null";
  return text.length > maxLength ? `${detachedPrefix(text, maxLength - 1)}…` : text;
}

/** Members as `"a", "b"`, cut to about `maxLength` characters with a count of the rest. */
function memberList(members: readonly unknown[], maxLength: number): string {
  const shown: string[] = [];
  let length = 0;
  for (const member of members) {
    const text = briefValue(member as JsonValue, maxLength);
    if (shown.length > 0 && length + text.length + 2 > maxLength) break;
    shown.push(text);
    length += text.length + 2;
  }
  const rest = members.length - shown.length;
  return `${shown.join(", ")}${rest > 0 ? ` and ${rest} more` : ""}`;
}

const items = (count: number) => `${count} item${count === 1 ? "" : "s"}`;

/**
 * What a set (or list) comparison found against the rule, naming the members that break it — the
 * one forbidden package out of 900 installed, not the 900. Undefined when the operator is no set
 * operator or the values are not lists, and the plain "got" wording applies.
 */
function offenders(condition: ConditionTrace, negated: boolean, maxLength: number): string | undefined {
  const { operator, expected } = condition;
  const actual = condition.actual ?? null;
  const fact = asList(actual);
  const wanted = asList(expected);
  const inFact = wanted.filter((member) => includes(fact, member));
  const of = ` (of ${items(fact.length)})`;
  if (negated) {
    // `not setContains X` / `not setContainsAny X` / `not contains X` fail because X is there.
    if (operator === "setContains" || operator === "setContainsAny" || (operator === "contains" && Array.isArray(actual)))
      return inFact.length > 0 ? `present: ${memberList(inFact, maxLength)}${of}` : undefined;
    return undefined;
  }
  switch (operator) {
    case "setSubsetOf": {
      const extra = fact.filter((member) => !includes(wanted, member));
      return extra.length > 0 ? `not allowed: ${memberList(extra, maxLength)}${of}` : undefined;
    }
    case "setDisjoint":
      return inFact.length > 0 ? `present: ${memberList(inFact, maxLength)}${of}` : undefined;
    case "setContains": {
      const missing = wanted.filter((member) => !includes(fact, member));
      return missing.length > 0 ? `missing: ${memberList(missing, maxLength)}${of}` : undefined;
    }
    case "setContainsAny":
      return fact.length > 3 ? `none of them among ${items(fact.length)}` : undefined;
    case "contains":
      return Array.isArray(actual) && actual.length > 3 ? `not among ${items(actual.length)}` : undefined;
    case "doesNotContain":
      return Array.isArray(actual) ? `present${of}` : undefined;
    default:
      return undefined;
  }
}

/**
 * One line for one leaf: `label: [not ]fact.path operator expected — got actual`, or for set
 * operators the members that break the rule (`— present: "nmap" (of 900 items)`).
 *
 * @param maxValueLength longest text of one value before it is shortened
 */
export function describeCondition(condition: ConditionTrace, maxValueLength = 80): string {
  const subject = `${condition.fact}${condition.path ? `.${condition.path.replace(/^\$\.?/, "")}` : ""}`;
  const label = condition.name ? `${condition.name}: ` : "";
  const negated = isNegated(condition);
  const found = offenders(condition, negated, maxValueLength) ?? `got ${briefValue(condition.actual ?? null, maxValueLength)}`;
  return `${label}${negated ? "not " : ""}${subject} ${condition.operator} ${briefValue(condition.expected, maxValueLength)} — ${found}`;
}

/**
 * One line per leaf that counts against the rule, joined by `; `, for result messages:
 * `tls.leaf.selfSigned equal false — got true`.
 */
export function describeFailures(conditions: readonly ConditionTrace[], maxValueLength = 80): string {
  return blamedConditions(conditions)
    .map((condition) => describeCondition(condition, maxValueLength))
    .join("; ");
}

/** What the evidence showed for the leaves that held: `tls.ocsp.status = "unreachable"`, for messages. */
export function describeHolding(conditions: readonly ConditionTrace[], maxValueLength = 80): string {
  return conditions
    .filter((condition) => condition.outcome === "pass")
    .map(
      (condition) =>
        `${condition.fact}${condition.path ? `.${condition.path.replace(/^\$\.?/, "")}` : ""} = ${briefValue(condition.actual ?? null, maxValueLength)}`,
    )
    .join("; ");
}

/**
 * The named leaves a passing rule relied on inside an `any` whose other branches failed, e.g.
 * "no admin account has a usable password to age": a pass reached by an exception says which one.
 * Empty when every leaf held or the alternatives carry no names.
 */
export function describeAlternatives(conditions: readonly ConditionTrace[]): string {
  const anyGroup = (where: string) => where.slice(0, where.lastIndexOf("any[") + 3);
  const chosen = conditions.filter((condition) => {
    if (condition.outcome !== "pass" || !condition.name || !condition.where.includes("any[") || isNegated(condition)) return false;
    const group = anyGroup(condition.where);
    return conditions.some((other) => other.outcome === "fail" && other.where.startsWith(group));
  });
  return [...new Set(chosen.map((condition) => condition.name as string))].join("; ");
}
