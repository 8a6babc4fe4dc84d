/**
 * Facts declared once: each as a schema with its description. The TypeScript type of a probe's
 * facts is inferred from the schemas, the collector checks what a probe returns against them, and
 * the README fact tables and `hardcheck explain` read their descriptions.
 *
 * Core accepts any Standard Schema (https://standardschema.dev) — zod, valibot, ArkType, or a
 * hand-written validator — so no schema library appears in core's public types.
 */
import { describeError } from "../errors.js";
import type { JsonValue } from "../model/values.js";

/**
 * The Standard Schema interface (v1), as the specification publishes it for libraries to copy.
 * Any value with a conforming `~standard` property can declare a fact.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

/** The types of the Standard Schema interface. */
export declare namespace StandardSchemaV1 {
  /** The Standard Schema properties interface. */
  export interface Props<Input = unknown, Output = Input> {
    /** The version number of the standard. */
    readonly version: 1;
    /** The vendor name of the schema library. */
    readonly vendor: string;
    /** Validates unknown input values. */
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    /** Inferred types associated with the schema. */
    readonly types?: Types<Input, Output> | undefined;
  }

  /** The result of a validation. */
  export type Result<Output> = SuccessResult<Output> | FailureResult;

  /** A successful validation. */
  export interface SuccessResult<Output> {
    /** The typed output value. */
    readonly value: Output;
    /** Absent on success. */
    readonly issues?: undefined;
  }

  /** A failed validation. */
  export interface FailureResult {
    /** What is wrong with the value. */
    readonly issues: ReadonlyArray<Issue>;
  }

  /** One problem with a value. */
  export interface Issue {
    /** The error message of the issue. */
    readonly message: string;
    /** Where in the value the issue is. */
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }

  /** One step of an issue's path. */
  export interface PathSegment {
    /** The key of the segment. */
    readonly key: PropertyKey;
  }

  /** The types a schema carries. */
  export interface Types<Input = unknown, Output = Input> {
    /** The input type of the schema. */
    readonly input: Input;
    /** The output type of the schema. */
    readonly output: Output;
  }

  /** The input type of a schema. */
  export type InferInput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["input"];

  /** The output type of a schema. */
  export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["output"];
}

/** One fact as a probe declares it: what it means, and the schema its value satisfies. */
export interface FactSpec<Schema extends StandardSchemaV1 = StandardSchemaV1> {
  /** What the fact means, for rule authors: the README table and `hardcheck explain` print it. */
  readonly description: string;
  /** The shape of the value; the collector checks every value the probe returns against it. */
  readonly schema: Schema;
}

/** A fact a probe promises to produce, documented for rule authors. */
export interface FactDeclaration {
  /** Dotted name, namespaced by protocol or subsystem: `tls.leaf`, `tcp.state`. */
  readonly name: string;
  readonly description: string;
  /** The shape of the value. Facts declared without one are only checked for being JSON. */
  readonly schema?: StandardSchemaV1;
}

/** The specs passed to {@link defineFacts}, by fact name. */
export type FactSpecs = Readonly<Record<string, FactSpec>>;

declare const FACT_SPECS: unique symbol;

/**
 * A probe's fact declarations, as `meta.facts` holds them, remembering the specs they came from so
 * that {@link FactsOf} can infer the facts' type.
 */
export type FactDeclarations<Specs extends FactSpecs = FactSpecs> = readonly FactDeclaration[] & {
  /** Type-level only: the specs the declarations were made from. */
  readonly [FACT_SPECS]?: Specs;
};

/**
 * The facts a probe produces, inferred from its declarations: fact name → the schema's output type.
 *
 * @example
 * ```ts
 * const bannerFacts = defineFacts({ "banner.text": { description: "First line the server sends", schema: z.string() } });
 * type BannerFacts = FactsOf<typeof bannerFacts>; // { "banner.text": string }
 * ```
 */
export type FactsOf<Declarations> =
  Declarations extends FactDeclarations<infer Specs> ? { -readonly [Name in keyof Specs]: StandardSchemaV1.InferOutput<Specs[Name]["schema"]> } : never;

/**
 * Declares a probe's facts once, each as a schema with its description. Put the result in the
 * probe's `meta.facts`; take the facts' type from it with {@link FactsOf}.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 *
 * export const bannerFacts = defineFacts({
 *   "banner.text": { description: "First line the server sends", schema: z.string() },
 * });
 * export type BannerFacts = FactsOf<typeof bannerFacts>;
 *
 * export const bannerProbe = defineProbe({
 *   meta: { id: "banner", description: "Reads a TCP banner", schemes: ["tcp"], facts: bannerFacts },
 *   async collect(endpoint, _params, deps) {
 *     const facts: BannerFacts = { "banner.text": await readBanner(endpoint, deps.signal) };
 *     return { facts };
 *   },
 * });
 * ```
 */
export function defineFacts<const Specs extends FactSpecs>(specs: Specs): FactDeclarations<Specs> {
  return Object.freeze(Object.entries(specs).map(([name, { description, schema }]) => Object.freeze({ name, description, schema })));
}

/** The outcome of {@link checkFacts}: the declared facts as the report will hold them, or what is wrong. */
export type FactCheck = { readonly ok: true; readonly facts: Readonly<Record<string, JsonValue>> } | { readonly ok: false; readonly problem: string };

/**
 * Checks what a probe returned against its declarations. Only declared facts are kept (an
 * undeclared one could shadow another probe's fact of that name); each is copied through JSON, so
 * reporters never meet a cycle, a BigInt or a class instance, and the copy is checked against the
 * fact's schema. The problem names the fact and, for a schema mismatch, the field.
 *
 * @example
 * ```ts
 * const check = await checkFacts(probe.meta.facts, outcome.facts);
 * if (!check.ok) return { status: "error", reason: `probe ${probe.meta.id} ${check.problem}` };
 * ```
 */
