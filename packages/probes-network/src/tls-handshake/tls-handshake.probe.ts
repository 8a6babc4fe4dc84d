/** One TLS handshake, reported as facts: protocol, cipher, certificate, name match, trust, chain. */
import type { X509Certificate } from "node:crypto";
import { type ConnectionOptions, type DetailedPeerCertificate, connect as startTlsConnection, type TLSSocket } from "node:tls";
import { defineFacts, type Endpoint, type EndpointProbe, type FactsOf, type JsonObject, notApplicable, type ProbeDeps } from "@hardcheck/core";
import { z } from "zod";
import type { EphemeralKeyExchange } from "../codecs/tls/server-flight.js";
import { addressOf, serverNameOf } from "../connection/address.js";
import { defaultClientContext } from "../connection/client-context.js";
import { connectWithin } from "../connection/connect.js";
import { endHandshakeFraming, type NegotiatorTable } from "../connection/negotiation.js";
import { abortedError, describeSocketError } from "../connection/socket-errors.js";
import { openTlsStream, unlessTlsNotOffered } from "../connection/tls-stream.js";
import { BUILTIN_NEGOTIATOR_TABLE } from "../negotiators/builtin.js";
import { certificateNamesHost, distinguishedName, keyBits, type ParsedCertificate, parseCertificate } from "../support/certificate-details.js";
import { judgeChain } from "../tls-chain/chain-judgement.js";
import { CHAIN_FAILURES, type ChainFailure } from "../tls-chain/chain-validators.js";
import { DHE_CERTIFICATE_SUITES, fetchPresentedChain, type PresentedChain } from "../tls-client/presented-chain.js";
import { defineTlsProbe, type TlsProbeFactory } from "../tls-client/tls-probe.js";

/** Application protocols offered by default, per scheme; other schemes offer none. */
const DEFAULT_ALPN: Readonly<Record<string, readonly string[]>> = { https: ["h2", "http/1.1"] };

/** `tls.handshake`: what was negotiated. */
export type TlsHandshakeFact = {
  /** `TLSv1.3`, `TLSv1.2`, … */
  protocol: string;
  /** OpenSSL cipher name, e.g. `ECDHE-RSA-AES256-GCM-SHA384`. */
  cipher: string;
  /** IANA cipher name, e.g. `TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`. */
  cipherStandardName: string;
  /** Application protocol the server selected, or null when none was offered or selected. */
  alpn: string | null;
  /** Server name sent (SNI); null when connecting to an IP literal without a server name. */
  servername: string | null;
  /**
   * `node-tls`: Node's handshake completed. `server-flight`: Node's TLS refused the server (an old
   * protocol, a broken suite, a weak DH group), so the facts come from the server's clear-text flight
   * to a hello offering every suite up to TLS 1.2 — what the server negotiates with a client that
   * accepts anything.
   */
  source: "node-tls" | "server-flight";
  /** Why Node's TLS refused the server (`dh key too small`, `unsupported protocol`, …); null when it did not. */
  clientRefusal: string | null;
  /** The ephemeral key exchange: finite-field `DH` (with the prime size) or `ECDH` (with the curve); null for none (static RSA, TLS 1.3 resumption). */
  keyExchange: EphemeralKeyExchange | null;
  /** Size of the finite-field DH group in bits; null when the key exchange is not finite-field DH. */
  dhBits: number | null;
};

/** `tls.leaf`: the server's own certificate. */
export type TlsLeafFact = {
  /** Distinguished name, most specific first: `CN=portal.example,O=Example,C=DE`. */
  subject: string;
  issuer: string;
  /** As Node.js prints them (`DNS:portal.example`, `IP Address:10.0.0.5`), sorted. */
  subjectAltNames: string[];
  /** ISO-8601 timestamps. */
  notBefore: string;
  notAfter: string;
  /** Upper-case hex. */
  serialNumber: string;
  /** SHA-256 of the DER certificate, upper-case hex pairs joined by colons. */
  fingerprintSha256: string;
  /** Issuer equals subject and the signature verifies with the certificate's own key. */
  selfSigned: boolean;
  /** `rsa`, `rsa-pss`, `ec`, `ed25519`, `ed448`, `dsa`. */
  keyType: string;
  /** Modulus length (RSA, DSA), curve size (EC, EdDSA); null when unknown. */
  keyBits: number | null;
};

