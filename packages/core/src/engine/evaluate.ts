/** Decides rules with json-rules-engine and keeps a trace of every leaf condition. */
import { Engine, Rule as EngineRule } from "json-rules-engine";
import type { ConditionTrace } from "../model/report.js";
import type { Condition, Rule, RuleSource, SourceName, TopLevelCondition } from "../model/rule.js";
import type { JsonValue } from "../model/values.js";
import type { Clock } from "../plugin/services.js";
import { CUSTOM_OPERATORS } from "./operators.js";

/** A rule with its parameters resolved (defaults + tailoring) and the facts it reads. */
export interface CompiledRule {
  readonly rule: Rule;
  /** Unique within a scan: the rule id, plus `#source` for one source of a multi-source rule. */
  readonly key: string;
  /** The source this compiled part checks, for rules with several evidence sources. */
  readonly source?: SourceName;
  /** Effective parameter values. */
  readonly parameters: Readonly<Record<string, JsonValue>>;
  /** Conditions with every `{ param }` replaced by its value. */
  readonly conditions?: TopLevelCondition;
  /** The rule's `notVerifiedWhen` conditions, parameters resolved, in order. */
  readonly notVerifiedWhen?: readonly TopLevelCondition[];
  /** Fact names the conditions read, sorted. */
  readonly facts: readonly string[];
  /** Facts the rule reads that no registered probe provides (rules of bundled packs only). */
  readonly unprovidedFacts?: readonly string[];
}

/** Replaces `{ "param": name }` anywhere in a JSON tree with the parameter's value. */
export function substituteParams<T>(node: T, parameters: Readonly<Record<string, JsonValue>>): T {
  if (Array.isArray(node)) return node.map((item) => substituteParams(item, parameters)) as T;
  if (node !== null && typeof node === "object") {
    const entries = Object.entries(node);
    if (entries.length === 1 && entries[0]?.[0] === "param" && typeof entries[0][1] === "string") {
      return parameters[entries[0][1]] as T;
    }
    return Object.fromEntries(entries.map(([key, value]) => [key, substituteParams(value, parameters)])) as T;
  }
  return node;
}

/** Fact names a condition tree reads (including facts referenced from values). */
export function factsOf(condition: Condition | TopLevelCondition): string[] {
  const facts = new Set<string>();
  const visit = (node: Condition) => {
    if ("fact" in node) {
      facts.add(node.fact);
      const value = node.value as { fact?: unknown } | null;
      if (value && typeof value === "object" && !Array.isArray(value) && typeof value.fact === "string") facts.add(value.fact);
    } else if ("all" in node) node.all.forEach(visit);
    else if ("any" in node) node.any.forEach(visit);
    else visit(node.not);
  };
  visit(condition as Condition);
  return [...facts].sort();
}

/**
 * Resolves rule parameters (declared defaults, overridden by tailoring) into the conditions. For a
 * multi-source rule, pass the `source` to compile; {@link compileRuleParts} compiles every part.
 */
export function compileRule(rule: Rule, overrides: Readonly<Record<string, JsonValue>> = {}, source?: RuleSource): CompiledRule {
  const parameters: Record<string, JsonValue> = {};
  for (const [name, parameter] of Object.entries(rule.parameters)) parameters[name] = parameter.default;
  Object.assign(parameters, overrides);
  const written = source ? source.conditions : rule.conditions;
  const conditions = written ? substituteParams(written, parameters) : undefined;
  const notVerifiedWhen = conditions
    ? (source ? source.notVerifiedWhen : rule.notVerifiedWhen)?.map((entry) => substituteParams(entry.conditions, parameters))
    : undefined;
  const facts = new Set(conditions ? factsOf(conditions) : []);
  for (const condition of notVerifiedWhen ?? []) for (const fact of factsOf(condition)) facts.add(fact);
  return {
    rule,
    key: source ? `${rule.id}#${source.name}` : rule.id,
    ...(source ? { source: source.name } : {}),
    parameters,
    ...(conditions ? { conditions } : {}),
    ...(notVerifiedWhen ? { notVerifiedWhen } : {}),
    facts: [...facts].sort(),
  };
}

/** Compiles a rule into one part, or one part per source for a multi-source rule. */
export function compileRuleParts(rule: Rule, overrides: Readonly<Record<string, JsonValue>> = {}): CompiledRule[] {
  return rule.sources ? rule.sources.map((source) => compileRule(rule, overrides, source)) : [compileRule(rule, overrides)];
}

/**
 * Reads a dot path (`leaf.notAfter`, `suites[0].name`, or JSONPath-style `$.leaf.notAfter`) from a
 * value. Used as json-rules-engine's `pathResolver`: far cheaper than JSONPath on the hot path.
 */
export function readPath(value: unknown, path: string): unknown {
  let node = value;
  const start = path.startsWith("$.") ? 2 : path.startsWith("$") ? 1 : 0;
  let key = "";
  const step = () => {
    if (key === "") return;
    node = node === null || node === undefined ? undefined : (node as Record<string, unknown>)[key];
    key = "";
  };
  for (let i = start; i < path.length; i++) {
    const ch = path[i];
    if (ch === "." || ch === "[" || ch === "]") step();
    else key += ch;
  }
  step();
  return node;
}

