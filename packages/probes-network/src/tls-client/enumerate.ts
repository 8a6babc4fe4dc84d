/**
 * Finds the versions and suites a server accepts with the fewest handshakes the protocol allows:
 * per version, offer every suite not found yet, take the one the server picks out, repeat until it
 * refuses — one handshake per accepted suite plus one refusal — then one more handshake to learn
 * whether the server or the client decides the order. Versions are scanned side by side.
 */

import { ALL_CIPHER_SUITES, cipherSuiteByCode } from "../codecs/tls/cipher-suites.js";
import { buildClientHello, TLS_VERSIONS, type TlsVersionName, VERSION_CODES, versionName } from "../codecs/tls/client-hello.js";
import type { TlsStream } from "../connection/tls-stream.js";
import { exchangeHello, type HelloOutcome } from "./exchange.js";

/** What one version's scan found. */
export type VersionScanResult = {
  readonly version: TlsVersionName;
  readonly accepted: boolean;
  /** Accepted suites: in the server's order when it enforces one, else in the order they were found. */
  readonly suites: readonly number[];
  /** True: the server picks by its own order; false: it follows the client's; null: fewer than two suites. */
  readonly serverPreference: boolean | null;
  /** Why the scan of this version stopped: an alert name, a closed connection, or a lower version answered. */
  readonly refusal: string | null;
};

/** The whole scan. */
export type EnumerationResult = {
  readonly versions: readonly VersionScanResult[];
  /** ClientHellos sent (each on its own TCP connection). */
  readonly handshakes: number;
};

/** Inputs of {@link enumerateVersionsAndSuites}. */
export type EnumerationOptions = {
  /** Opens a fresh connection ready for a ClientHello (after any STARTTLS-style negotiation). */
  readonly openStream: () => Promise<TlsStream>;
  readonly servername: string | null;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Versions to scan; all by default. */
  readonly versions?: readonly TlsVersionName[];
};

/** A handshake_failure or insufficient_security alert: the server speaks the version but took none of the offer. */
function refusedSuites(outcome: HelloOutcome): boolean {
  return outcome.kind === "answer" && outcome.answer.kind === "alert" && (outcome.answer.description === 40 || outcome.answer.description === 71);
}

/** Suites a version can negotiate: TLS 1.3 has its own five; older versions everything else. */
function candidateSuites(version: TlsVersionName): number[] {
  const tls13 = version === "TLSv1.3";
  return ALL_CIPHER_SUITES.filter((suite) => suite.tls13 === tls13).map((suite) => suite.code);
}

/**
 * Scans the versions and suites a server accepts.
 *
 * @example
 * ```ts
 * const result = await enumerateVersionsAndSuites({ openStream: () => openTlsStream(endpoint, deps), servername: null, timeoutMs: 2000, signal });
 * ```
 */
export async function enumerateVersionsAndSuites(options: EnumerationOptions): Promise<EnumerationResult> {
  let handshakes = 0;
  const offer = async (version: TlsVersionName, cipherSuites: readonly number[], offerFiniteFieldGroups = true): Promise<HelloOutcome> => {
    handshakes++;
    const { stream, socket, address } = await options.openStream();
    try {
      const hello = buildClientHello({ version, cipherSuites, servername: options.servername, offerFiniteFieldGroups });
      return await exchangeHello(stream, hello, { timeoutMs: options.timeoutMs, signal: options.signal, readUntil: "answer", address });
    } finally {
      socket.destroy();
    }
  };

  const scanVersion = async (version: TlsVersionName): Promise<VersionScanResult & { answered: boolean }> => {
    const remaining = candidateSuites(version);
    const found: number[] = [];
    let refusal: string | null = null;
    let answered = false;
    let offerFiniteFieldGroups = true;
    while (remaining.length > 0) {
      let outcome = await offer(version, remaining, offerFiniteFieldGroups);
      if (found.length === 0 && offerFiniteFieldGroups && version !== "TLSv1.3" && version !== "SSLv3" && refusedSuites(outcome)) {
        // A strict RFC 7919 server refuses DHE when it shares none of the offered finite-field groups, where it would use its own group otherwise (SSL 3.0 hellos carry no groups).
        const retried = await offer(version, remaining, false);
        if (retried.kind === "answer" && retried.answer.kind === "hello") {
          offerFiniteFieldGroups = false;
          outcome = retried;
        }
      }
      if (outcome.kind === "closed") {
        refusal = outcome.reason;
        break;
      }
      answered = true;
      const { answer } = outcome;
      if (answer.kind === "alert") {
        refusal = answer.name;
        break;
      }
      if (answer.hello.version !== VERSION_CODES[version]) {
        refusal = `server answered with ${versionName(answer.hello.version)}`;
        break;
      }
      const index = remaining.indexOf(answer.hello.cipherSuite);
      if (index < 0) {
        throw new Error(`server chose ${cipherSuiteByCode(answer.hello.cipherSuite).name}, which was not offered in its ${version} hello — a broken TLS stack`);
      }
      remaining.splice(index, 1);
      found.push(answer.hello.cipherSuite);
    }
    let serverPreference: boolean | null = null;
    const [first, second] = found;
    if (first !== undefined && second !== undefined) {
      // Offer the server's first two picks reversed: a server that still picks the first decides the order itself.
      const outcome = await offer(version, [second, first], offerFiniteFieldGroups);
      if (outcome.kind === "answer" && outcome.answer.kind === "hello") serverPreference = outcome.answer.hello.cipherSuite === first;
    }
    return { version, accepted: found.length > 0, suites: found, serverPreference, refusal: found.length > 0 ? null : refusal, answered };
  };

  const versions = await Promise.all((options.versions ?? TLS_VERSIONS).map(scanVersion));
  if (!versions.some((version) => version.accepted)) {
    const reasons = [...new Set(versions.map((version) => version.refusal ?? "no answer"))].join("; ");
    const detail = versions.some((version) => version.answered) ? "refused every protocol version" : "answered no ClientHello";
    throw new Error(`server ${detail} (${reasons}) — is TLS enabled on this port?`);
  }
  return { versions: versions.map(({ answered: _answered, ...result }) => result), handshakes };
}
