/** Test helpers for hardcheck probes. Types live in the hand-written `index.d.ts`. */
export { startFullBacklogServer } from "./full-backlog-server.mjs";
export { startGarbageServer, startRefusingPort, startResettingServer, startScriptedServer, startTarpitServer } from "./hostile-servers.mjs";
export { createOpensslPki } from "./openssl-pki.mjs";
export { libfaketimePath, pinnedClockEnvironment } from "./pinned-clock.mjs";
export { createTestPki } from "./pki.mjs";
export { reserveLoopbackPort, startNamespacedServer, startOpensslServer, startSmtpStartTlsFront } from "./process-servers.mjs";
export { startTlsServer } from "./tls-server.mjs";
