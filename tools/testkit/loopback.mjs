/** What every testkit server shares: listening on loopback and closing without leftovers. */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/**
 * @typedef {object} LoopbackServer
 * @property {number} port The port on 127.0.0.1.
 * @property {() => Promise<void>} close Stops listening and destroys every open connection.
 */

/**
 * Listens on 127.0.0.1 with an ephemeral port and resolves with that port.
 *
 * @param {import("node:net").Server} server
 * @returns {Promise<number>}
 */
export function listenOnLoopback(server) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string") reject(new Error("server has no TCP address"));
      else resolve(address.port);
    });
  });
}

/**
 * Closes a server and destroys the connections it still holds.
 *
 * @param {import("node:net").Server} server
 * @param {Set<import("node:net").Socket>} sockets
 * @returns {Promise<void>}
 */
export function closeServer(server, sockets) {
  return new Promise((resolve) => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}

/**
 * A port on 127.0.0.1 that nothing listened on a moment ago, chosen at random from below the
 * kernel's ephemeral range: ports that servers on port 0 and outgoing connections get are never
 * handed out from there, so the port stays free until the caller binds it (or keeps refusing).
 *
 * @returns {Promise<number>}
 */
export async function freePortBelowEphemeral() {
  const low = ephemeralRangeStart();
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = 10_000 + Math.floor(Math.random() * (low - 10_000));
    const server = createServer();
    const free = await new Promise((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(candidate, "127.0.0.1", () => resolve(true));
    });
    if (!free) continue;
    await new Promise((resolve) => server.close(() => resolve(undefined)));
    return candidate;
  }
  throw new Error("no free port on 127.0.0.1 below the ephemeral range");
}

/** First port of the kernel's ephemeral range (32768 when it cannot be read). */
function ephemeralRangeStart() {
  try {
    const first = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 11_000 ? first : 32_768;
  } catch {
    return 32_768;
  }
}
