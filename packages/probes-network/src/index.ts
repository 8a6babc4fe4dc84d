/**
 * `@hardcheck/probes-network` — probes that need only a socket.
 *
 * @packageDocumentation
 */
import type { PluginContext, Probe } from "@hardcheck/core";
import { tcpConnectProbe } from "./tcp-connect/tcp-connect.probe.js";
import { tlsHandshakeProbe } from "./tls-handshake/tls-handshake.probe.js";

export type { TcpConnectFacts, TcpState } from "./tcp-connect/tcp-connect.probe.js";
export { tcpConnectProbe } from "./tcp-connect/tcp-connect.probe.js";
export type {
  TlsChainCertificate,
  TlsHandshakeFact,
  TlsHandshakeFacts,
  TlsHostnameFact,
  TlsLeafFact,
  TlsTrustFact,
} from "./tls-handshake/tls-handshake.probe.js";
export { tlsHandshakeProbe } from "./tls-handshake/tls-handshake.probe.js";

/** The probes this package provides. */
export const probes: readonly Probe[] = [tcpConnectProbe, tlsHandshakeProbe];

/**
 * Registers this package's probes with a hardcheck instance.
 *
 * @example
 * ```ts
 * import { register as networkProbes } from "@hardcheck/probes-network";
 * const hardcheck = await Hardcheck.create({ plugins: [networkProbes], config });
 * ```
 */
export function register(context: PluginContext): void {
  for (const probe of probes) context.registerProbe(probe);
}
