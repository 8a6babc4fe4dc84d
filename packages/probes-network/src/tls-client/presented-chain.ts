/**
 * Fetches the certificates a server presents, in the order it sends them, and any stapled OCSP
 * response. TLS 1.2 and older send both in clear text, so one raw hello reads them exactly; a
 * server that speaks only TLS 1.3 encrypts them, and then Node's TLS stack reads them instead
 * (which reorders the chain, so the order cannot be judged).
 */
import type { ConnectionOptions, DetailedPeerCertificate, TLSSocket } from "node:tls";
import { connect as startTlsConnection } from "node:tls";
import type { Endpoint, ProbeDeps } from "@hardcheck/core";
import { ALL_CIPHER_SUITES, type CipherSuiteInfo, cipherSuiteByCode } from "../codecs/tls/cipher-suites.js";
import { buildClientHello, versionName } from "../codecs/tls/client-hello.js";
import { type EphemeralKeyExchange, parseCertificateList, parseCertificateStatus, parseServerKeyExchange } from "../codecs/tls/server-flight.js";
import { serverNameOf } from "../connection/address.js";
import { defaultClientContext } from "../connection/client-context.js";
import { connectWithin } from "../connection/connect.js";
import { endHandshakeFraming, type NegotiatorTable } from "../connection/negotiation.js";
import { abortedError, describeSocketError } from "../connection/socket-errors.js";
import { openTlsStream } from "../connection/tls-stream.js";
import { exchangeHello } from "./exchange.js";

/** What the server presented. */
export type PresentedChain = {
  /** DER certificates, leaf first. */
  readonly certificates: readonly Buffer[];
  /** The DER OCSP response the server stapled, or null. */
  readonly stapledOcspResponse: Buffer | null;
  /** `clear-text`: read off the wire in the server's order. `node-tls`: Node's reordered view (TLS 1.3-only servers). */
  readonly source: "clear-text" | "node-tls";
  /** Protocol version of the handshake that presented them. */
  readonly protocol: string;
  /** The server's CertificateRequest, read from the clear-text flight; null when the flight was encrypted (TLS 1.3-only server). */
  readonly clientCertificateRequest: ClientCertificateRequest | null;
  /** The suite the server chose, from the clear-text ServerHello; null when read through Node's TLS. */
  readonly cipherSuite: CipherSuiteInfo | null;
  /** The ephemeral group from the clear-text ServerKeyExchange; null when there is none or the flight was encrypted. */
  readonly keyExchange: EphemeralKeyExchange | null;
};

/** What a CertificateRequest (RFC 5246 §7.4.4) says. */
export type ClientCertificateRequest = {
  /** The server asked for a client certificate during the handshake. */
  readonly requested: boolean;
  /** How many certificate authorities it named as acceptable issuers; null when not requested or not parseable. */
  readonly certificateAuthorities: number | null;
};

/** Counts the certificate_authorities of a CertificateRequest body; TLS 1.2 adds signature algorithms before them. Null for a body that does not parse. */
export function countRequestedAuthorities(body: Buffer, version: number): number | null {
  let offset = 1 + (body[0] ?? 0);
  if (version >= 0x0303) {
    if (body.length < offset + 2) return null;
    offset += 2 + body.readUInt16BE(offset);
  }
  if (body.length < offset + 2) return null;
  const end = offset + 2 + body.readUInt16BE(offset);
  if (end !== body.length) return null;
  let count = 0;
  for (offset += 2; offset < end; count++) {
    if (end < offset + 2) return null;
    offset += 2 + body.readUInt16BE(offset);
    if (offset > end) return null;
  }
  return count;
}

/** Suites with a certificate: no anonymous, PSK, SRP or Kerberos key exchange, so the server must present one. */
const CERTIFICATE_SUITES = ALL_CIPHER_SUITES.filter(
  (suite) => !suite.tls13 && !suite.classes.includes("anonymous") && !/PSK|SRP|KRB5|ECCPWD/.test(suite.name),
).map((suite) => suite.code);

/** Suites with finite-field ephemeral Diffie-Hellman and a certificate: to read the group of a server whose DH group a client refused. */
export const DHE_CERTIFICATE_SUITES = CERTIFICATE_SUITES.filter((code) => /^(TLS|SSL)_DHE_/.test(cipherSuiteByCode(code).name));

/**
 * Reads the presented chain with one handshake: two when the server refuses TLS 1.2 and older (then
 * Node's TLS reads it), or when it refuses the first hello's suites (then a hello without finite-field groups follows).
 * Connects through the scheme's negotiator in `negotiators`, if it has one. `cipherSuites` narrows
 * the offer (default: every suite with a certificate).
 */
export async function fetchPresentedChain(
  endpoint: Endpoint,
  deps: Pick<ProbeDeps, "signal" | "limits">,
  negotiators: NegotiatorTable,
  cipherSuites: readonly number[] = CERTIFICATE_SUITES,
): Promise<PresentedChain> {
  // A strict RFC 7919 server refuses a hello whose finite-field groups it does not share; the second hello leaves them out.
  for (const offerFiniteFieldGroups of [true, false]) {
    const flight = await readClearTextFlight(endpoint, deps, negotiators, cipherSuites, offerFiniteFieldGroups);
    if (flight.kind === "chain") return flight.chain;
    if (flight.kind === "not-tls12") break;
  }
  return fetchWithNodeTls(endpoint, deps, negotiators);
}

