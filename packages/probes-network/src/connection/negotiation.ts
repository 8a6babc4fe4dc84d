/**
 * The pre-TLS seam: how a probe gets from a TCP connection to a stream that carries TLS records,
 * whatever the application protocol makes a client do first (SMTP and LDAP StartTLS, TDS PRELOGIN
 * wrapping, RDP negotiation). The negotiators themselves live in `negotiators/`.
 */
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { type ReplyParser, ReplyReader } from "./reply-reader.js";
import { abortedError } from "./socket-errors.js";

/** What a negotiator knows about the connection it upgrades. */
export type NegotiationContext = {
  /** Host connected to (name or IP literal). */
  readonly host: string;
  readonly port: number;
  /** The name the TLS layer will send as SNI, or null for an IP literal. */
  readonly servername: string | null;
  /** Fires when the probe is cancelled or times out: stop and reject. */
  readonly signal: AbortSignal;
  /** Longest wait for any one server reply. */
  readonly replyTimeoutMs: number;
};

/**
 * Performs an application protocol's upgrade dance on a connected socket and hands back the stream
 * the TLS bytes travel on. Protocols that switch the socket itself to TLS (STARTTLS) return the
 * socket; protocols that wrap TLS records in their own packets (TDS PRELOGIN) return a Duplex that
 * wraps on write and unwraps on read. Either way the caller writes a ClientHello to it, or hands
 * it to `tls.connect({ socket })`.
 *
 * Reject with {@link NegotiationError} when the server does not offer the upgrade. A wrapping Duplex
 * that must stop wrapping once the handshake is over implements {@link HandshakeFramedStream}.
 *
 * @example
 * ```ts
 * const starttlsOnly: PreTlsNegotiator = {
 *   id: "example",
 *   description: "sends STARTTLS and waits for OK",
 *   async negotiate(socket, context) { await exchangeLine(socket, "STARTTLS", /^OK/, context); return socket; },
 * };
 * registerNegotiator(context, "example", starttlsOnly);
 * ```
 */
export interface PreTlsNegotiator {
  /** Short id used in messages (`smtp-starttls`). */
  readonly id: string;
  readonly description: string;
  negotiate(socket: Socket, context: NegotiationContext): Promise<Duplex>;
  /**
   * For a protocol whose servers may also speak TLS from the first byte (TDS 8.0 strict): true when
   * this negotiation failure means "try once more on a new connection, TLS first".
   */
  implicitTlsFallback?(error: unknown): boolean;
}

/**
 * A negotiated stream that carries the TLS handshake inside the application protocol's packets and
 * TLS records bare after it (TDS: PRELOGIN packets during the handshake, raw TLS from LOGIN7 on).
 * Probes that complete a handshake call {@link endHandshakeFraming} once it is done; probes that
 * only read the server's first flight never do, and the stream frames to the end.
 */
export interface HandshakeFramedStream {
  /** From now on, bytes pass through unframed in both directions. */
  endHandshakeFraming(): void;
}

/**
 * Tells a negotiated stream that the TLS handshake over it has completed (after `secureConnect`).
 * Streams that frame nothing (STARTTLS sockets) ignore it.
 */
export function endHandshakeFraming(stream: Duplex): void {
  const framed = stream as Duplex & Partial<HandshakeFramedStream>;
  if (typeof framed.endHandshakeFraming === "function") framed.endHandshakeFraming();
}

/** The server refused or did not understand the upgrade; the message says which step failed. */
export class NegotiationError extends Error {
  /** Stable code for reports and tests. */
  readonly code = "HC_TLS_NEGOTIATION";

  constructor(negotiatorId: string, message: string, options?: { cause?: unknown }) {
    super(`${negotiatorId}: ${message}`, options);
    this.name = "NegotiationError";
  }
}

/**
 * The server answered the upgrade clearly and said no: it has no TLS on this port (no STARTTLS in
 * EHLO, ENCRYPT_NOT_SUP, standard RDP security only). The TLS probes report such an endpoint as
 * not applicable — there is no TLS to assess, and the protocol's own rules carry the finding —
 * while every other negotiation failure stays an error.
 */
export class TlsNotOfferedError extends NegotiationError {
  override readonly name = "TlsNotOfferedError";
}

/** Whether `error`, or an error it wraps, is a {@link TlsNotOfferedError}. */
export function isTlsNotOffered(error: unknown): error is Error {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof TlsNotOfferedError) return true;
  }
  return false;
}

/**
 * The negotiators one instance knows, by the scheme they upgrade: what the TLS probes run over.
 * Built from the registrations of `registerNegotiator`; schemes without one start with TLS.
 */
export type NegotiatorTable = ReadonlyMap<string, PreTlsNegotiator>;

/** Longest reply a negotiator accepts; a server sending more is not speaking the protocol. */
export const MAX_NEGOTIATION_REPLY_BYTES = 64 * 1024;

/**
 * Reads one reply from the raw socket: `parse` gets everything received so far and returns the
 * reply with its length once complete (null while short; it throws {@link NegotiationError} on
 * nonsense). Bytes after the reply are pushed back onto the socket, so the TLS layer sees exactly
 * what the server sent next. Ends on the reply timeout, the probe's signal, a close or an error.
 */
export async function readNegotiationReply<T>(
  socket: Socket,
  context: NegotiationContext,
  negotiatorId: string,
  step: string,
  parse: ReplyParser<T>,
): Promise<T> {
  const reader = new ReplyReader(socket);
  try {
    return await reader.read(parse, {
      timeoutMs: context.replyTimeoutMs,
      signal: context.signal,
      maxBytes: MAX_NEGOTIATION_REPLY_BYTES,
      fail: (failure) => {
        switch (failure.kind) {
          case "malformed":
            return failure.error instanceof Error ? failure.error : new NegotiationError(negotiatorId, `${step}: ${String(failure.error)}`);
          case "too-long":
            return new NegotiationError(negotiatorId, `${step}: reply longer than ${failure.maxBytes} bytes`);
          case "closed":
            return failure.end.how === "error"
              ? new NegotiationError(negotiatorId, `${step}: ${failure.end.error.message}`, { cause: failure.end.error })
              : new NegotiationError(negotiatorId, `${step}: server closed the connection before answering`);
          case "timeout":
            return new NegotiationError(negotiatorId, `${step}: no reply within ${failure.timeoutMs} ms`);
          case "aborted":
            return abortedError(`${negotiatorId} ${step}`, context.signal);
        }
      },
    });
  } finally {
    reader.release();
  }
}
