/**
 * `startCanary`: canary listeners on the ports the technician chose, one {@link CanarySession}
 * recorded per connection. What `hardcheck listen` runs, and what a scan can run for a bounded window.
 */
import { createServer, type Server, type Socket } from "node:net";
import { type Clock, systemClock } from "@hardcheck/core";
import { describeSocketError } from "../connection/socket-errors.js";
import { type CanaryCertificates, createCanaryCertificates, type SiteChain } from "./certificates.js";
import { CanaryConversation, type SessionEnd, SessionEnded } from "./conversation.js";
import {
  CANARY_CERTIFICATES,
  type CanaryCertificate,
  type CanaryProtocol,
  type CanarySession,
  type ClientEvidenceFile,
  canarySessionSchema,
  clientEvidenceFileSchema,
} from "./evidence.js";
import { httpsCanary } from "./https-canary.js";
import { ldapCanary } from "./ldap-canary.js";
import { startRevocationResponder } from "./revocation-responder.js";
import { sipCanary } from "./sip-canary.js";
import { smtpCanary } from "./smtp-canary.js";
import { tdsCanary } from "./tds-canary.js";

/** Default bound of one session: the client's own close, or this many milliseconds. */
export const DEFAULT_SESSION_TIMEOUT_MS = 15_000;

/** The protocols {@link startCanary} can listen for today. */
export const LISTENING_PROTOCOLS: readonly CanaryProtocol[] = ["smtp", "smtps", "ldap", "ldaps", "https", "tds", "sips"];

/** The certificates a canary can present, in the order `hardcheck listen --certificates` documents them. */
export const PRESENTABLE_CERTIFICATES: readonly CanaryCertificate[] = CANARY_CERTIFICATES;

/**
 * The evidence file `hardcheck listen` writes: the sessions in the order they started, validated
 * against the file's schema (a session that does not fit it is a bug, not evidence).
 */
export function clientEvidenceDocument(sessions: readonly CanarySession[], recordedAt: Date): ClientEvidenceFile {
  // A stable sort: sessions that started at the same instant keep the order they ended in.
  const sorted = [...sessions].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  return clientEvidenceFileSchema.parse({ kind: "hardcheck-client-evidence", version: 1, recordedAt: recordedAt.toISOString(), sessions: sorted });
}

/** One listener: a protocol on an address the technician chose. */
export type CanaryListenerSpec = {
  readonly protocol: CanaryProtocol;
  /** Address to bind; the canary listens only there (e.g. `127.0.0.1`, or the one interface the appliance reaches). */
  readonly host: string;
  /** 0 for an ephemeral port (tests). */
  readonly port: number;
};

/** What {@link startCanary} needs. */
export type CanaryOptions = {
  /** The target (appliance) every session is recorded for. */
  readonly target: string;
  readonly listeners: readonly CanaryListenerSpec[];
  /** Certificates presented in turn, one per connection on each listener; default `["site"]`. */
  readonly certificates?: readonly CanaryCertificate[];
  /** Names (host names, IP literals) the appliance uses to reach the canary; the trusted leaves carry them. Default: the listener addresses and `localhost`. */
  readonly names?: readonly string[];
  /** The site's chain for `site`; the canary CA issues one when absent. */
  readonly site?: SiteChain;
  /** Where "now" comes from (certificate validity, session times); the system clock when absent. */
  readonly clock?: Clock;
  /** Bound of one session in milliseconds; default {@link DEFAULT_SESSION_TIMEOUT_MS}. */
  readonly sessionTimeoutMs?: number;
  /** Address and port of the revocation responder; default the first listener's address and an ephemeral port. */
  readonly revocationResponder?: { readonly host: string; readonly port: number };
  /** Called with each session once it ended. */
  readonly onSession?: (session: CanarySession) => void;
};

