/**
 * A request/reply conversation over one TCP (or TLS) connection, shared by the protocol probes
 * (SMTP, TDS, RDP, HTTP-free ones): connect within the connect timeout, read framed replies each
 * within the reply timeout, refuse oversized replies, and always leave the socket destroyed.
 */
import { isIP, type Socket, connect as startTcpConnection } from "node:net";
import { type ConnectionOptions, connect as startTlsConnection, type TLSSocket } from "node:tls";
import type { Endpoint, ProbeDeps } from "@hardcheck/core";
import { abortedError, describeSocketError } from "../support/socket-errors.js";

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

/** `host:port`, bracketing IPv6 literals. */
export function addressOfEndpoint(endpoint: Endpoint): string {
  return endpoint.host.includes(":") ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

/** The SNI name for an endpoint, or undefined for IP literals (RFC 6066 forbids those). */
export function serverNameOf(endpoint: Endpoint): string | undefined {
  const name = endpoint.servername ?? endpoint.host;
  return isIP(name) === 0 ? name : undefined;
}

/** One connection and the bytes received on it that no reply has consumed yet. */
export class WireSession {
  #socket: Socket;
  #buffered: Buffer = Buffer.alloc(0);
  #closedReason: string | null = null;
  #wake: (() => void) | null = null;
  readonly #deps: Pick<ProbeDeps, "signal" | "limits">;
  readonly #maxReplyBytes: number;
  /** `host:port` for messages. */
  readonly address: string;

  private constructor(socket: Socket, address: string, deps: Pick<ProbeDeps, "signal" | "limits">, maxReplyBytes: number) {
    this.#socket = socket;
    this.address = address;
    this.#deps = deps;
    this.#maxReplyBytes = maxReplyBytes;
    this.#attach(socket);
  }

  /** Connects (and, for implicit TLS, completes the handshake) within the connect timeout. */
  static async open(endpoint: Endpoint, deps: Pick<ProbeDeps, "signal" | "limits">, options: WireSessionOptions = {}): Promise<WireSession> {
    const address = addressOfEndpoint(endpoint);
    const socket = await connectWithin(
      () =>
        options.tls
          ? startTlsConnection({ host: endpoint.host, port: endpoint.port, servername: serverNameOf(endpoint), ...options.tls })
          : startTcpConnection({ host: endpoint.host, port: endpoint.port }),
      options.tls ? "secureConnect" : "connect",
      `${options.tls ? "TLS" : "TCP"} connect to ${address}`,
      deps,
    );
    return new WireSession(socket, address, deps, options.maxReplyBytes ?? 64 * 1024);
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
  async read(framer: ReplyFramer, step: string): Promise<Buffer> {
    const { signal } = this.#deps;
    const timeoutMs = this.#deps.limits.connectTimeoutMs;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (signal.aborted) throw abortedError(step, signal);
      let length: number | null;
      try {
        length = framer(this.#buffered);
      } catch (error) {
        throw new WireProtocolError(`${step}: ${(error as Error).message} (${this.address})`, { cause: error });
      }
      // A whole oversized reply can arrive in one read: judge the framed length too, not only the backlog.
      if (length !== null && length > this.#maxReplyBytes) {
        throw new WireProtocolError(`${step}: reply longer than ${this.#maxReplyBytes} bytes (${this.address})`);
      }
      if (length !== null) {
        const reply = this.#buffered.subarray(0, length);
        this.#buffered = this.#buffered.subarray(length);
        return reply;
      }
      if (this.#buffered.length > this.#maxReplyBytes) {
        throw new WireProtocolError(`${step}: reply longer than ${this.#maxReplyBytes} bytes (${this.address})`);
      }
      if (this.#closedReason !== null) throw new WireProtocolError(`${step}: ${this.#closedReason} (${this.address})`);
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw new WireProtocolError(`${step}: no complete reply within ${timeoutMs} ms (${this.address})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        signal.addEventListener("abort", done, { once: true });
        this.#wake = done;
        function done() {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          resolve();
        }
      });
      this.#wake = null;
    }
  }

  /** Starts TLS on the connection (STARTTLS-style) within the connect timeout; unread bytes must not exist. */
  async upgradeToTls(endpoint: Endpoint, options: ConnectionOptions): Promise<TLSSocket> {
    if (this.#buffered.length > 0) throw new WireProtocolError(`TLS upgrade: server sent bytes before the handshake (${this.address})`);
    const plain = this.#socket;
    plain.removeAllListeners("data");
    plain.removeAllListeners("end");
    plain.removeAllListeners("close");
    const secure = await connectWithin(
      () => startTlsConnection({ socket: plain, servername: serverNameOf(endpoint), ...options }),
      "secureConnect",
      `TLS handshake with ${this.address}`,
      this.#deps,
    );
    this.#socket = secure;
    this.#closedReason = null;
    this.#attach(secure);
    return secure as TLSSocket;
  }

  /** Destroys the connection; safe to call twice. */
  close(): void {
    this.#socket.destroy();
  }

  #attach(socket: Socket): void {
    socket.on("data", (chunk: Buffer) => {
      this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
      this.#wake?.();
    });
    socket.on("end", () => {
      this.#closedReason ??= "server closed the connection";
      this.#wake?.();
    });
    socket.on("close", () => {
      this.#closedReason ??= "connection closed";
      this.#wake?.();
    });
    // Stays attached: a late error on a destroyed socket must not become an uncaught exception.
    socket.on("error", (error) => {
      this.#closedReason ??= describeSocketError(error);
      this.#wake?.();
    });
  }
}

function connectWithin(start: () => Socket, readyEvent: string, operation: string, deps: Pick<ProbeDeps, "signal" | "limits">): Promise<Socket> {
  const { signal } = deps;
  const timeoutMs = deps.limits.connectTimeoutMs;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortedError(operation, signal));
      return;
    }
    let socket: Socket;
    try {
      socket = start();
    } catch (error) {
      reject(new WireProtocolError(`${operation}: ${describeSocketError(error)}`, { cause: error }));
      return;
    }
    const settle = (finish: () => void, keep: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.off("error", onError);
      if (!keep) {
        socket.on("error", () => {});
        socket.destroy();
      }
      finish();
    };
    const onAbort = () => settle(() => reject(abortedError(operation, signal)), false);
    const onError = (error: Error) => settle(() => reject(new WireProtocolError(`${operation}: ${describeSocketError(error)}`, { cause: error })), false);
    const timer = setTimeout(() => settle(() => reject(new WireProtocolError(`${operation}: no answer within ${timeoutMs} ms`)), false), timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("error", onError);
    socket.once(readyEvent, () => settle(() => resolve(socket), true));
  });
}