/** `tls.hostname`: whether the leaf names the host that was asked for. */
export type TlsHostnameFact = {
  /** The name checked: the endpoint's server name, else its host. */
  name: string;
  matches: boolean;
};

/** `tls.trust`: the outcome of chain validation against the configured trust anchors, at the scan's time. */
export type TlsTrustFact = {
  trusted: boolean;
  /**
   * Why untrusted — the same verdict as `tls.chainValidation.failure`: `expired`, `not-yet-valid`, `bad-signature`,
   * `unknown-issuer`, `self-signed`, `issuer-not-ca`, `weak-signature`, `weak-key`, `not-for-server-auth`; null when trusted.
   */
  error: ChainFailure | null;
  /** The reason in words, naming the certificate concerned; null when trusted. */
  detail: string | null;
};

/** One certificate of `tls.chain`. */
export type TlsChainCertificate = {
  subject: string;
  issuer: string;
  fingerprintSha256: string;
};

/** The facts `tls-handshake` produces, each with its schema and meaning. */
export const tlsHandshakeFacts = defineFacts({
  "tls.handshake": {
    description:
      "Negotiated protocol, cipher (OpenSSL and IANA names), ALPN protocol, the server name sent, source (node-tls, or server-flight when Node's TLS refused the server), Node's refusal, the ephemeral key exchange and DH group size",
    schema: z.object({
      protocol: z.string(),
      cipher: z.string(),
      cipherStandardName: z.string(),
      alpn: z.string().nullable(),
      servername: z.string().nullable(),
      source: z.enum(["node-tls", "server-flight"]),
      clientRefusal: z.string().nullable(),
      keyExchange: z.object({ type: z.enum(["DH", "ECDH"]), name: z.string().nullable(), bits: z.number().nullable() }).nullable(),
      dhBits: z.number().nullable(),
    }) satisfies z.ZodType<TlsHandshakeFact>,
  },
  "tls.leaf": {
    description:
      "Server certificate: subject, issuer, subjectAltNames, notBefore/notAfter (ISO-8601), serial, SHA-256 fingerprint, selfSigned, keyType, keyBits",
    schema: z.object({
      subject: z.string(),
      issuer: z.string(),
      subjectAltNames: z.array(z.string()),
      notBefore: z.string(),
      notAfter: z.string(),
      serialNumber: z.string(),
      fingerprintSha256: z.string(),
      selfSigned: z.boolean(),
      keyType: z.string(),
      keyBits: z.number().nullable(),
    }) satisfies z.ZodType<TlsLeafFact>,
  },
  "tls.hostname": {
    description: "`{ name, matches }` — the name checked (the endpoint's server name, else its host) and whether the leaf names it.",
    schema: z.object({ name: z.string(), matches: z.boolean() }) satisfies z.ZodType<TlsHostnameFact>,
  },
  "tls.trust": {
    description:
      "`{ trusted, error, detail }` — the chain judgement `tls-chain` reports too (`tls-chain/chain-judgement.ts`), at the scan's time; `error` is the reason (`expired`, `not-yet-valid`, `bad-signature`, `unknown-issuer`, `self-signed`, `issuer-not-ca`, `weak-signature`, `weak-key`, `not-for-server-auth`) or `null`, `detail` the reason in words naming the certificate.",
    schema: z.object({
      trusted: z.boolean(),
      error: z.enum(CHAIN_FAILURES).nullable(),
      detail: z.string().nullable(),
    }) satisfies z.ZodType<TlsTrustFact>,
  },
  "tls.chain": {
    description:
      "`[{ subject, issuer, fingerprintSha256 }]` — the validation path: leaf first, each next certificate the issuer of the one before, ending at the trust anchor when one issued it.",
    schema: z.array(z.object({ subject: z.string(), issuer: z.string(), fingerprintSha256: z.string() }) satisfies z.ZodType<TlsChainCertificate>),
  },
});
/** The facts `tls-handshake` produces, as the collector checks them. */
export type TlsHandshakeFacts = FactsOf<typeof tlsHandshakeFacts>;

