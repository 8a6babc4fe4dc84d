/** hardcheck's operators on top of json-rules-engine's built-ins. */
import { RE2JS } from "re2js";
import { compareText } from "../compare-text.js";
import type { Clock } from "../plugin/services.js";
import { compareDebianVersions, compareSemver, parseDebianVersion } from "./versions.js";

/** An operator: its comparison and a load-time check of the value a rule compares with. */
export interface OperatorDefinition {
  readonly name: string;
  readonly description: string;
  evaluate(factValue: unknown, expected: unknown, clock: Clock): boolean;
  /** Returns why `expected` is unusable, or undefined when it is fine. */
  validate?(expected: unknown): string | undefined;
}

/** json-rules-engine's own operators (validated only for presence). */
export const BUILTIN_OPERATORS = [
  "equal",
  "notEqual",
  "in",
  "notIn",
  "contains",
  "doesNotContain",
  "lessThan",
  "lessThanInclusive",
  "greaterThan",
  "greaterThanInclusive",
] as const;

/**
 * Compares dotted versions part by part: numeric parts numerically, others as text.
 * `1.10.0` > `1.9.2`; `1.1.1w` > `1.1.1v` > `1.1.1`; Windows builds `10.0.19045.4529`.
 * Debian package versions and semantic versions have their own orderings
 * ({@link compareDebianVersions}, {@link compareSemver}) and operators.
 */
export function compareVersions(a: string, b: string): number {
  // Digits and letters are separate parts, so OpenSSL's `1.1.1w` reads as 1, 1, 1, w.
  const split = (version: string) => version.match(/\d+|[A-Za-z]+/g) ?? [];
  const left = split(a);
  const right = split(b);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    const order = nx && ny ? Number(x) - Number(y) : nx ? 1 : ny ? -1 : compareText(x, y);
    if (order !== 0) return Math.sign(order);
  }
  return 0;
}

const RELATIVE = /^now(?:([+-])(\d+)([dhm]))?$/;

/**
 * Resolves a date a rule compares with: an ISO date, `now`, `now+30d` / `now-12h`, or
 * `{ "daysFromNow": 30 }`. Returns NaN when it is none of these.
 */
export function resolveDate(expected: unknown, clock: Clock): number {
  if (typeof expected === "string") {
    const relative = RELATIVE.exec(expected);
    if (relative) {
      const now = clock.now().getTime();
      if (!relative[1]) return now;
      const unit = relative[3] === "d" ? 86_400_000 : relative[3] === "h" ? 3_600_000 : 60_000;
      return now + (relative[1] === "+" ? 1 : -1) * Number(relative[2]) * unit;
    }
    return Date.parse(expected);
  }
  if (expected && typeof expected === "object" && "daysFromNow" in expected) {
    const days = (expected as { daysFromNow: unknown }).daysFromNow;
    return typeof days === "number" ? clock.now().getTime() + days * 86_400_000 : Number.NaN;
  }
  return Number.NaN;
}

function toTime(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "string") return Date.parse(value);
  if (typeof value === "number") return value;
  return Number.NaN;
}

/** A set operator's operand as a list: a scalar is a one-item set, null and undefined the empty set. */
export const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);
const same = (a: unknown, b: unknown) => a === b || (typeof a === "object" && JSON.stringify(a) === JSON.stringify(b));
/** Set membership as the set operators see it: equal scalars, or objects with equal JSON. */
export const includes = (list: readonly unknown[], item: unknown) => list.some((entry) => same(entry, item));

/** Permission bits from an octal string (`"0640"`, `"640"`) or a number; undefined for anything else. */
function permissionBits(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 0o7777) return value;
  if (typeof value === "string" && /^0?[0-7]{3,4}$/.test(value)) return Number.parseInt(value, 8);
  return undefined;
}

const validateDate = (expected: unknown) =>
  Number.isNaN(resolveDate(expected, { now: () => new Date(0) })) ? 'expected an ISO date, "now", "now+30d" / "now-12h" or { daysFromNow: N }' : undefined;
const validatePattern = (expected: unknown) => {
  const source = typeof expected === "string" ? expected : undefined;
  if (source === undefined) return "expected a regular expression as a string";
  try {
    pattern(source);
    return undefined;
  } catch (error) {
    return `invalid regular expression for RE2 (no lookaround or backreferences, so matching stays linear in the text): ${(error as Error).message}`;
  }
};

/**
 * Patterns run against text the scanned server chooses (banners, certificate subjects), so they are
 * matched by RE2 (re2js, pure JavaScript): time linear in the text, where a backtracking engine can
 * be made to run for ever by a pattern like `(\w+\s?)*$` and a crafted subject.
 */
const patternCache = new Map<string, RE2JS>();
function pattern(source: string): RE2JS {
  let regex = patternCache.get(source);
  if (!regex) {
    regex = RE2JS.compile(source);
    patternCache.set(source, regex);
  }
  return regex;
}

/** A version ordering: -1, 0 or 1, or undefined when either side is no version of the scheme. */
type VersionOrder = (a: string, b: string) => number | undefined;

/**
 * The four comparisons of one version scheme. A fact that is no version of the scheme (missing, not
 * a string, unparsable) satisfies none of them, so it can never pass by accident.
 */
