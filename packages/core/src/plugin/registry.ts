import { injectAll, injectable } from "tsyringe";
import type { PackSource } from "../config/pack.js";
import { HardcheckError } from "../errors.js";
import { type EndpointScheme, type EndpointSchemeTable, endpointSchemeTable } from "../model/endpoint.js";
import { type EndpointProbe, type HostProbe, isEndpointProbe, type Probe } from "./probe.js";
import type { Reporter } from "./reporter.js";
import { ENDPOINT_SCHEME, PACK_SOURCE, PROBE, REPORTER, TRANSPORT } from "./tokens.js";
import type { TransportProvider } from "./transport.js";

/** Which probe provides a fact, and for which schemes or transports. */
export interface FactProvider {
  readonly fact: string;
  readonly probe: Probe;
  readonly level: "endpoint" | "host";
}

/**
 * Everything the plugins of one instance registered, indexed for planning: probes by id and by
 * fact, reporters by format id, packs by id, transports by kind, endpoint schemes by name. Built
 * from the instance container's multi-registrations (`@injectAll`).
 */
@injectable()
export class PluginRegistry {
  readonly probes: ReadonlyMap<string, Probe>;
  readonly reporters: ReadonlyMap<string, Reporter>;
  readonly packs: ReadonlyMap<string, PackSource>;
  readonly transports: ReadonlyMap<string, TransportProvider>;
  /** The endpoint URL schemes this instance parses: the built-in ones and the plugins'. */
  readonly schemes: EndpointSchemeTable;
  readonly #factProviders = new Map<string, FactProvider[]>();

  constructor(
    @injectAll(PROBE, { isOptional: true }) probes: Probe[] = [],
    @injectAll(REPORTER, { isOptional: true }) reporters: Reporter[] = [],
    @injectAll(PACK_SOURCE, { isOptional: true }) packs: PackSource[] = [],
    @injectAll(TRANSPORT, { isOptional: true }) transports: TransportProvider[] = [],
    @injectAll(ENDPOINT_SCHEME, { isOptional: true }) schemes: EndpointScheme[] = [],
  ) {
    this.schemes = endpointSchemeTable(schemes);
    this.probes = indexById(probes, (probe) => probe.meta.id, "probe");
    this.reporters = indexById(reporters, (reporter) => reporter.id, "reporter");
    this.packs = indexById(packs, (pack) => pack.id, "pack");
    this.transports = indexById(transports, (transport) => transport.kind, "transport");
    for (const probe of probes) {
      const level = isEndpointProbe(probe) ? "endpoint" : "host";
      for (const { name } of probe.meta.facts) {
        const providers = this.#factProviders.get(name) ?? [];
        for (const other of providers) {
          if (overlaps(other.probe, probe)) {
            throw new HardcheckError(
              "HC_PLUGIN_CONFLICT",
              `fact "${name}" is provided by both probe "${other.probe.meta.id}" and probe "${probe.meta.id}" for the same schemes or transports`,
            );
          }
        }
        providers.push({ fact: name, probe, level });
        this.#factProviders.set(name, providers);
      }
    }
  }

  /** All providers of a fact (several only when they serve different schemes/transports). */
  providersOf(fact: string): readonly FactProvider[] {
    return this.#factProviders.get(fact) ?? [];
  }

  /** Every fact name some probe provides, sorted. */
  get factNames(): string[] {
    return [...this.#factProviders.keys()].sort();
  }

  /** The endpoint probe providing `fact` for `scheme`, if any. */
  endpointProviderOf(fact: string, scheme: string): EndpointProbe | undefined {
    for (const { probe } of this.providersOf(fact)) {
      if (isEndpointProbe(probe) && probe.meta.schemes.includes(scheme)) return probe;
    }
    return undefined;
  }

  /** The host probe providing `fact` over `transport` (and OS, when known), if any. */
  hostProviderOf(fact: string, transport: string, os?: string): HostProbe | undefined {
    for (const { probe } of this.providersOf(fact)) {
      if (isEndpointProbe(probe)) continue;
      if (!probe.meta.transports.includes(transport as never)) continue;
      if (os && probe.meta.os && !probe.meta.os.includes(os)) continue;
      return probe;
    }
    return undefined;
  }
}

function indexById<T>(items: readonly T[], idOf: (item: T) => string, kind: string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const id = idOf(item);
    if (map.has(id)) throw new HardcheckError("HC_PLUGIN_CONFLICT", `two plugins register a ${kind} with id "${id}"`);
    map.set(id, item);
  }
  return map;
}

function overlaps(a: Probe, b: Probe): boolean {
  if (isEndpointProbe(a) && isEndpointProbe(b)) return a.meta.schemes.some((scheme) => b.meta.schemes.includes(scheme));
  if (!isEndpointProbe(a) && !isEndpointProbe(b)) {
    const sameTransport = a.meta.transports.some((transport) => b.meta.transports.includes(transport));
    const sameOs = !a.meta.os || !b.meta.os || a.meta.os.some((os) => b.meta.os?.includes(os));
    return sameTransport && sameOs;
  }
  return false;
}
