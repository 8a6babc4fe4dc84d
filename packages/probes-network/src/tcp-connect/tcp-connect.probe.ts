/** Whether a TCP port accepts connections, and how long the TCP handshake takes. */
import { isIP, connect as openTcpConnection } from "node:net";
import { performance } from "node:perf_hooks";
import { defineProbe, type EndpointProbe, notApplicable } from "@hardcheck/core";
import { abortedError, describeSocketError, errorCode } from "../connection/socket-errors.js";

/** Every endpoint scheme that runs over TCP. */
export const TCP_SCHEMES = ["tls", "https", "http", "smtp", "smtps", "ldap", "ldaps", "mssql", "rdp", "sips", "sip", "tcp"] as const;

/** What a connect attempt tells about a port, in the words port scanners use. */
export type TcpState = "open" | "closed" | "filtered";

/** The facts `tcp-connect` produces. */
export type TcpConnectFacts = {
  /** `open`: the handshake completed; `closed`: refused; `filtered`: no answer in time, or unreachable. */
  "tcp.state": TcpState;
  /** Time from starting the connect to the completed handshake in ms (0.1 ms steps), DNS excluded; null unless open. */
  "tcp.latencyMs": number | null;
};

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

/**
 * Opens one TCP connection to the endpoint and closes it at once. A closed or filtered port is a
 * fact, not an error.
 */
export const tcpConnectProbe: EndpointProbe = defineProbe({
  meta: {
    id: "tcp-connect",
    description: "Opens one TCP connection to learn whether the port is open, closed or filtered, and how fast it answers.",
    schemes: TCP_SCHEMES,
    facts: [
      { name: "tcp.state", description: '"open", "closed" (connection refused) or "filtered" (no answer within the connect timeout, or unreachable)' },
      { name: "tcp.latencyMs", description: "TCP handshake time in milliseconds, rounded to 0.1 ms; null unless the port is open" },
    ],
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
