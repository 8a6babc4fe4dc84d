/** A TLS server on 127.0.0.1 that completes each handshake and then ends the connection. */
import { createServer } from "node:tls";
import { closeServer, listenOnLoopback } from "./loopback.mjs";

/**
 * @typedef {object} TlsServerOptions
 * @property {string} certPem The leaf certificate.
 * @property {string} keyPem The leaf's private key.
 * @property {string} [chainPem] What to present instead of the bare leaf (leaf first, then issuers).
 * @property {import("node:tls").SecureVersion} [minVersion] Lowest protocol to accept.
 * @property {import("node:tls").SecureVersion} [maxVersion] Highest protocol to accept.
 * @property {string[]} [alpnProtocols] Application protocols the server can select.
 * @property {string} [ciphers] OpenSSL cipher list for TLS 1.2 and older (Node's default otherwise, which includes static-RSA and CBC suites).
 */

/**
 * Starts the server. `close()` destroys open connections too, so tests never hang on it.
 *
 * @param {TlsServerOptions} options
 * @returns {Promise<import("./loopback.mjs").LoopbackServer>}
 */
export async function startTlsServer(options) {
  /** @type {Set<import("node:net").Socket>} */
  const sockets = new Set();
  const server = createServer(
    {
      key: options.keyPem,
      cert: options.chainPem ?? options.certPem,
      ...(options.minVersion ? { minVersion: options.minVersion } : {}),
      ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
      ...(options.alpnProtocols ? { ALPNProtocols: options.alpnProtocols } : {}),
      ...(options.ciphers ? { ciphers: options.ciphers } : {}),
    },
    (tlsSocket) => {
      tlsSocket.on("error", () => {});
      tlsSocket.end();
    },
  );
  // Track raw connections (not only completed handshakes) so close() also frees half-open ones.
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  });
  // Clients that abort or fail the handshake are what probe tests are about; they are not server errors.
  server.on("tlsClientError", () => {});
  const port = await listenOnLoopback(server);
  return { port, close: () => closeServer(server, sockets) };
}