/** A listener as bound. */
export type BoundCanaryListener = {
  readonly protocol: CanaryProtocol;
  /** `smtp://127.0.0.1:2525`: the `listener` of its sessions. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
};

/** Running canary listeners. */
export type Canary = {
  readonly listeners: readonly BoundCanaryListener[];
  /** The canary CA (PEM), for the appliance's trust store when it should trust `site`. */
  readonly caPem: string;
  /** The chain (PEM, leaf first) presented for each certificate: public, for the technician's records. */
  readonly chains: Readonly<Record<CanaryCertificate, string>>;
  /** Base URL of the revocation responder (`http://127.0.0.1:PORT`). */
  readonly revocationUrl: string;
  /** Sessions ended so far, in the order they ended. */
  readonly sessions: readonly CanarySession[];
  /** Stops listening, ends the sessions still open (as `timeout`) and resolves once every one is recorded. */
  close(): Promise<void>;
};

const hostPort = (host: string, port: number) => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`);

/** Session state the revocation responder marks while the session is open. */
type OpenSession = { readonly conversation: CanaryConversation; ocspRequested: boolean; crlFetched: boolean };

/**
 * Starts the listeners; sessions are recorded as clients come and go.
 *
 * @example
 * ```ts
 * const canary = await startCanary({ target: "concierge", listeners: [{ protocol: "smtp", host: "127.0.0.1", port: 2525 }],
 *   certificates: ["self-signed", "wrong-host", "expired", "site"] });
 * // … the appliance's "test connection", once per certificate …
 * await canary.close();
 * const facts = clientFactsFrom(canary.sessions);
 * ```
 */
export async function startCanary(options: CanaryOptions): Promise<Canary> {
  const clock = options.clock ?? systemClock;
  const rotation = options.certificates && options.certificates.length > 0 ? [...options.certificates] : (["site"] as CanaryCertificate[]);
  const sessionTimeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
  for (const listener of options.listeners) {
    if (!LISTENING_PROTOCOLS.includes(listener.protocol))
      throw new Error(`no canary listener for ${listener.protocol} yet (available: ${LISTENING_PROTOCOLS.join(", ")})`);
  }
  const first = options.listeners[0];
  if (first === undefined) throw new Error("startCanary needs at least one listener");
  const names = options.names ?? [...new Set(["localhost", ...options.listeners.map((listener) => listener.host)])];
  const greetingName = names.find((name) => /[a-z]/i.test(name) && !name.includes(":")) ?? "hardcheck-canary";
  const sessions: CanarySession[] = [];
  const open = new Set<OpenSession>();
  const running = new Set<Promise<void>>();
  const controller = new AbortController();

  const responder = await startRevocationResponder({
    host: options.revocationResponder?.host ?? first.host,
    port: options.revocationResponder?.port ?? 0,
    now: () => clock.now(),
    onRequest: ({ kind }) => {
      const mark = (session: { ocspRequested: boolean; crlFetched: boolean }) => {
        if (kind === "ocsp") session.ocspRequested = true;
        else session.crlFetched = true;
      };
      const current = [...open].filter((session) => session.conversation.certificate === "revocation");
      if (current.length > 0) for (const session of current) mark(session);
      else {
        // Asked after the session ended (some clients check revocation once the connection is closed): the latest one.
        const index = sessions.findLastIndex((session) => session.certificate === "revocation");
        const latest = sessions[index];
        if (latest) {
          const marked = { ...latest };
          mark(marked);
          sessions[index] = marked;
        }
      }
    },
  });
  let certificates: CanaryCertificates;
  try {
    certificates = createCanaryCertificates({ now: clock.now(), names, site: options.site, revocationBaseUrl: responder.baseUrl });
  } catch (error) {
    await responder.close();
    throw error;
  }
  responder.arm(certificates.caSigner, certificates.revokedSerial);

  const servers: Server[] = [];
  const bound: BoundCanaryListener[] = [];

  const converse = async (listener: BoundCanaryListener, socket: Socket, certificate: CanaryCertificate) => {
    socket.on("error", () => {});
    const startedAt = clock.now();
    const peer = hostPort(socket.remoteAddress ?? "?", socket.remotePort ?? 0);
    const conversation = new CanaryConversation(socket, listener.protocol, certificate, certificates.chains[certificate], {
      deadline: performance.now() + sessionTimeoutMs,
      signal: controller.signal,
    });
    // However a handler waits, the socket goes at the bound.
    const hardStop = setTimeout(() => conversation.destroy(), sessionTimeoutMs + 2_000);
    const state: OpenSession = { conversation, ocspRequested: false, crlFetched: false };
    open.add(state);
    let endedBy: SessionEnd = "client-close";
    try {
      if (listener.protocol === "smtp" || listener.protocol === "smtps") await smtpCanary(conversation, greetingName);
      else if (listener.protocol === "ldap" || listener.protocol === "ldaps") await ldapCanary(conversation);
      else if (listener.protocol === "sips") await sipCanary(conversation);
      else if (listener.protocol === "tds") await tdsCanary(conversation);
      else await httpsCanary(conversation);
    } catch (error) {
      if (error instanceof SessionEnded) endedBy = error.endedBy;
      else {
        endedBy = "error";
        conversation.note("-", `session ended: ${describeSocketError(error)}`);
      }
    } finally {
      clearTimeout(hardStop);
      conversation.destroy();
      open.delete(state);
    }
    const session = canarySessionSchema.parse({
      listener: listener.url,
      protocol: listener.protocol,
      target: options.target,
      peer,
      certificate,
      startedAt: startedAt.toISOString(),
      endedAt: clock.now().toISOString(),
      endedBy,
      hello: conversation.hello,
      upgraded: conversation.upgraded,
      credentialsBeforeTls: conversation.credentialsBeforeTls,
      handshakeCompleted: conversation.handshakeCompleted,
      continuedAfterHandshake: conversation.continuedAfterHandshake,
      clientAlert: conversation.clientAlert,
      ocspRequested: state.ocspRequested,
      crlFetched: state.crlFetched,
      transcript: conversation.transcript,
    });
    sessions.push(session);
    options.onSession?.(session);
  };

  try {
    for (const spec of options.listeners) {
      let connections = 0;
      const listener: { current?: BoundCanaryListener } = {};
      const server = createServer((socket) => {
        const current = listener.current;
        if (current === undefined || controller.signal.aborted) return void socket.destroy();
        const certificate = rotation[connections++ % rotation.length] as CanaryCertificate;
        const done = converse(current, socket, certificate).finally(() => running.delete(done));
        running.add(done);
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(spec.port, spec.host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      servers.push(server);
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : spec.port;
      listener.current = { protocol: spec.protocol, host: spec.host, port, url: `${spec.protocol}://${hostPort(spec.host, port)}` };
      bound.push(listener.current);
    }
  } catch (error) {
    for (const server of servers) server.close();
    await responder.close();
    throw error;
  }

  let closing: Promise<void> | null = null;
  return {
    listeners: bound,
    caPem: certificates.caPem,
    chains: Object.fromEntries(Object.entries(certificates.chains).map(([name, chain]) => [name, chain.chainPem])) as Record<CanaryCertificate, string>,
    revocationUrl: responder.baseUrl,
    sessions,
    close() {
      closing ??= (async () => {
        // Stop accepting first; close() resolves only once the open sessions, cut by the abort, are gone.
        const stopped = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
        controller.abort();
        await Promise.all([...running]);
        await Promise.all(stopped);
        await responder.close();
      })();
      return closing;
    },
  };
}