type ClearTextFlight = { kind: "chain"; chain: PresentedChain } | { kind: "refused" } | { kind: "not-tls12" };

/** One raw hello: the presented chain from a TLS 1.2-or-older answer, `refused` for a handshake_failure or insufficient_security alert, `not-tls12` for anything else. */
async function readClearTextFlight(
  endpoint: Endpoint,
  deps: Pick<ProbeDeps, "signal" | "limits">,
  negotiators: NegotiatorTable,
  cipherSuites: readonly number[],
  offerFiniteFieldGroups: boolean,
): Promise<ClearTextFlight> {
  const servername = serverNameOf(endpoint);
  const { stream, socket, address } = await openTlsStream(endpoint, deps, negotiators);
  try {
    const hello = buildClientHello({ version: "TLSv1.2", cipherSuites, servername, requestOcspStaple: true, offerFiniteFieldGroups });
    const outcome = await exchangeHello(stream, hello, { timeoutMs: deps.limits.connectTimeoutMs, signal: deps.signal, readUntil: "flight", address });
    if (outcome.kind === "answer" && outcome.answer.kind === "hello" && outcome.answer.hello.version <= 0x0303) {
      const certificateMessage = outcome.messages.find((message) => message.type === 11);
      if (!certificateMessage) throw new Error(`server presented no certificate (${address})`);
      const statusMessage = outcome.messages.find((message) => message.type === 22);
      const requestMessage = outcome.messages.find((message) => message.type === 13);
      const keyExchangeMessage = outcome.messages.find((message) => message.type === 12);
      const cipherSuite = cipherSuiteByCode(outcome.answer.hello.cipherSuite);
      const chain: PresentedChain = {
        cipherSuite,
        keyExchange: keyExchangeMessage ? parseServerKeyExchange(keyExchangeMessage.body, cipherSuite.name) : null,
        certificates: parseCertificateList(certificateMessage.body),
        stapledOcspResponse: statusMessage ? parseCertificateStatus(statusMessage.body) : null,
        source: "clear-text",
        protocol: versionName(outcome.answer.hello.version),
        clientCertificateRequest: {
          requested: requestMessage !== undefined,
          certificateAuthorities: requestMessage ? countRequestedAuthorities(requestMessage.body, outcome.answer.hello.version) : null,
        },
      };
      return { kind: "chain", chain };
    }
    const refusedSuites =
      outcome.kind === "answer" && outcome.answer.kind === "alert" && (outcome.answer.description === 40 || outcome.answer.description === 71);
    return refusedSuites ? { kind: "refused" } : { kind: "not-tls12" };
  } catch (error) {
    throw error instanceof Error && error.message.includes(address) ? error : new Error(`${describeSocketError(error)} (${address})`, { cause: error });
  } finally {
    socket.destroy();
  }
}

async function fetchWithNodeTls(endpoint: Endpoint, deps: Pick<ProbeDeps, "signal" | "limits">, negotiators: NegotiatorTable): Promise<PresentedChain> {
  const { stream, socket, address } = await openTlsStream(endpoint, deps, negotiators);
  const servername = serverNameOf(endpoint);
  try {
    let staple: Buffer | null = null;
    const tls = await connectWithin<TLSSocket>({
      start: () => {
        // requestOCSP is a TLSSocket option tls.connect passes through; Node's type definitions leave it out of ConnectionOptions.
        const options: ConnectionOptions & { requestOCSP: boolean } = {
          socket: stream,
          rejectUnauthorized: false,
          checkServerIdentity: () => undefined,
          secureContext: defaultClientContext(),
          requestOCSP: true,
          ...(servername === null ? {} : { servername }),
        };
        const started = startTlsConnection(options);
        started.on("OCSPResponse", (response: Buffer) => {
          staple = response;
        });
        return started;
      },
      readyEvent: "secureConnect",
      timeoutMs: deps.limits.connectTimeoutMs,
      signal: deps.signal,
      connected: true,
      fail: (failure) => {
        switch (failure.kind) {
          case "start":
            return new Error(`cannot start TLS to ${address}: ${describeSocketError(failure.error)}`, { cause: failure.error });
          case "error":
            return new Error(`TLS handshake failed: ${describeSocketError(failure.error)} (${address})`, { cause: failure.error });
          case "timeout":
            return new Error(`TLS handshake timed out after ${failure.timeoutMs} ms (${address})`);
          case "aborted":
            return abortedError("TLS handshake", deps.signal);
        }
      },
    });
    endHandshakeFraming(stream);
    const tlsSocket = { tls, staple: staple as Buffer | null };
    const certificates: Buffer[] = [];
    const seen = new Set<string>();
    for (
      let current: DetailedPeerCertificate | undefined = tlsSocket.tls.getPeerCertificate(true);
      current?.raw && !seen.has(current.fingerprint256);
      current = current.issuerCertificate
    ) {
      seen.add(current.fingerprint256);
      certificates.push(current.raw);
    }
    if (certificates.length === 0) throw new Error(`server presented no certificate (${address})`);
    const protocol = tlsSocket.tls.getProtocol() ?? "unknown";
    tlsSocket.tls.destroy();
    return {
      certificates,
      stapledOcspResponse: tlsSocket.staple,
      source: "node-tls",
      protocol,
      clientCertificateRequest: null,
      cipherSuite: null,
      keyExchange: null,
    };
  } finally {
    socket.destroy();
  }
}
