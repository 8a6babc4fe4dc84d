/** Runs a probe the way a scan would, on a fake host or a fake endpoint, and checks what it returns. */
import { deepStrictEqual, fail, match } from "node:assert/strict";
import type { Endpoint, EndpointProbe, HostProbe, HostSpec, HostTransport, JsonObject, JsonValue, Probe, ProbeOutcome } from "../index.js";
import { checkFacts } from "../plugin/facts.js";
import { isEndpointProbe } from "../plugin/probe.js";
import { checkDeclaredFacts, ProbeContractError } from "./declared-facts.js";
import { type FakeHostContent, fakeHost } from "./fake-host.js";
import { PROBE_TEST_NOW, type TestProbeDepsOptions, testProbeDeps } from "./probe-deps.js";
import { testEndpoint } from "./test-endpoint.js";

/** What a host probe runs on in a test: a fake host's content, or a transport of your own. */
export type HostSubject = FakeHostContent | HostTransport;

/** What an endpoint probe runs against in a test: an endpoint, or its URL (`tcp://127.0.0.1:2222`). */
export type EndpointSubject = Endpoint | string;

/** Options of a {@link ProbeTester}: the deps every run gets, and the host spec host probes see. */
export interface ProbeTesterOptions extends TestProbeDepsOptions {
  /** The host spec a host probe is given (default `root:/fake`, with the transport's kind). */
  readonly host?: HostSpec;
}

/**
 * One row of a probe's test table: the subject, the parameters, and either the facts expected (each
 * listed fact must deep-equal; facts not listed are not compared) or the not-applicable reason expected.
 */
export interface ProbeTestCase<Subject> {
  /** Shown by the test runner (`it.each(cases)("$name", …)`). */
  readonly name?: string;
  readonly subject: Subject;
  readonly params?: JsonObject;
  readonly facts?: Readonly<Record<string, JsonValue>>;
  /** The probe must say it does not apply, with a reason equal to the string or matching the expression. */
  readonly notApplicable?: string | RegExp;
}

/**
 * Runs probes in tests as a scan would — pinned clock ({@link PROBE_TEST_NOW} unless told otherwise),
 * quiet logger, fresh scan cache — and checks every outcome against the probe's declared facts: a
 * fact the probe does not declare, or a value JSON cannot hold, throws {@link ProbeContractError}.
 * Framework-neutral: failures are `node:assert` errors, which every test runner reports.
 *
 * @example
 * ```ts
 * const tester = new ProbeTester();
 * it.each<ProbeTestCase<HostSubject>>([
 *   { name: "root login off", subject: { files: { "/etc/ssh/sshd_config": "PermitRootLogin no\n" } }, facts: { "sshd.source": "files" } },
 *   { name: "no sshd", subject: { files: {} }, notApplicable: /not installed/ },
 * ])("$name", (testCase) => tester.check(sshdConfigProbe, testCase));
 * ```
 */
export class ProbeTester {
  readonly #options: ProbeTesterOptions;

  constructor(options: ProbeTesterOptions = {}) {
    this.#options = options;
  }

