/**
 * A request/reply conversation over one TCP (or TLS) connection, shared by the protocol probes
 * (SMTP, TDS, RDP, SIP): connect within the connect timeout, read framed replies each within the
 * reply timeout, refuse oversized replies, and always leave the socket destroyed.
 */
import { type Socket, connect as startTcpConnection } from "node:net";
import { type ConnectionOptions, connect as startTlsConnection, type TLSSocket } from "node:tls";
import type { Endpoint, ProbeDeps } from "@hardcheck/core";
import { addressOf, serverNameOf } from "./address.js";
import { type ConnectFailure, connectWithin } from "./connect.js";
import { DEFAULT_MAX_REPLY_BYTES, describeConnectionEnd, type ReplyFailure, ReplyReader } from "./reply-reader.js";
import { abortedError, describeSocketError } from "./socket-errors.js";

/** Decides whether the buffered bytes hold one complete reply: its length, `null` to wait for more; throws for bytes that cannot be this protocol. */
export type ReplyFramer = (buffered: Buffer) => number | null;

/** A protocol-level failure a probe reports as its `error` reason. */
export class WireProtocolError extends Error {
  /** Stable code for reports and tests. */
  readonly code = "HC_PROTOCOL";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WireProtocolError";
  }
}

/** Options of {@link WireSession.open}. */
export type WireSessionOptions = {
  /** Start with TLS (implicit TLS schemes). */
  readonly tls?: ConnectionOptions;
  /** Longest reply accepted before the server is called hostile; default 64 KiB. */
  readonly maxReplyBytes?: number;
};

/** One connection and the bytes received on it that no reply has consumed yet. */
export class WireSession {
  #socket: Socket;
  #reader: ReplyReader;
  readonly #deps: Pick<ProbeDeps, "signal" | "limits">;
  readonly #maxReplyBytes: number;
  /** `host:port` for messages. */
  readonly address: string;

  private constructor(socket: Socket, address: string, deps: Pick<ProbeDeps, "signal" | "limits">, maxReplyBytes: number) {
    this.#socket = socket;
    this.#reader = new ReplyReader(socket);
    this.address = address;
    this.#deps = deps;
    this.#maxReplyBytes = maxReplyBytes;
  }

  /** Connects (and, for implicit TLS, completes the handshake) within the connect timeout. */
  static async open(endpoint: Endpoint, deps: Pick<ProbeDeps, "signal" | "limits">, options: WireSessionOptions = {}): Promise<WireSession> {
    const address = addressOf(endpoint);
    const operation = `${options.tls ? "TLS" : "TCP"} connect to ${address}`;
    const socket = await connectWithin<Socket>({
      start: () =>
        options.tls
          ? startTlsConnection({ host: endpoint.host, port: endpoint.port, servername: serverNameOf(endpoint) ?? undefined, ...options.tls })
          : startTcpConnection({ host: endpoint.host, port: endpoint.port }),
      readyEvent: options.tls ? "secureConnect" : "connect",
      timeoutMs: deps.limits.connectTimeoutMs,
      signal: deps.signal,
      fail: (failure) => connectError(failure, operation, deps.signal),
    });
    return new WireSession(socket, address, deps, options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES);
  }

  /** The socket under the session (a TLSSocket after {@link upgradeToTls}). */
  get socket(): Socket {
    return this.#socket;
  }

  /** Sends bytes; a write error surfaces on the next read. */
  write(bytes: string | Uint8Array): void {
    this.#socket.write(bytes);
  }

  /** Reads one reply framed by `framer` within the reply timeout (the connect timeout). */
  read(framer: ReplyFramer, step: string): Promise<Buffer> {
    const { signal } = this.#deps;
    return this.#reader.read(
      (buffered) => {
        const length = framer(buffered);
        return length === null ? null : { value: buffered.subarray(0, length), length };
      },
      {
        timeoutMs: this.#deps.limits.connectTimeoutMs,
        signal,
        maxBytes: this.#maxReplyBytes,
        fail: (failure) => this.#replyError(failure, step),
      },
    );
  }

  /** Starts TLS on the connection (STARTTLS-style) within the connect timeout; unread bytes must not exist. */
  async upgradeToTls(endpoint: Endpoint, options: ConnectionOptions): Promise<TLSSocket> {
    if (this.#reader.unread > 0) throw new WireProtocolError(`TLS upgrade: server sent bytes before the handshake (${this.address})`);
    const plain = this.#socket;
    this.#reader.release();
    const operation = `TLS handshake with ${this.address}`;
    const secure = await connectWithin<TLSSocket>({
      start: () => startTlsConnection({ socket: plain, servername: serverNameOf(endpoint) ?? undefined, ...options }),
      readyEvent: "secureConnect",
      timeoutMs: this.#deps.limits.connectTimeoutMs,
      signal: this.#deps.signal,
      connected: true,
      fail: (failure) => connectError(failure, operation, this.#deps.signal),
    });
    this.#socket = secure;
    this.#reader = new ReplyReader(secure);
    return secure;
  }

  /** Destroys the connection; safe to call twice. */
  close(): void {
    this.#socket.destroy();
  }

  #replyError(failure: ReplyFailure, step: string): Error {
    switch (failure.kind) {
      case "malformed": {
        const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
        return new WireProtocolError(`${step}: ${message} (${this.address})`, { cause: failure.error });
      }
      case "too-long":
        return new WireProtocolError(`${step}: reply longer than ${failure.maxBytes} bytes (${this.address})`);
      case "closed":
        return new WireProtocolError(`${step}: ${describeConnectionEnd(failure.end)} (${this.address})`);
      case "timeout":
        return new WireProtocolError(`${step}: no complete reply within ${failure.timeoutMs} ms (${this.address})`);
      case "aborted":
        return abortedError(step, this.#deps.signal);
    }
  }
}

function connectError(failure: ConnectFailure, operation: string, signal: AbortSignal): Error {
  switch (failure.kind) {
    case "start":
    case "error":
      return new WireProtocolError(`${operation}: ${describeSocketError(failure.error)}`, { cause: failure.error });
    case "timeout":
      return new WireProtocolError(`${operation}: no answer within ${failure.timeoutMs} ms`);
    case "aborted":
      return abortedError(operation, signal);
  }
}