/**
 * Performs one TLS handshake with the endpoint and reports what the server negotiated and presented.
 * Certificate problems are facts. When Node's TLS refuses the server (an old protocol or suite, a
 * weak group or key), the facts come from the server's clear-text flight instead; a server that
 * sends none, a timeout or an abort is an error.
 *
 * Parameters: `alpnProtocols` (array of strings) overrides the application protocols offered
 * (default `h2`, `http/1.1` for https, none otherwise).
 */
export const createTlsHandshakeProbe: TlsProbeFactory = defineTlsProbe({
  meta: {
    id: "tls-handshake",
    description:
      "Performs one TLS handshake (after the scheme's pre-TLS negotiation, if any) and reports the negotiated protocol and cipher, the leaf certificate, name match, trust and chain; reads them from the server's clear-text flight when Node's TLS refuses the server.",
    facts: tlsHandshakeFacts,
  },
  collect: (endpoint, params, deps, reach) =>
    unlessTlsNotOffered(async () => {
      if (!reach.schemes.includes(endpoint.scheme)) {
        return notApplicable(`${endpoint.scheme} has no TLS handshake hardcheck can reach`);
      }
      const nameToCheck = endpoint.servername ?? endpoint.host;
      const servername = serverNameOf(endpoint);
      const alpnProtocols = offeredAlpnProtocols(endpoint.scheme, params);
      const options: ConnectionOptions = {
        host: endpoint.host,
        port: endpoint.port,
        // Trust is judged by hardcheck at the scan's time (tls.trust), so no certificate may end the handshake.
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
        secureContext: defaultClientContext(),
        ...(servername === null ? {} : { servername }),
        ...(alpnProtocols.length === 0 ? {} : { ALPNProtocols: [...alpnProtocols] }),
      };
      const address = addressOf(endpoint);
      const session = { nameToCheck, servername, deps, negotiators: reach.negotiators };
      try {
        if (reach.negotiators.has(endpoint.scheme)) {
          // The negotiator's socket is already connected and upgraded; TLS starts on it, so host/port would be ignored anyway.
          const negotiated = await openTlsStream(endpoint, deps, reach.negotiators);
          try {
            const socket = await handshake({ ...options, socket: negotiated.stream }, address, deps);
            endHandshakeFraming(negotiated.stream);
            try {
              return { facts: describeSession(socket, session) };
            } finally {
              socket.destroy();
            }
          } finally {
            negotiated.socket.destroy();
          }
        }
        const socket = await handshake(options, address, deps);
        try {
          return { facts: describeSession(socket, session) };
        } finally {
          socket.destroy();
        }
      } catch (error) {
        if (!(error instanceof TlsRefusal)) throw error;
        return { facts: await describeServerFlight(endpoint, error, session) };
      }
    }),
});

/** `tls-handshake` over the built-in negotiators; instances build theirs with {@link createTlsHandshakeProbe}. */
export const tlsHandshakeProbe: EndpointProbe = createTlsHandshakeProbe(BUILTIN_NEGOTIATOR_TABLE);

/** Node's TLS ended a handshake the server had answered: the server speaks TLS, but something Node refuses. */
class TlsRefusal extends Error {
  constructor(
    readonly reason: string,
    cause: unknown,
  ) {
    super(`TLS handshake failed: ${reason}`, { cause });
    this.name = "TlsRefusal";
  }
}

type SessionContext = { nameToCheck: string; servername: string | null; deps: ProbeDeps; negotiators: NegotiatorTable };

/**
 * The facts from the server's clear-text flight (TLS 1.2 and older send the certificates in clear),
 * when Node's TLS refused the server: so a certificate verdict never depends on whether Node can
 * finish a handshake. A server that sends no clear-text flight keeps Node's error.
 */
