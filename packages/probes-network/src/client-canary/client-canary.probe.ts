/**
 * The `client-canary` probe: serves the client endpoints of a target (`client-smtp://…`, one scheme
 * per canary protocol) from what a canary listener recorded when the target connected to it. It
 * connects nowhere; a client endpoint with nothing recorded could not be looked at.
 */
import { defineProbe, type EndpointProbe, type JsonValue, notApplicable, type RecordedEndpoint } from "@hardcheck/core";
import { CANARY_PROTOCOLS, type CanaryProtocol, type CanarySession, type ClientEvidenceFile, clientCanaryFacts, clientFactsFrom } from "./evidence.js";

/** The scheme of a client endpoint: `client-` and the listener's protocol, e.g. `client-ldaps`. */
export function clientScheme(protocol: CanaryProtocol): string {
  return `client-${protocol}`;
}

/** The client endpoint schemes, one per canary protocol. */
export const CLIENT_SCHEMES: readonly string[] = CANARY_PROTOCOLS.map(clientScheme);

const CLIENT_FACT_NAMES = new Set(clientCanaryFacts.map((fact) => fact.name));

/** Reads a client endpoint's recorded facts; it never opens a connection. */
export const clientCanaryProbe: EndpointProbe = defineProbe<EndpointProbe>({
  meta: {
    id: "client-canary",
    description:
      "How the target behaves as a TLS client, from the sessions a canary listener recorded when the target connected to it (hardcheck listen, then scan --client-evidence)",
    schemes: CLIENT_SCHEMES,
    facts: clientCanaryFacts,
  },
  async collect(endpoint) {
    const facts = endpoint.recorded?.facts;
    if (!facts || !Object.keys(facts).some((name) => CLIENT_FACT_NAMES.has(name))) {
      return notApplicable(
        `no client evidence was recorded for ${endpoint.url} — point the appliance at a canary (hardcheck listen) and scan with --client-evidence`,
      );
    }
    return { facts: Object.fromEntries(Object.entries(facts).filter(([name]) => CLIENT_FACT_NAMES.has(name))) };
  },
});

/**
 * The client endpoints of a client evidence file, one per (target, listener), each with the facts
 * {@link clientFactsFrom} decides from its sessions; pass them to a scan as its `recordedEndpoints`.
 * `file` names the evidence in errors and results.
 *
 * @example
 * ```ts
 * const evidence = await readClientEvidenceFile("client-evidence.json");
 * const report = await hardcheck.scan(config, { selection: { recordedEndpoints: clientEndpointsOf(evidence, "client-evidence.json") } });
 * ```
 */
export function clientEndpointsOf(evidence: ClientEvidenceFile, file: string): RecordedEndpoint[] {
  const groups = new Map<string, { first: number; sessions: CanarySession[] }>();
  evidence.sessions.forEach((session, index) => {
    const key = `${session.target}\u0000${clientUrl(session)}`;
    const group = groups.get(key) ?? { first: index, sessions: [] };
    group.sessions.push(session);
    groups.set(key, group);
  });
  return [...groups.values()].map(({ first, sessions }) => {
    const session = sessions[0] as CanarySession;
    return {
      target: session.target,
      url: clientUrl(session),
      facts: clientFactsFrom(sessions) as unknown as Record<string, JsonValue>,
      file,
      path: `sessions[${first}]`,
    };
  });
}

/** The client endpoint URL of a session: its listener's address under the protocol's client scheme. */
function clientUrl(session: CanarySession): string {
  const address = session.listener.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  return `${clientScheme(session.protocol)}://${address}`;
}
