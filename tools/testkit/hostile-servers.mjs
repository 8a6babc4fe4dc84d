/**
 * Loopback servers that misbehave on purpose, for testing that probes time out and fail cleanly.
 * Each listens on 127.0.0.1 with an ephemeral port and returns `{ port, close() }`; `close()` also
 * destroys the connections it still holds, so a test's afterAll never waits on a socket.
 */
import { createServer } from "node:net";
import { closeServer, freePortBelowEphemeral, listenOnLoopback } from "./loopback.mjs";

/**
 * A port on 127.0.0.1 that nothing listens on, so connects are refused (ECONNREFUSED).
 * The port is found by listening briefly and closing again, below the ephemeral range.
 *
 * @returns {Promise<import("./loopback.mjs").LoopbackServer>}
 */
export async function startRefusingPort() {
  return { port: await freePortBelowEphemeral(), close: async () => {} };
}

/**
 * Accepts each connection and answers it with a TCP reset.
 *
 * @returns {Promise<import("./loopback.mjs").LoopbackServer>}
 */
export function startResettingServer() {
  return startScriptedServer((socket) => socket.resetAndDestroy());
}

/**
 * Accepts connections and never sends a byte: the behaviour of a tarpit or a hung service.
 *
 * @returns {Promise<import("./loopback.mjs").LoopbackServer>}
 */
export function startTarpitServer() {
  return startScriptedServer(() => {});
}

/**
 * Sends `bytes` on each connection, then holds it open without reading.
 *
 * @param {string | Uint8Array} bytes What to send, e.g. an SSH banner where TLS is expected.
 * @returns {Promise<import("./loopback.mjs").LoopbackServer>}
 */
export function startGarbageServer(bytes) {
  return startScriptedServer((socket) => socket.write(bytes));
}

/**
 * A loopback server that hands each connection to `onConnection`, for tests that script a protocol's
 * answers byte by byte; it tracks every connection so `close()` leaves none behind.
 *
 * @param {(socket: import("node:net").Socket) => void} onConnection
 * @returns {Promise<import("./loopback.mjs").LoopbackServer>}
 */
export async function startScriptedServer(onConnection) {
  /** @type {Set<import("node:net").Socket>} */
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // The client hanging up mid-write is expected here, not a test failure.
    socket.on("error", () => {});
    onConnection(socket);
  });
  const port = await listenOnLoopback(server);
  return { port, close: () => closeServer(server, sockets) };
}