export async function checkFacts(declarations: readonly FactDeclaration[], returned: Readonly<Record<string, unknown>>): Promise<FactCheck> {
  const facts: Record<string, JsonValue> = {};
  for (const { name, schema } of declarations) {
    if (!Object.hasOwn(returned, name) || returned[name] === undefined) continue;
    const copy = asJson(returned[name]);
    if (typeof copy === "string") return { ok: false, problem: `returned fact "${name}" that is not JSON: ${copy}` };
    if (schema) {
      const result = await validateFact(schema, copy.json);
      if (result.issues) return { ok: false, problem: `returned fact "${name}" that does not match its declaration: ${describeIssue(result.issues)}` };
    }
    facts[name] = copy.json;
  }
  return { ok: true, facts };
}

/**
 * How many times each zod schema checks facts interpreted before zod may generate code for it. zod
 * compiles a function per object schema on its first check; that costs more than a handful of
 * checks save, so a scan of a few endpoints runs without it and a long scan gets it after warming up.
 */
const INTERPRETED_CHECKS = 16;
const checksMade = new WeakMap<object, number>();
/** Schemas with an asynchronous refinement, which zod's synchronous parse refuses (after running the refinement). */
const asynchronous = new WeakSet<object>();

/** A zod schema's own parse, which takes zod's per-call options (its Standard Schema entry point does not). */
interface ZodSafeParse {
  safeParse(
    value: unknown,
    options: { jitless: boolean },
  ): { success: true; data: unknown } | { success: false; error: { issues: ReadonlyArray<StandardSchemaV1.Issue> } };
}

function validateFact(schema: StandardSchemaV1, value: JsonValue): StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>> {
  const zod = schema as Partial<ZodSafeParse>;
  if (schema["~standard"].vendor === "zod" && typeof zod.safeParse === "function" && !asynchronous.has(schema)) {
    const made = checksMade.get(schema) ?? 0;
    if (made < INTERPRETED_CHECKS) {
      checksMade.set(schema, made + 1);
      try {
        const result = (zod as ZodSafeParse).safeParse(value, { jitless: true });
        return result.success ? { value: result.data } : { issues: result.error.issues };
      } catch {
        // An asynchronous refinement: zod's synchronous parse refuses it; its Standard Schema entry point awaits it.
        asynchronous.add(schema);
      }
    }
  }
  return schema["~standard"].validate(value);
}

/**
 * The facts of a probe outcome, checked against the declarations and typed by them. Throws when the
 * probe said it does not apply, left a declared fact out, or returned one that does not match.
 * Synchronous schemas only — meant for probe tests.
 *
 * @example
 * ```ts
 * const facts = factsFrom(tcpConnectFacts, await tcpConnectProbe.collect(endpoint, {}, deps));
 * expect(facts["tcp.state"]).toBe("open");
 * ```
 */
export function factsFrom<Declarations extends FactDeclarations>(
  declarations: Declarations,
  outcome: { readonly facts: Readonly<Record<string, unknown>> } | { readonly notApplicable: string },
): FactsOf<Declarations> {
  if ("notApplicable" in outcome) throw new Error(`the probe does not apply: ${outcome.notApplicable}`);
  const facts: Record<string, unknown> = {};
  for (const { name, schema } of declarations) {
    const value = outcome.facts[name];
    if (value === undefined) throw new Error(`fact "${name}" is missing`);
    const copy = asJson(value);
    if (typeof copy === "string") throw new Error(`fact "${name}" is not JSON: ${copy}`);
    if (schema) {
      const result = schema["~standard"].validate(copy.json);
      if (result instanceof Promise) throw new Error(`fact "${name}" has an asynchronous schema; use checkFacts`);
      if (result.issues) throw new Error(`fact "${name}" does not match its declaration: ${describeIssue(result.issues)}`);
    }
    // The value the probe built, not the JSON copy: tests compare what the probe returned.
    facts[name] = value;
  }
  return facts as FactsOf<Declarations>;
}

/** The first issue as `at field.path: message`, enough to find the fault. */
function describeIssue(issues: ReadonlyArray<StandardSchemaV1.Issue>): string {
  const issue = issues[0];
  if (!issue) return "invalid";
  const path = (issue.path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment));
  const where = path.length === 0 ? "" : `at ${path.map((key, index) => (/^\d+$/.test(key) ? `[${key}]` : index === 0 ? key : `.${key}`)).join("")}: `;
  return `${where}${issue.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`;
}

/**
 * A value as the report will hold it: a copy through JSON. Returns the reason when the value cannot
 * be written as JSON.
 */
function asJson(value: unknown): { json: JsonValue } | string {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return `${typeof value} has no JSON form`;
    return { json: JSON.parse(text) as JsonValue };
  } catch (error) {
    return describeError(error).split("\n")[0] ?? "not serialisable";
  }
}

/**
 * The Markdown table of a probe's facts (`| fact | meaning |`), as each probe's README carries it
 * between `<!-- facts:start -->` and `<!-- facts:end -->`; `npm run docs:facts` writes them.
 */
export function factTable(declarations: readonly FactDeclaration[]): string {
  const cell = (text: string) => text.replaceAll("|", "\\|").replace(/\s*\n\s*/g, " ");
  const rows = declarations.map(({ name, description }) => `| \`${name}\` | ${cell(description)} |`);
  return `${["| fact | meaning |", "| --- | --- |", ...rows].join("\n")}\n`;
}
