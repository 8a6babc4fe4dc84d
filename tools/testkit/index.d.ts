/** Types of `@hardcheck/testkit`, written by hand for the plain-JavaScript implementation. */
import type { SecureVersion } from "node:tls";

/** Options of {@link createTestPki}. */
export interface TestPkiOptions {
  /** Common name of the lab CA; default `hardcheck test CA`. */
  readonly caCommonName?: string;
  /** Organisation (O) written into every subject; default `hardcheck lab`. */
  readonly organization?: string;
}

/** What a leaf certificate should say. */
export interface LeafOptions {
  /** Subject CN. */
  readonly commonName: string;
  /** Subject alternative names: IP literals become IP entries, anything else DNS. */
  readonly altNames?: readonly string[];
  /** Start of validity; default one hour ago. Certificates keep whole seconds. */
  readonly notBefore?: Date;
  /** End of validity; default thirty days from now. */
  readonly notAfter?: Date;
  /** Sign with the leaf's own key instead of the lab CA's. */
  readonly selfSigned?: boolean;
}

/** An issued leaf, PEM-encoded. */
export interface IssuedLeaf {
  readonly certPem: string;
  /** PKCS#8 private key of the leaf. */
  readonly keyPem: string;
  /** What a server presents: the leaf, then the lab CA unless the leaf is self-signed. */
  readonly chainPem: string;
}

/** A lab CA and the means to issue leaves from it. */
export interface TestPki {
  /** The lab CA certificate, to trust in tests. */
  readonly caPem: string;
  /** Issues a leaf with a fresh RSA-2048 key, signed with SHA-256. */
  issueLeaf(leaf: LeafOptions): IssuedLeaf;
}

/**
 * Creates an in-memory lab CA (RSA-2048, self-signed, `basicConstraints` CA).
 *
 * @example
 * ```ts
 * const pki = createTestPki();
 * const good = pki.issueLeaf({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"] });
 * ```
 */
export function createTestPki(options?: TestPkiOptions): TestPki;

/** A server on 127.0.0.1. `close()` also destroys the connections it still holds. */
export interface LoopbackServer {
  readonly port: number;
  close(): Promise<void>;
}

/** A free port on 127.0.0.1 that nothing listens on: connects get ECONNREFUSED. */
export function startRefusingPort(): Promise<LoopbackServer>;

/** Accepts each connection and answers it with a TCP reset. */
export function startResettingServer(): Promise<LoopbackServer>;

/** Accepts connections and never sends a byte. */
export function startTarpitServer(): Promise<LoopbackServer>;

/**
 * A port whose SYNs go unanswered, as behind a filtering firewall: a listener that never accepts,
 * its accept queue filled before this resolves. Connects to it hang until they time out.
 */
export function startFullBacklogServer(): Promise<LoopbackServer>;

/** Sends `bytes` on each connection, then holds it open without reading. */
export function startGarbageServer(bytes: string | Uint8Array): Promise<LoopbackServer>;

/** Options of {@link startTlsServer}. */
export interface TlsServerOptions {
  readonly certPem: string;
  readonly keyPem: string;
  /** Presented instead of the bare leaf: leaf first, then issuers. */
  readonly chainPem?: string;
  readonly minVersion?: SecureVersion;
  readonly maxVersion?: SecureVersion;
  /** Application protocols the server can select (ALPN). */
  readonly alpnProtocols?: string[];
}

/** A TLS server on 127.0.0.1 that completes each handshake and then ends the connection. */
export function startTlsServer(options: TlsServerOptions): Promise<LoopbackServer>;
