/** The TLS client context of Node.js's defaults, made once and shared by the handshakes that judge trust themselves. */
import { createSecureContext, type SecureContext } from "node:tls";

let shared: SecureContext | undefined;

/**
 * Node.js's default client context, created on first use. The probes that complete a handshake with
 * Node's TLS (`tls-handshake`, the chain reader's fallback) set `rejectUnauthorized: false` and
 * judge the chain themselves, so every one of them would build the same context: about 0.3 ms of CPU
 * each, per connection. What differs per connection (server name, ALPN, OCSP request) is the
 * socket's, not the context's, and a client never resumes a session unless handed one.
 */
export function defaultClientContext(): SecureContext {
  shared ??= createSecureContext();
  return shared;
}
