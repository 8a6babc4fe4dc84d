/** TLS probes as factories: each instance builds them over the negotiators its plugins registered. */
import { defineProbe, type Endpoint, type EndpointProbe, type EndpointProbeMeta, type JsonObject, type ProbeDeps, type ProbeOutcome } from "@hardcheck/core";
import type { NegotiatorTable } from "../connection/negotiation.js";
import { tlsProbeSchemes } from "../connection/tls-stream.js";

/** What a TLS probe can reach in its instance: the negotiators, and the schemes they and implicit TLS give. */
export type TlsReach = {
  readonly negotiators: NegotiatorTable;
  /** Implicit-TLS schemes first, then each negotiated scheme. */
  readonly schemes: readonly string[];
};

/** A TLS probe before it knows its instance: metadata without schemes, and a collect that is told what it can reach. */
export type TlsProbeDefinition = {
  readonly meta: Omit<EndpointProbeMeta, "schemes">;
  collect(endpoint: Endpoint, params: JsonObject, deps: ProbeDeps, reach: TlsReach): Promise<ProbeOutcome>;
};

/** Builds a TLS probe serving the implicit-TLS schemes and every scheme of `negotiators`. */
export type TlsProbeFactory = (negotiators: NegotiatorTable) => EndpointProbe;

/**
 * Turns a TLS probe definition into a factory. The package registers each TLS probe as a probe
 * factory, so a negotiator that another plugin registers makes the TLS probes apply to its scheme.
 */
export function defineTlsProbe(definition: TlsProbeDefinition): TlsProbeFactory {
  return (negotiators) => {
    const reach: TlsReach = { negotiators, schemes: tlsProbeSchemes(negotiators) };
    return defineProbe({
      meta: { ...definition.meta, schemes: reach.schemes },
      collect: (endpoint, params, deps) => definition.collect(endpoint, params, deps, reach),
    });
  };
}
