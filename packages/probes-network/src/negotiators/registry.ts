/** How plugins tell an instance's TLS probes which negotiator upgrades which scheme. */
import type { PluginContext } from "@hardcheck/core";
import type { NegotiatorTable, PreTlsNegotiator } from "../connection/negotiation.js";

/** One registration: the scheme and the negotiator that upgrades it. */
export type NegotiatorRegistration = {
  readonly scheme: string;
  readonly negotiator: PreTlsNegotiator;
};

/** An instance's DI container, as plugins and probe factories receive it. */
type InstanceContainer = PluginContext["container"];

/** Injection token under which every pre-TLS negotiator is registered (by value, as a {@link NegotiatorRegistration}) in an instance's container. */
export const NEGOTIATOR: symbol = Symbol.for("hardcheck.network.negotiator");

/**
 * Makes this instance's TLS probes (handshake, versions and suites, chain, OCSP) run over `scheme`
 * after `negotiator`'s upgrade. The scheme must be known to the instance too
 * (`context.registerScheme`). Registering a scheme twice replaces the earlier negotiator.
 *
 * @example
 * ```ts
 * export function register(context: PluginContext) {
 *   context.registerScheme({ name: "imap", defaultPort: 143 });
 *   registerNegotiator(context, "imap", imapStartTls);
 * }
 * ```
 */
export function registerNegotiator(context: PluginContext, scheme: string, negotiator: PreTlsNegotiator): void {
  if (typeof negotiator?.negotiate !== "function" || !negotiator.id) {
    throw new Error(`negotiator for scheme "${scheme}" needs an id and a negotiate function`);
  }
  context.container.register(NEGOTIATOR, { useValue: { scheme, negotiator } });
}

/** Negotiators by scheme, from registrations in order (a later registration of a scheme wins). */
export function negotiatorTable(registrations: readonly NegotiatorRegistration[]): NegotiatorTable {
  return new Map(registrations.map(({ scheme, negotiator }) => [scheme, negotiator]));
}

/** The negotiators of the instance whose container this is. */
export function registeredNegotiators(container: InstanceContainer): NegotiatorTable {
  return negotiatorTable(container.isRegistered(NEGOTIATOR, true) ? container.resolveAll<NegotiatorRegistration>(NEGOTIATOR) : []);
}
