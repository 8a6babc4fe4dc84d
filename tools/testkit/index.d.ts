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

/**
 * Hands each connection to `onConnection` (errors on it are swallowed), for tests that script a
 * protocol's answers; `close()` destroys every connection it still holds.
 */
export function startScriptedServer(onConnection: (socket: import("node:net").Socket) => void): Promise<LoopbackServer>;

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
  /** OpenSSL cipher list for TLS 1.2 and older; Node's default (with static-RSA and CBC suites) otherwise. */
  readonly ciphers?: string;
}

/** A TLS server on 127.0.0.1 that completes each handshake and then ends the connection. */
export function startTlsServer(options: TlsServerOptions): Promise<LoopbackServer>;

/** What one leaf of {@link createOpensslPki} should be. */
export interface OpensslLeafSpec {
  readonly commonName: string;
  /** DNS names and IP literals for subjectAltName. */
  readonly altNames?: readonly string[];
  /** `rsa` (shared RSA-2048 key, default), `ec` (P-256), `rsa1024` and `rsa512` (too small on purpose). */
  readonly key?: "rsa" | "ec" | "rsa1024" | "rsa512";
  readonly digest?: "sha256" | "sha1" | "md5";
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Self-signed instead of issued by the intermediate. */
  readonly selfSigned?: boolean;
  /** extendedKeyUsage value; default `serverAuth`. */
  readonly extendedKeyUsage?: string;
  /** Revoke (keyCompromise) in the CA database right after issuing. */
  readonly revoke?: boolean;
  /** OCSP responder URL for this leaf instead of the lab responder's (to point one at a hostile server); null names none. */
  readonly ocspUrl?: string | null;
  /** CRL distribution point instead of `http://127.0.0.1:<crlPort>/lab.crl`; null names none. */
  readonly crlUrl?: string | null;
}

/** Files of one issued leaf. */
export interface OpensslLeaf {
  readonly certPath: string;
  readonly keyPath: string;
  /** Leaf then intermediate (leaf only when self-signed). */
  readonly chainPath: string;
  readonly certPem: string;
}

/** A lab PKI on disk, made with the openssl CLI. */
export interface OpensslPki {
  readonly dir: string;
  readonly rootPath: string;
  readonly rootPem: string;
  readonly intermediatePath: string;
  readonly intermediatePem: string;
  /** The intermediate's private key (to sign OCSP responses as the issuer itself). */
  readonly intermediateKeyPath: string;
  /** A self-signed certificate with the intermediate's subject on another key: signs forged OCSP responses. */
  readonly impostor: { readonly certPath: string; readonly keyPath: string };
  /** The `openssl ca` database `openssl ocsp -index` answers from. */
  readonly indexPath: string;
  /** Delegated OCSP responder certificate (EKU OCSPSigning, issued by the intermediate) and its key. */
  readonly ocspSigner: { readonly certPath: string; readonly keyPath: string };
  readonly leaves: Readonly<Record<string, OpensslLeaf>>;
  /** Signs an OCSP response for a leaf with the OCSP signer; returns the DER file's path (for `s_server -status_file`). */
  makeOcspResponse(leafName: string): string;
  /**
   * A DER CRL of the CA database (`openssl ca -gencrl`), valid for `days` (default 3650), signed by the
   * intermediate or, with `signer: "impostor"`, by another key under its name; returns the file's path.
   */
  makeCrl(options?: { readonly days?: number; readonly signer?: "issuer" | "impostor" }): string;
  /** Deletes the folder. */
  remove(): void;
}

/**
 * Creates root, intermediate (an `openssl ca` database), OCSP signer and the given leaves, each
 * leaf naming `http://127.0.0.1:<ocspPort>/` as its OCSP responder.
 *
 * @example
 * ```ts
 * const pki = createOpensslPki({ ocspPort, leaves: { good: { commonName: "localhost", altNames: ["localhost", "127.0.0.1"] } } });
 * ```
 */
export function createOpensslPki(options: {
  readonly ocspPort: number;
  /** Port of the default CRL distribution point `http://127.0.0.1:<crlPort>/lab.crl`; default `ocspPort`. */
  readonly crlPort?: number;
  readonly leaves: Readonly<Record<string, OpensslLeafSpec>>;
}): OpensslPki;

/** A server run as a child process. */
export interface ProcessServer extends LoopbackServer {
  readonly pid: number;
  /** TCP connections relayed so far (namespaced servers); -1 where not counted. */
  connections(): number;
}

/** A port on 127.0.0.1 that was free a moment ago. */
export function reserveLoopbackPort(): Promise<number>;

/** `openssl s_server -www` on 127.0.0.1; `args` adds options such as `["-cipher", "ALL:@SECLEVEL=0"]`. */
export function startOpensslServer(options: {
  readonly certPath: string;
  readonly keyPath: string;
  readonly chainPath?: string;
  readonly args?: readonly string[];
}): Promise<ProcessServer>;

/**
 * Runs a server that binds every interface (gnutls-serv, openssl ocsp) inside `unshare --net --pid`
 * and relays 127.0.0.1 to it through a Unix socket.
 */
export function startNamespacedServer(options: {
  readonly command: string;
  readonly args: readonly string[];
  /** Port the server listens on inside the namespace. */
  readonly innerPort: number;
  /** Fixed port on 127.0.0.1; ephemeral by default. */
  readonly outerPort?: number;
}): Promise<ProcessServer>;

/** An SMTP front that answers EHLO (with STARTTLS unless `offerStartTls: false`) and relays the connection to `tlsPort` after STARTTLS. */
export function startSmtpStartTlsFront(options: { readonly tlsPort: number; readonly offerStartTls?: boolean }): Promise<LoopbackServer>;

/** The path of libfaketime.so.1; throws, naming the Debian package to install, when it is missing. */
export function libfaketimePath(): string;

/**
 * The variables that start a child's clock at `instant` (read as UTC when it names no zone) and let it
 * run: `LD_PRELOAD` (libfaketime, without the `faketime` wrapper and its per-run semaphore), `FAKETIME`
 * and `TZ=UTC`. Merge them over an environment that holds no outer libfaketime of its own.
 */
export function pinnedClockEnvironment(instant: string | Date): { readonly LD_PRELOAD: string; readonly FAKETIME: string; readonly TZ: "UTC" };
