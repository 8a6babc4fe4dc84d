/** What every testkit server shares: listening on loopback and closing without leftovers. */

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
