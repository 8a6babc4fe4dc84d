/** Test helpers for hardcheck probes. Types live in the hand-written `index.d.ts`. */
export { startFullBacklogServer } from "./full-backlog-server.mjs";
export { startGarbageServer, startRefusingPort, startResettingServer, startTarpitServer } from "./hostile-servers.mjs";
export { createTestPki } from "./pki.mjs";
export { startTlsServer } from "./tls-server.mjs";