async function describeServerFlight(endpoint: Endpoint, refusal: TlsRefusal, session: SessionContext): Promise<TlsHandshakeFacts> {
  let flight: PresentedChain;
  try {
    flight = await fetchPresentedChain(endpoint, session.deps, session.negotiators);
    // The group Node refused may not be the one a hello offering every suite gets; ask for it directly.
    if (/dh key too small/i.test(refusal.reason) && flight.keyExchange?.type !== "DH") {
      const dheFlight = await fetchPresentedChain(endpoint, session.deps, session.negotiators, DHE_CERTIFICATE_SUITES).catch(() => null);
      if (dheFlight?.keyExchange?.type === "DH") flight = dheFlight;
    }
  } catch (flightError) {
    // Not TLS at all, or TLS 1.3 only: Node's own reason says it best.
    if (session.deps.signal.aborted) throw flightError;
    throw refusal;
  }
  if (flight.source !== "clear-text" || flight.cipherSuite === null) throw refusal;
  const certificates = flight.certificates.map(parseCertificate);
  return {
    "tls.handshake": {
      protocol: flight.protocol,
      // The raw flight knows the suite by its IANA name only.
      cipher: flight.cipherSuite.name,
      cipherStandardName: flight.cipherSuite.name,
      alpn: null,
      servername: session.servername,
      source: "server-flight",
      clientRefusal: refusal.reason,
      keyExchange: flight.keyExchange,
      dhBits: flight.keyExchange?.type === "DH" ? flight.keyExchange.bits : null,
    },
    ...describeCertificates(certificates, session),
  };
}

function offeredAlpnProtocols(scheme: string, params: JsonObject): readonly string[] {
  const requested = params.alpnProtocols;
  if (requested === undefined) return DEFAULT_ALPN[scheme] ?? [];
  if (!Array.isArray(requested) || !requested.every((protocol) => typeof protocol === "string" && protocol.length > 0)) {
    throw new Error('parameter alpnProtocols must be an array of protocol names, e.g. ["h2", "http/1.1"]');
  }
  return requested as string[];
}

/**
 * Connects and completes the handshake within the connect timeout, or rejects with a short message.
 * The timeout covers TCP connect and handshake together, so a tarpit that accepts and stays silent
 * cannot hold the probe.
 */
function handshake(options: ConnectionOptions, address: string, deps: ProbeDeps): Promise<TLSSocket> {
  return connectWithin({
    start: () => startTlsConnection(options),
    readyEvent: "secureConnect",
    timeoutMs: deps.limits.connectTimeoutMs,
    signal: deps.signal,
    // A handshake over a negotiated stream starts connected: no "connect" event will come.
    connected: options.socket !== undefined,
    fail: (failure) => {
      switch (failure.kind) {
        case "start":
          // Invalid options (a port out of range, say) throw here rather than emit "error".
          return new Error(`cannot start TLS to ${address}: ${describeSocketError(failure.error)}`, { cause: failure.error });
        case "error":
          return failure.connected
            ? new TlsRefusal(describeSocketError(failure.error), failure.error)
            : new Error(describeSocketError(failure.error), { cause: failure.error });
        case "timeout":
          return new Error(`${failure.connected ? "TLS handshake timed out" : "connect timed out"} after ${failure.timeoutMs} ms (${address})`);
        case "aborted":
          return abortedError("TLS handshake", deps.signal);
      }
    },
  });
}

function describeSession(socket: TLSSocket, session: SessionContext): TlsHandshakeFacts {
  const peer = socket.getPeerCertificate(true);
  // Node.js returns an empty object, not null, when the server sent no certificate.
  if (!peer?.raw) throw new Error("server presented no certificate");
  const cipher = socket.getCipher();
  const alpn = socket.alpnProtocol;
  const ephemeral = socket.getEphemeralKeyInfo();
  const keyExchange: EphemeralKeyExchange | null =
    ephemeral && "type" in ephemeral && (ephemeral.type === "DH" || ephemeral.type === "ECDH")
      ? { type: ephemeral.type, name: ephemeral.name ?? null, bits: ephemeral.size ?? null }
      : null;
  return {
    "tls.handshake": {
      protocol: socket.getProtocol() ?? "unknown",
      cipher: cipher.name,
      cipherStandardName: cipher.standardName,
      alpn: typeof alpn === "string" ? alpn : null,
      servername: session.servername,
      source: "node-tls",
      clientRefusal: null,
      keyExchange,
      dhBits: keyExchange?.type === "DH" ? keyExchange.bits : null,
    },
    ...describeCertificates(peerCertificates(peer), session),
  };
}

