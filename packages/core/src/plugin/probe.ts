import { HardcheckError } from "../errors.js";
import type { Endpoint, HostSpec, HostTransportKind, Target } from "../model/target.js";
import type { JsonObject, JsonValue } from "../model/values.js";
import type { FactDeclaration } from "./facts.js";
import type { ProbeServices } from "./services.js";
import type { HostTransport } from "./transport.js";

export type { FactDeclaration } from "./facts.js";

/** What every probe says about itself. */
export interface ProbeMetaBase {
  /** Unique id; the probe's folder and file share it (`tls-handshake`). */
  readonly id: string;
  readonly description: string;
  readonly facts: readonly FactDeclaration[];
}

/** Metadata of a probe that talks to a network endpoint. */
export interface EndpointProbeMeta extends ProbeMetaBase {
  /** Endpoint URL schemes this probe can assess. */
  readonly schemes: readonly string[];
}

/** Metadata of a probe that inspects a host through a transport. */
export interface HostProbeMeta extends ProbeMetaBase {
  /** Host transports this probe works over. */
  readonly transports: readonly HostTransportKind[];
  /** Operating systems the probe understands (`linux`, `windows`); absent means any. */
  readonly os?: readonly string[];
}

/** What a probe receives besides its subject: the target, its parameters, cancellation, services. */
export interface ProbeDeps extends ProbeServices {
  readonly target: Target;
  /** Aborted when the probe times out or the scan is cancelled; close sockets when it fires. */
  readonly signal: AbortSignal;
}

/** The facts a probe gathered, by declared fact name. */
export interface ProbeFacts {
  readonly facts: Readonly<Record<string, JsonValue>>;
}

/**
 * A probe's explicit statement that it cannot apply to this subject, with the reason.
 *
 * Two cases differ in what they prove. By default the probe could not look (no file named, a
 * transport that cannot run commands, the wrong protocol): nothing is known, and a rule that needed
 * the facts stays open (`manual` when it has a prompt; for one source of a multi-source rule, the
 * item cannot pass). With `verifiedAbsent: true` the probe read from the subject that the thing it
 * inspects does not exist there ("no SQL Server instance is installed", from the host's registry):
 * that source of a multi-source rule drops out of the verdict, and a single-source rule is
 * `not-applicable`. Only say `verifiedAbsent` when the subject was actually read.
 */
export interface ProbeNotApplicable {
  readonly notApplicable: string;
  /** True only when the probe verified on the subject that what it inspects does not exist. */
  readonly verifiedAbsent?: boolean;
}

/** The outcome of one probe run. Anything thrown instead becomes `error` for the checks needing it. */
export type ProbeOutcome = ProbeFacts | ProbeNotApplicable;

/** A probe that assesses a network endpoint. */
export interface EndpointProbe {
  readonly meta: EndpointProbeMeta;
  collect(endpoint: Endpoint, params: JsonObject, deps: ProbeDeps): Promise<ProbeOutcome>;
}

/** What a host probe receives: everything an endpoint probe does, plus the target's open transport. */
export interface HostProbeDeps extends ProbeDeps {
  /** The target's transport, opened once per scan and shared by its probes. */
  readonly transport: HostTransport;
}

/** A probe that inspects a host's operating system. */
export interface HostProbe {
  readonly meta: HostProbeMeta;
  collect(host: HostSpec, params: JsonObject, deps: HostProbeDeps): Promise<ProbeOutcome>;
}

/** A probe plugin: gathers facts, never judges. */
export type Probe = EndpointProbe | HostProbe;

/** True for probes that assess endpoints. */
export function isEndpointProbe(probe: Probe): probe is EndpointProbe {
  return "schemes" in probe.meta;
}

const PROBE_ID = /^[a-z][a-z0-9-]*$/;
const FACT_NAME = /^[a-z][a-zA-Z0-9_-]*(\.[a-zA-Z][a-zA-Z0-9_-]*)*$/;

/**
 * Declares a probe, checking its metadata. Register the result with `ctx.registerProbe`.
 *
 * @example
 * ```ts
 * const bannerFacts = defineFacts({ "banner.text": { description: "First line the server sends", schema: z.string() } });
 *
 * export const bannerProbe = defineProbe({
 *   meta: { id: "banner", description: "Reads a TCP banner", schemes: ["tcp"], facts: bannerFacts },
 *   async collect(endpoint, _params, deps) {
 *     return { facts: { "banner.text": await readBanner(endpoint, deps.signal) } };
 *   },
 * });
 * ```
 */
export function defineProbe<P extends Probe>(probe: P): P {
  const meta = probe.meta as ProbeMetaBase & Partial<EndpointProbeMeta & HostProbeMeta>;
  const problems: string[] = [];
  if (typeof meta?.id !== "string" || !PROBE_ID.test(meta.id)) problems.push(`id "${String(meta?.id)}" must be lower-case kebab-case`);
  if (!Array.isArray(meta?.facts) || meta.facts.length === 0) problems.push("facts must list at least one fact");
  const seen = new Set<string>();
  for (const fact of meta?.facts ?? []) {
    if (!FACT_NAME.test(fact.name)) problems.push(`fact "${fact.name}" must be a dotted name such as tls.leaf`);
    if (seen.has(fact.name)) problems.push(`fact "${fact.name}" is declared twice`);
    if (fact.schema !== undefined && typeof fact.schema?.["~standard"]?.validate !== "function")
      problems.push(`fact "${fact.name}" has a schema that is not a Standard Schema (https://standardschema.dev)`);
    seen.add(fact.name);
  }
  const hasSchemes = Array.isArray(meta?.schemes) && meta.schemes.length > 0;
  const hasTransports = Array.isArray(meta?.transports) && meta.transports.length > 0;
  if (hasSchemes === hasTransports) problems.push("meta must name either schemes (endpoint probe) or transports (host probe)");
  if (typeof probe.collect !== "function") problems.push("collect must be a function");
  if (problems.length > 0) {
    throw new HardcheckError(
      "HC_PLUGIN_REGISTER",
      problems.map((message) => ({ path: `probe ${String(meta?.id)}`, message })),
    );
  }
  return probe;
}

/** Convenience for a probe's explicit "does not apply here" (it could not look). */
export function notApplicable(reason: string): ProbeNotApplicable {
  return { notApplicable: reason };
}

/**
 * Convenience for "verified absent": the probe read the subject and what it inspects is not there.
 *
 * @example
 * ```ts
 * if (instances.length === 0) return verifiedAbsent("no SQL Server instance is installed on the host");
 * ```
 */
export function verifiedAbsent(reason: string): ProbeNotApplicable {
  return { notApplicable: reason, verifiedAbsent: true };
}