  /** The instant this tester's probes run at. */
  get now(): Date {
    return (this.#options.clock ?? { now: () => new Date(this.#options.now ?? PROBE_TEST_NOW) }).now();
  }

  /** Runs a host probe on a fake host (or a transport) and returns its outcome, checked against its declared facts. */
  run(probe: HostProbe, subject: HostSubject, params?: JsonObject): Promise<ProbeOutcome>;
  /** Runs an endpoint probe against an endpoint and returns its outcome, checked against its declared facts. */
  run(probe: EndpointProbe, subject: EndpointSubject, params?: JsonObject): Promise<ProbeOutcome>;
  async run(probe: Probe, subject: HostSubject | EndpointSubject, params: JsonObject = {}): Promise<ProbeOutcome> {
    const outcome = await this.#collect(probe, subject, params);
    const problems = checkDeclaredFacts(probe, outcome);
    if (problems.length > 0) throw new ProbeContractError(probe.meta.id, problems);
    // Then each fact against the schema its probe declares, as the collector does in a scan.
    if ("facts" in outcome) {
      const checked = await checkFacts(probe.meta.facts, outcome.facts);
      if (!checked.ok) throw new ProbeContractError(probe.meta.id, [checked.problem]);
    }
    return outcome;
  }

  /** Runs a host probe and returns its facts; throws when it said not-applicable. */
  facts(probe: HostProbe, subject: HostSubject, params?: JsonObject): Promise<Readonly<Record<string, JsonValue>>>;
  /** Runs an endpoint probe and returns its facts; throws when it said not-applicable. */
  facts(probe: EndpointProbe, subject: EndpointSubject, params?: JsonObject): Promise<Readonly<Record<string, JsonValue>>>;
  async facts(probe: Probe, subject: HostSubject | EndpointSubject, params: JsonObject = {}): Promise<Readonly<Record<string, JsonValue>>> {
    return factsOf(await this.run(probe as EndpointProbe, subject as EndpointSubject, params));
  }

  /** Runs one row of a host probe's test table and asserts its expectations. */
  check(probe: HostProbe, testCase: ProbeTestCase<HostSubject>): Promise<void>;
  /** Runs one row of an endpoint probe's test table and asserts its expectations. */
  check(probe: EndpointProbe, testCase: ProbeTestCase<EndpointSubject>): Promise<void>;
  async check(probe: Probe, testCase: ProbeTestCase<HostSubject | EndpointSubject>): Promise<void> {
    const outcome = await this.run(probe as EndpointProbe, testCase.subject as EndpointSubject, testCase.params ?? {});
    const label = testCase.name ? `${probe.meta.id} (${testCase.name})` : probe.meta.id;
    if (testCase.notApplicable !== undefined) {
      if (!("notApplicable" in outcome)) return fail(`${label}: expected not-applicable, got facts ${JSON.stringify(outcome.facts)}`);
      if (typeof testCase.notApplicable === "string") deepStrictEqual(outcome.notApplicable, testCase.notApplicable, `${label}: not-applicable reason`);
      else match(outcome.notApplicable, testCase.notApplicable, `${label}: not-applicable reason`);
      return;
    }
    if ("notApplicable" in outcome) return fail(`${label}: expected facts, got not-applicable: ${outcome.notApplicable}`);
    for (const [name, expected] of Object.entries(testCase.facts ?? {})) {
      deepStrictEqual(outcome.facts[name], expected, `${label}: fact ${name}`);
    }
  }

  #collect(probe: Probe, subject: HostSubject | EndpointSubject, params: JsonObject): Promise<ProbeOutcome> {
    const deps = testProbeDeps(this.#options);
    if (isEndpointProbe(probe)) {
      if (typeof subject !== "string" && !isEndpoint(subject)) throw new TypeError(`${probe.meta.id} is an endpoint probe: give it an endpoint or its URL`);
      return probe.collect(typeof subject === "string" ? testEndpoint(subject) : subject, params, deps);
    }
    if (typeof subject === "string" || isEndpoint(subject))
      throw new TypeError(`${probe.meta.id} is a host probe: give it a fake host's content or a transport`);
    const transport = isTransport(subject) ? subject : fakeHost(subject);
    const host = this.#options.host ?? { spec: "root:/fake", kind: transport.kind, location: "/fake" };
    return probe.collect(host, params, { ...deps, transport });
  }
}

/**
 * The facts of an outcome; throws, naming the reason, when the probe said not-applicable.
 *
 * @example
 * ```ts
 * const facts = factsOf(await bannerProbe.collect(endpoint, {}, testProbeDeps()));
 * ```
 */
export function factsOf(outcome: ProbeOutcome): Readonly<Record<string, JsonValue>> {
  if ("notApplicable" in outcome) throw new Error(`expected facts, got not-applicable: ${outcome.notApplicable}`);
  return outcome.facts;
}

function isEndpoint(subject: object): subject is Endpoint {
  return "url" in subject && "scheme" in subject && "port" in subject;
}

function isTransport(subject: object): subject is HostTransport {
  return typeof (subject as Partial<HostTransport>).readFile === "function";
}