function versionOperators(prefix: string, scheme: string, order: VersionOrder, validate: (expected: unknown) => string | undefined): OperatorDefinition[] {
  const operator = (suffix: string, sign: string, test: (order: number) => boolean): OperatorDefinition => ({
    name: `${prefix}${suffix}`,
    description: `fact version ${sign} value (${scheme})`,
    evaluate: (fact, expected) => {
      if (typeof fact !== "string" || typeof expected !== "string") return false;
      const result = order(fact, expected);
      return result !== undefined && test(result);
    },
    validate,
  });
  return [
    operator("GreaterThanInclusive", "≥", (o) => o >= 0),
    operator("GreaterThan", ">", (o) => o > 0),
    operator("LessThan", "<", (o) => o < 0),
    operator("LessThanInclusive", "≤", (o) => o <= 0),
  ];
}

const validateDottedVersion = (expected: unknown) => {
  if (typeof expected !== "string" || expected.length === 0) return "expected a version string such as 1.2.3";
  // These orderings differ from the dotted one; a rule written with them means another scheme.
  if (/[~:]/.test(expected)) return `"${expected}" is a Debian package version — use debianVersionGreaterThan… / debianVersionLessThan…`;
  if (/^\d+\.\d+\.\d+-[0-9A-Za-z.-]*[A-Za-z]/.test(expected))
    return `"${expected}" is a semantic version with a pre-release — use semverGreaterThan… / semverLessThan…`;
  return undefined;
};
const validateDebianVersion = (expected: unknown) =>
  typeof expected === "string" && parseDebianVersion(expected) ? undefined : "expected a Debian package version such as 1:2.3.4-1+deb12u1 or 1.0~rc1";
const validateSemver = (expected: unknown) =>
  typeof expected === "string" && compareSemver(expected, expected) !== undefined ? undefined : "expected a semantic version such as 1.2.3 or 1.2.3-rc.1";

const matchesPattern = (text: string, source: string) => pattern(source).matcher(text).find();

/** The custom operators every engine gets. */
export const CUSTOM_OPERATORS: readonly OperatorDefinition[] = [
  ...versionOperators("version", "dotted: numeric parts compared as numbers", compareVersions, validateDottedVersion),
  ...versionOperators("debianVersion", "Debian package version, ordered as dpkg --compare-versions", compareDebianVersions, validateDebianVersion),
  ...versionOperators("semver", "Semantic Versioning 2.0, ordered as the semver package", compareSemver, validateSemver),
  {
    name: "dateBefore",
    description: 'fact date is before value (ISO date, "now", "now+30d", { daysFromNow: N })',
    evaluate: (fact, expected, clock) => toTime(fact) < resolveDate(expected, clock),
    validate: validateDate,
  },
  {
    name: "dateAfter",
    description: 'fact date is after value (ISO date, "now", "now+30d", { daysFromNow: N })',
    evaluate: (fact, expected, clock) => toTime(fact) > resolveDate(expected, clock),
    validate: validateDate,
  },
  {
    name: "setContains",
    description: "fact list contains every item of value",
    evaluate: (fact, expected) => asList(expected).every((item) => includes(asList(fact), item)),
  },
  {
    name: "setContainsAny",
    description: "fact list contains at least one item of value",
    evaluate: (fact, expected) => asList(expected).some((item) => includes(asList(fact), item)),
  },
  {
    name: "setDisjoint",
    description: "fact list and value share no item",
    evaluate: (fact, expected) => !asList(expected).some((item) => includes(asList(fact), item)),
  },
  {
    name: "setSubsetOf",
    description: "every item of the fact list is in value",
    evaluate: (fact, expected) => asList(fact).every((item) => includes(asList(expected), item)),
  },
  {
    name: "matches",
    description: "fact string matches the regular expression in value",
    evaluate: (fact, expected) => typeof fact === "string" && typeof expected === "string" && matchesPattern(fact, expected),
    validate: validatePattern,
  },
  {
    name: "notMatches",
    description: "fact string does not match the regular expression in value",
    evaluate: (fact, expected) => typeof fact === "string" && typeof expected === "string" && !matchesPattern(fact, expected),
    validate: validatePattern,
  },
  {
    name: "modeWithin",
    description: 'fact permission bits (octal string such as "0640", or a number) grant nothing beyond value ("0644")',
    evaluate: (fact, expected) => {
      const granted = permissionBits(fact);
      const allowed = permissionBits(expected);
      return granted !== undefined && allowed !== undefined && (granted & ~allowed) === 0;
    },
    validate: (expected) => (permissionBits(expected) === undefined ? 'expected an octal mode string such as "0644"' : undefined),
  },
  {
    name: "isDefined",
    description: "value true: the fact (path) exists and is not null; false: it is absent or null",
    evaluate: (fact, expected) => (fact !== undefined && fact !== null) === (expected === true),
    validate: (expected) => (typeof expected === "boolean" ? undefined : "expected true or false"),
  },
];

/** Every operator name a rule may use. */
export const OPERATOR_NAMES: ReadonlySet<string> = new Set([...BUILTIN_OPERATORS, ...CUSTOM_OPERATORS.map((op) => op.name)]);