/** The verdict of one compiled rule on one set of facts. */
export interface RuleVerdict {
  readonly passed: boolean;
  readonly conditions: readonly ConditionTrace[];
  /** The first `notVerifiedWhen` entry that held (its index and trace): the verdict is not pass or fail. */
  readonly notVerified?: { readonly index: number; readonly conditions: readonly ConditionTrace[] };
}

/** Engine rule names of `notVerifiedWhen` entries: the rule key, a separator no key contains, the index. */
const NOT_VERIFIED = "\u0000not-verified\u0000";

interface EngineCondition {
  all?: EngineCondition[];
  any?: EngineCondition[];
  not?: EngineCondition;
  fact?: string;
  path?: string;
  operator?: string;
  value?: JsonValue;
  name?: string;
  factResult?: unknown;
  result?: boolean;
}

/**
 * Evaluates compiled rules. One json-rules-engine `Engine` is built per distinct set of rules and
 * reused for every endpoint that needs the same set, so rule compilation is paid once per scan.
 */
export class Evaluator {
  readonly #engines = new Map<string, EngineEntry>();

  /** @param clock "now" for date operators (`dateBefore: "now+30d"`), unless a run names its own. */
  constructor(private readonly clock: Clock) {}

  /**
   * Decides `rules` on `facts`; the map is keyed by {@link CompiledRule.key}. `clock` is "now" for
   * this run's date operators: the collection time when the facts come from an offline copy.
   */
  async evaluate(rules: readonly CompiledRule[], facts: Readonly<Record<string, JsonValue>>, clock: Clock = this.clock): Promise<Map<string, RuleVerdict>> {
    const decidable = rules.filter((compiled) => compiled.conditions);
    const verdicts = new Map<string, RuleVerdict>();
    if (decidable.length === 0) return verdicts;
    // An Engine keeps one run status for all its runs: a run that finishes while another is starting
    // makes the other skip every rule. Runs on one engine therefore take turns, which also lets each
    // run set the clock its operators read.
    const entry = this.#engineFor(decidable);
    const run = entry.idle.then(() => {
      entry.clock = clock;
      return entry.engine.run(facts as Record<string, unknown>);
    });
    entry.idle = run.then(
      () => undefined,
      () => undefined,
    );
    const { results, failureResults } = await run;
    const notVerified = new Map<string, { index: number; conditions: ConditionTrace[] }>();
    for (const ruleResult of [...results, ...failureResults]) {
      const conditions: ConditionTrace[] = [];
      traceConditions(ruleResult.conditions as unknown as EngineCondition, "", conditions);
      const name = String(ruleResult.name);
      const split = name.indexOf(NOT_VERIFIED);
      if (split < 0) verdicts.set(name, { passed: ruleResult.result === true, conditions });
      else if (ruleResult.result === true) {
        const key = name.slice(0, split);
        const index = Number(name.slice(split + NOT_VERIFIED.length));
        const earlier = notVerified.get(key);
        if (!earlier || index < earlier.index) notVerified.set(key, { index, conditions });
      }
    }
    for (const [key, entry] of notVerified) {
      const verdict = verdicts.get(key);
      if (verdict) verdicts.set(key, { ...verdict, notVerified: entry });
    }
    return verdicts;
  }

  #engineFor(rules: readonly CompiledRule[]): EngineEntry {
    const key = rules.map((compiled) => compiled.key).join("\u0000");
    const known = this.#engines.get(key);
    if (known) return known;
    const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: readPath, replaceFactsInEventParams: false });
    const entry: EngineEntry = { engine, idle: Promise.resolve(), clock: this.clock };
    for (const operator of CUSTOM_OPERATORS) {
      engine.addOperator(operator.name, (factValue: unknown, expected: unknown) => operator.evaluate(factValue, expected, entry.clock));
    }
    for (const compiled of rules) {
      engine.addRule(
        new EngineRule({
          name: compiled.key,
          conditions: compiled.conditions as never,
          event: { type: compiled.key },
        }),
      );
      compiled.notVerifiedWhen?.forEach((conditions, index) => {
        const name = `${compiled.key}${NOT_VERIFIED}${index}`;
        engine.addRule(new EngineRule({ name, conditions: conditions as never, event: { type: name } }));
      });
    }
    this.#engines.set(key, entry);
    return entry;
  }
}

/** One engine, the queue its runs wait in, and the clock of the run in progress. */
interface EngineEntry {
  readonly engine: Engine;
  idle: Promise<void>;
  clock: Clock;
}

function traceConditions(node: EngineCondition, where: string, out: ConditionTrace[]): void {
  for (const group of ["all", "any"] as const) {
    const children = node[group];
    if (children) {
      children.forEach((child, i) => {
        traceConditions(child, `${where}${where ? "." : ""}${group}[${i}]`, out);
      });
      return;
    }
  }
  if (node.not) {
    traceConditions(node.not, `${where}${where ? "." : ""}not`, out);
    return;
  }
  if (node.fact === undefined || node.operator === undefined) return;
  const outcome = node.result === undefined ? "not-evaluated" : node.result ? "pass" : "fail";
  out.push({
    where: where || "(root)",
    fact: node.fact,
    ...(node.path ? { path: node.path } : {}),
    operator: node.operator,
    expected: (node.value ?? null) as JsonValue,
    ...(outcome !== "not-evaluated" ? { actual: toJson(node.factResult) } : {}),
    outcome,
    ...(node.name ? { name: node.name } : {}),
  });
}

function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return value as JsonValue;
}