/** Leaf, name, trust and chain facts from the certificates the server presented (leaf first), whichever way they were read. */
function describeCertificates(certificates: readonly ParsedCertificate[], session: SessionContext): Omit<TlsHandshakeFacts, "tls.handshake"> {
  const leaf = certificates[0];
  if (!leaf) throw new Error("server presented no certificate");
  const judgement = judgeChain(certificates, session.deps.trust, session.deps.clock.now());
  return {
    "tls.leaf": describeLeaf(leaf.x509),
    "tls.hostname": { name: session.nameToCheck, matches: certificateNamesHost(leaf.x509, session.nameToCheck) },
    "tls.trust": { trusted: judgement.trusted, error: judgement.failure, detail: judgement.failureDetail },
    "tls.chain": judgement.fullPath.map((certificate) => ({
      subject: certificate.details.subject,
      issuer: certificate.details.issuer,
      fingerprintSha256: certificate.details.fingerprintSha256,
    })),
  };
}

function describeLeaf(leaf: X509Certificate): TlsLeafFact {
  const key = leaf.publicKey;
  return {
    subject: distinguishedName(leaf.subject),
    issuer: distinguishedName(leaf.issuer),
    subjectAltNames: splitSubjectAltNames(leaf.subjectAltName).sort(),
    notBefore: isoFromOpenSslDate(leaf.validFrom),
    notAfter: isoFromOpenSslDate(leaf.validTo),
    serialNumber: leaf.serialNumber.toUpperCase(),
    fingerprintSha256: leaf.fingerprint256,
    // Not checkIssued alone: OpenSSL refuses a leaf as its own issuer when its keyUsage lacks keyCertSign.
    selfSigned: (leaf.issuer === leaf.subject || leaf.checkIssued(leaf)) && leaf.verify(key),
    keyType: key.asymmetricKeyType ?? "unknown",
    keyBits: keyBits(key.asymmetricKeyType, key.asymmetricKeyDetails),
  };
}

/** The certificates Node received, leaf first, stopping where an issuer repeats (a self-signed root points at itself). */
function peerCertificates(leaf: DetailedPeerCertificate): ParsedCertificate[] {
  const certificates: ParsedCertificate[] = [];
  const seen = new Set<string>();
  for (let current: DetailedPeerCertificate | undefined = leaf; current?.raw; current = current.issuerCertificate) {
    if (seen.has(current.fingerprint256)) break;
    seen.add(current.fingerprint256);
    certificates.push(parseCertificate(current.raw));
  }
  return certificates;
}

/** Splits Node's `DNS:a, IP Address:b` list; entries with special characters come JSON-quoted and may contain ", ". */
function splitSubjectAltNames(printed: string | undefined): string[] {
  if (!printed) return [];
  const entries: string[] = [];
  let current = "";
  let quoted = false;
  for (let index = 0; index < printed.length; index++) {
    const character = printed[index];
    if (character === "\\" && quoted) {
      current += character + (printed[index + 1] ?? "");
      index++;
    } else if (character === '"') {
      quoted = !quoted;
      current += character;
    } else if (character === "," && !quoted && printed[index + 1] === " ") {
      entries.push(current);
      current = "";
      index++;
    } else {
      current += character;
    }
  }
  if (current.length > 0) entries.push(current);
  return entries;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Parses OpenSSL's `Mar  5 08:09:10 2027 GMT` exactly, rather than trusting Date's lenient parser. */
export function isoFromOpenSslDate(printed: string): string {
  const match = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(printed);
  const month = match ? MONTHS.indexOf(match[1] ?? "") : -1;
  if (!match || month < 0) throw new Error(`unexpected certificate date "${printed}"`);
  const [day, hours, minutes, seconds, year] = match.slice(2).map(Number) as [number, number, number, number, number];
  return new Date(Date.UTC(year, month, day, hours, minutes, seconds)).toISOString();
}
