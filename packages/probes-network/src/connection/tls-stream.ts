/** Opens one TCP connection to an endpoint and runs its scheme's negotiator: the start of every TLS probe's handshake. */
import { type Socket, connect as startTcpConnection } from "node:net";
import type { Duplex } from "node:stream";
import { type Endpoint, notApplicable, type ProbeDeps, type ProbeOutcome } from "@hardcheck/core";
import { addressOf, serverNameOf } from "./address.js";
import { connectWithin } from "./connect.js";
import { isTlsNotOffered, type NegotiatorTable } from "./negotiation.js";
import { abortedError, describeSocketError } from "./socket-errors.js";

/** Schemes that start with TLS from the first byte. */
export const IMPLICIT_TLS_SCHEMES: readonly string[] = ["tls", "https", "smtps", "ldaps", "sips"];

/**
 * Every scheme the TLS probes can assess with these negotiators: the implicit-TLS schemes, then each
 * scheme that has a negotiator, in the order they were registered.
 */
export function tlsProbeSchemes(negotiators: NegotiatorTable): readonly string[] {
  return [...new Set([...IMPLICIT_TLS_SCHEMES, ...negotiators.keys()])];
}

/** A connected stream ready for a ClientHello, and the socket under it (to destroy when done). */
export type TlsStream = {
  readonly stream: Duplex;
  readonly socket: Socket;
  /** `127.0.0.1:8443` or `[::1]:8443`, for messages. */
  readonly address: string;
};

/**
 * Connects within `limits.connectTimeoutMs`, then performs the pre-TLS negotiation `negotiators`
 * holds for the endpoint's scheme, if any (each server reply within the same timeout). Rejects
 * with a short reason; never leaves a socket open.
 */
export async function openTlsStream(endpoint: Endpoint, deps: Pick<ProbeDeps, "signal" | "limits">, negotiators: NegotiatorTable): Promise<TlsStream> {
  const address = addressOf(endpoint);
  const socket = await connectTcp(endpoint, address, deps);
  const negotiator = negotiators.get(endpoint.scheme);
  if (!negotiator) return { stream: socket, socket, address };
  try {
    const stream = await negotiator.negotiate(socket, {
      host: endpoint.host,
      port: endpoint.port,
      servername: serverNameOf(endpoint),
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

async function connectTcp(endpoint: Endpoint, address: string, deps: Pick<ProbeDeps, "signal" | "limits">): Promise<Socket> {
  const socket = await connectWithin({
    start: () => startTcpConnection({ host: endpoint.host, port: endpoint.port }),
    readyEvent: "connect",
    timeoutMs: deps.limits.connectTimeoutMs,
    signal: deps.signal,
    fail: (failure) => {
      switch (failure.kind) {
        case "start":
          return new Error(`cannot connect to ${address}: ${describeSocketError(failure.error)}`, { cause: failure.error });
        case "error":
          return new Error(describeSocketError(failure.error), { cause: failure.error });
        case "timeout":
          return new Error(`connect timed out after ${failure.timeoutMs} ms (${address})`);
        case "aborted":
          return abortedError("TCP connect", deps.signal);
      }
    },
  });
  socket.setNoDelay(true);
  return socket;
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
