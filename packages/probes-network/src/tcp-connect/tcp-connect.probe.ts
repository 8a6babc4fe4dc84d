/** Whether a TCP port accepts connections, and how long the TCP handshake takes. */
import { isIP, connect as openTcpConnection } from "node:net";
import { performance } from "node:perf_hooks";
import { defineFacts, defineProbe, type EndpointProbe, type FactsOf, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import { abortedError, describeSocketError, errorCode } from "../connection/socket-errors.js";

/** Every endpoint scheme that runs over TCP. */
export const TCP_SCHEMES = ["tls", "https", "http", "smtp", "smtps", "ldap", "ldaps", "mssql", "rdp", "sips", "sip", "tcp"] as const;

/** What a connect attempt tells about a port, in the words port scanners use. */
export type TcpState = "open" | "closed" | "filtered";

/**
 * Connect errors that describe the port rather than a failure of the probe. Anything else
 * (a DNS failure, say) is an error: the probe could not find out.
 */
const STATE_OF_CONNECT_ERROR: Readonly<Record<string, TcpState>> = {
  ECONNREFUSED: "closed",
  // Linux reports a reset in SYN_SENT as ECONNREFUSED; ECONNRESET means the handshake completed and the listener then reset it.
  ECONNRESET: "open",
  EHOSTUNREACH: "filtered",
  ENETUNREACH: "filtered",
  ETIMEDOUT: "filtered",
};

/** The port state a connect error code stands for, or undefined when the error says nothing about the port. */
export function tcpStateOfConnectError(code: string | undefined): TcpState | undefined {
  return code === undefined ? undefined : STATE_OF_CONNECT_ERROR[code];
}

/** The facts `tcp-connect` produces, each with its schema and meaning. */
export const tcpConnectFacts = defineFacts({
  "tcp.state": {
    description:
      "`open`: the TCP handshake completed. `closed`: the connection was refused (ECONNREFUSED). `filtered`: no answer within `limits.connectTimeoutMs`, or the host or network is unreachable (EHOSTUNREACH, ENETUNREACH, ETIMEDOUT).",
    schema: z.enum(["open", "closed", "filtered"]) satisfies z.ZodType<TcpState>,
  },
  "tcp.latencyMs": {
    description: "Time from connect to completed handshake in milliseconds, rounded to 0.1 ms, DNS lookup excluded. `null` unless `open`.",
    schema: z.number().nullable(),
  },
});
/** The facts `tcp-connect` produces, as the collector checks them. */
export type TcpConnectFacts = FactsOf<typeof tcpConnectFacts>;

/**
 * Opens one TCP connection to the endpoint and closes it at once. A closed or filtered port is a
 * fact, not an error.
 */
export const tcpConnectProbe: EndpointProbe = defineProbe({
  meta: {
    id: "tcp-connect",
    description: "Opens one TCP connection to learn whether the port is open, closed or filtered, and how fast it answers.",
    schemes: TCP_SCHEMES,
    facts: tcpConnectFacts,
  },
  async collect(endpoint, _params, deps) {
    if (!(TCP_SCHEMES as readonly string[]).includes(endpoint.scheme)) return notApplicable(`${endpoint.scheme} does not run over TCP`);
    const facts = await measureTcpConnect(endpoint.host, endpoint.port, deps.limits.connectTimeoutMs, deps.signal);
    return { facts };
  },
});

/** Connects once and classifies the outcome; rejects only when the attempt says nothing about the port. */
function measureTcpConnect(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<TcpConnectFacts> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortedError("TCP connect", signal));
      return;
    }
    let settled = false;
    let resolved = isIP(host) !== 0;
    let started = performance.now();
    const socket = openTcpConnection({ host, port });
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      finish();
    };
    const onAbort = () => settle(() => reject(abortedError("TCP connect", signal)));
    const timer = setTimeout(() => {
      // Silence from DNS is not silence from the port.
      if (!resolved) settle(() => reject(new Error(`DNS lookup of ${host} timed out after ${timeoutMs} ms`)));
      else settle(() => resolve({ "tcp.state": "filtered", "tcp.latencyMs": null }));
    }, timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("lookup", (error: Error | null) => {
      if (error) return;
      resolved = true;
      started = performance.now();
    });
    socket.once("connect", () => {
      const latencyMs = roundToTenth(performance.now() - started);
      settle(() => resolve({ "tcp.state": "open", "tcp.latencyMs": latencyMs }));
    });
    // Stays attached after settling: a late error on a destroyed socket must not become an uncaught exception.
    socket.on("error", (error) => {
      const state = tcpStateOfConnectError(errorCode(error));
      const latencyMs = state === "open" ? roundToTenth(performance.now() - started) : null;
      if (state) settle(() => resolve({ "tcp.state": state, "tcp.latencyMs": latencyMs }));
      else settle(() => reject(new Error(describeSocketError(error), { cause: error })));
    });
  });
}

function roundToTenth(milliseconds: number): number {
  return Math.round(milliseconds * 10) / 10;
}
