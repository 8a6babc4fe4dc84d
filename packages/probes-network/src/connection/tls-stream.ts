/** Opens one TCP connection to an endpoint and runs its scheme's negotiator: the start of every TLS probe's handshake. */
import { isIP, type Socket, connect as startTcpConnection } from "node:net";
import type { Duplex } from "node:stream";
import { type Endpoint, notApplicable, type ProbeDeps, type ProbeOutcome } from "@hardcheck/core";
import { abortedError, describeSocketError } from "../support/socket-errors.js";
import { ldapStartTls } from "./ldap-starttls.js";
import { isTlsNotOffered, negotiatorForScheme, registerNegotiator } from "./negotiator.js";
import { rdpTls } from "./rdp-tls.js";
import { smtpStartTls } from "./smtp-starttls.js";
import { tdsPreloginTls } from "./tds-prelogin-tls.js";

registerNegotiator("smtp", smtpStartTls);
registerNegotiator("ldap", ldapStartTls);
registerNegotiator("mssql", tdsPreloginTls);
registerNegotiator("rdp", rdpTls);

/** Schemes that start with TLS from the first byte. */
const IMPLICIT_TLS = ["tls", "https", "smtps", "ldaps", "sips"] as const;

/** Every scheme the TLS probes can assess: implicit-TLS schemes, then those with a built-in negotiator. */
export const TLS_PROBE_SCHEMES: readonly string[] = [...IMPLICIT_TLS, "smtp", "ldap", "mssql", "rdp"];

/** A connected stream ready for a ClientHello, and the socket under it (to destroy when done). */
export type TlsStream = {
  readonly stream: Duplex;
  readonly socket: Socket;
  /** `127.0.0.1:8443` or `[::1]:8443`, for messages. */
  readonly address: string;
};

/** The SNI name for an endpoint: its server name, else its host unless that is an IP literal (RFC 6066 forbids those). */
export function sniNameOf(endpoint: Endpoint): string | null {
  const name = endpoint.servername ?? endpoint.host;
  return isIP(name) === 0 ? name : null;
}

/** `host:port`, bracketing IPv6 literals. */
export function addressOf(endpoint: Endpoint): string {
  return endpoint.host.includes(":") ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

/**
 * Connects within `limits.connectTimeoutMs`, then performs the scheme's pre-TLS negotiation (each
 * server reply within the same timeout). Rejects with a short reason; never leaves a socket open.
 */
export async function openTlsStream(endpoint: Endpoint, deps: Pick<ProbeDeps, "signal" | "limits">): Promise<TlsStream> {
  const address = addressOf(endpoint);
  const socket = await connectTcp(endpoint, address, deps);
  const negotiator = negotiatorForScheme(endpoint.scheme);
  if (!negotiator) return { stream: socket, socket, address };
  try {
    const stream = await negotiator.negotiate(socket, {
      host: endpoint.host,
      port: endpoint.port,
      servername: sniNameOf(endpoint),
      signal: deps.signal,
      replyTimeoutMs: deps.limits.connectTimeoutMs,
    });
    return { stream, socket, address };
  } catch (error) {
    socket.destroy();
    if (negotiator.implicitTlsFallback?.(error)) {
      const retry = await connectTcp(endpoint, address, deps);
      return { stream: retry, socket: retry, address };
    }
    throw error instanceof Error ? new Error(`${error.message} (${address})`, { cause: error }) : error;
  }
}

function connectTcp(endpoint: Endpoint, address: string, deps: Pick<ProbeDeps, "signal" | "limits">): Promise<Socket> {
  const { signal } = deps;
  const timeoutMs = deps.limits.connectTimeoutMs;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortedError("TCP connect", signal));
      return;
    }
    let socket: Socket;
    try {
      socket = startTcpConnection({ host: endpoint.host, port: endpoint.port });
    } catch (error) {
      reject(new Error(`cannot connect to ${address}: ${describeSocketError(error)}`, { cause: error }));
      return;
    }
    // Whoever reads the socket next adds its own listener; until then a late reset must not become an uncaught exception.
    socket.on("error", () => {});
    const finish = (settle: () => void, keep: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.off("error", onError);
      if (!keep) socket.destroy();
      settle();
    };
    const onAbort = () => finish(() => reject(abortedError("TCP connect", signal)), false);
    const onError = (error: Error) => finish(() => reject(new Error(describeSocketError(error), { cause: error })), false);
    const timer = setTimeout(() => finish(() => reject(new Error(`connect timed out after ${timeoutMs} ms (${address})`)), false), timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("error", onError);
    socket.once("connect", () => {
      socket.setNoDelay(true);
      finish(() => resolve(socket), true);
    });
  });
}

/**
 * Runs a TLS probe's collection. When the server clearly answered that it has no TLS on this port
 * (a `TlsNotOfferedError` from its negotiator), the endpoint is not applicable, with the
 * server's answer as the reason; every other failure is still thrown.
 */
export async function unlessTlsNotOffered(collect: () => Promise<ProbeOutcome>): Promise<ProbeOutcome> {
  try {
    return await collect();
  } catch (error) {
    if (isTlsNotOffered(error)) return notApplicable(`no TLS to assess: ${(error as Error).message}`);
    throw error;
  }
}
