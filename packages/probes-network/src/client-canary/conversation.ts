/**
 * One client's session with a canary listener: reads under the session's bound, the TLS upgrade
 * (the ClientHello is read before node:tls gets the socket), and the record that becomes a
 * {@link CanarySession}. Protocol handlers only speak their protocol through it.
 */
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { type SecureVersion, TLSSocket } from "node:tls";
import { type ClientHelloMessage, readClientHello } from "../codecs/tls/client-hello-reader.js";
import { printable } from "../connection/printable.js";
import { type ReplyFailure, type ReplyParser, ReplyReader } from "../connection/reply-reader.js";
import { describeSocketError } from "../connection/socket-errors.js";
import type { CanaryChain } from "./certificates.js";
import { describeHello } from "./describe-hello.js";
import type { CanaryCertificate, CanaryProtocol, CanarySession, ClientHello } from "./evidence.js";

/** Longest transcript kept per session; a chatty client cannot grow the evidence file without end. */
const MAX_TRANSCRIPT_LINES = 200;
/** Longest single protocol message a canary reads. */
export const MAX_CANARY_MESSAGE_BYTES = 64 * 1024;

/** How a session ended, as {@link CanarySession.endedBy} words it. */
export type SessionEnd = CanarySession["endedBy"];

/** Thrown out of a handler when the session is over: the client closed, the bound passed, or the bytes were not the protocol. */
export class SessionEnded extends Error {
  constructor(
    readonly endedBy: SessionEnd,
    message: string,
  ) {
    super(message);
    this.name = "SessionEnded";
  }
}

/** The session-wide settings a conversation runs under. */
export type ConversationLimits = {
  /** performance.now() value at which the session is cut. */
  readonly deadline: number;
  /** Cut when the canary closes. */
  readonly signal: AbortSignal;
};

/** The name of the alert in an OpenSSL error raised by a client's alert (`ERR_SSL_TLSV1_ALERT_UNKNOWN_CA` → `unknown_ca`), or null. */
export function alertFromTlsError(error: unknown): string | null {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  if (typeof code !== "string") return null;
  const match = /^ERR_SSL_(?:TLSV1|SSLV3|TLSV13)_ALERT_([A-Z0-9_]+)$/.exec(code);
  return match?.[1]?.toLowerCase() ?? null;
}

/** A conversation with one client. */
export class CanaryConversation {
  #socket: Socket;
  readonly #raw: Socket;
  #tlsSocket: TLSSocket | null = null;
  #reader: ReplyReader;
  #tls = false;
  readonly #limits: ConversationLimits;
  readonly transcript: string[] = [];
  hello: ClientHello | null = null;
  upgraded: boolean | null;
  credentialsBeforeTls: string | null = null;
  handshakeCompleted = false;
  continuedAfterHandshake = false;
  clientAlert: string | null = null;

  constructor(
    socket: Socket,
    readonly protocol: CanaryProtocol,
    readonly certificate: CanaryCertificate,
    readonly chain: CanaryChain,
    limits: ConversationLimits,
  ) {
    this.#socket = socket;
    this.#raw = socket;
    this.#reader = new ReplyReader(socket);
    this.#limits = limits;
    this.upgraded = protocol === "smtp" || protocol === "ldap" || protocol === "tds" ? false : null;
  }

  /** True once the conversation runs over TLS. */
  get tls(): boolean {
    return this.#tls;
  }

  /** Adds a transcript line; `from` is the client (`C`) or the canary (`S`). Text is made printable here. */
  note(from: "C" | "S" | "-", text: string): void {
    if (this.transcript.length >= MAX_TRANSCRIPT_LINES) return;
    this.transcript.push(`${from}: ${printable(text)}`);
  }

  /** Records that the client sent a secret before TLS by `mechanism` (the first one counts). */
  secretBeforeTls(mechanism: string): void {
    if (!this.#tls) this.credentialsBeforeTls ??= mechanism;
  }

  /**
   * Marks that the client went on over TLS: called by a handler for a protocol command, never for
   * a polite goodbye (QUIT, unbind), which a validating client sends after refusing a certificate.
   */
  wentOn(): void {
    if (this.#tls) this.continuedAfterHandshake = true;
  }

  /** Reads the next message `parse` frames, within the session's bound. */
  async read<T>(parse: ReplyParser<T>): Promise<T> {
    const timeoutMs = this.#limits.deadline - performance.now();
    if (timeoutMs <= 0) throw new SessionEnded("timeout", "session bound reached");
    const value = await this.#reader.read(parse, {
      timeoutMs,
      signal: this.#limits.signal,
      maxBytes: MAX_CANARY_MESSAGE_BYTES,
      fail: (failure) => this.#ended(failure),
    });
    return value;
  }

  /** Sends bytes to the client (ignored once the socket is gone). */
  write(bytes: string | Buffer): void {
    if (!this.#socket.destroyed) this.#socket.write(bytes);
  }

  /** Sends the last bytes and ends the session from the canary's side. */
  async finish(bytes?: string | Buffer): Promise<void> {
    if (this.#socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1_000);
      this.#socket.end(bytes ?? "", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Reads the ClientHello, then hands the socket to node:tls with the session's certificate.
   * Resolves when the handshake completed; throws {@link SessionEnded} when the client refused
   * (alert or close) or the bound passed.
   */
  async startTls(): Promise<void> {
    const { hello } = await this.read((buffered) => {
      const read = readClientHello(buffered);
      // Length 0: the hello stays in the buffer for node:tls to read.
      return read === null ? null : { value: read, length: 0 };
    });
    this.#reader.release();
    await this.#handshake(this.#socket, hello, {});
  }

  /**
   * The TLS handshake over a transport the protocol provides (TDS carries it inside PRELOGIN
   * packets): `hello` is the ClientHello the caller already read, and `connect` is called once this
   * conversation stopped reading the socket, to start feeding the transport.
   */
  async startTlsOver(transport: Duplex, hello: ClientHelloMessage, connect: () => void, limits: { readonly maxVersion: SecureVersion }): Promise<void> {
    this.#reader.release();
    connect();
    await this.#handshake(transport, hello, limits);
  }

  /** The client's TCP socket, for a protocol that carries the TLS handshake inside its own packets ({@link startTlsOver}). */
  get socket(): Socket {
    return this.#raw;
  }

  async #handshake(transport: Duplex, hello: ClientHelloMessage, limits: { readonly maxVersion?: SecureVersion }): Promise<void> {
    this.hello = describeHello(hello);
    if (this.upgraded === false) this.upgraded = true;
    this.note("-", `ClientHello: ${this.hello.maxVersion ?? "?"}, ${this.hello.suites.length} suites, SNI ${this.hello.sni ?? "none"}`);
    const tlsSocket = new TLSSocket(transport as Socket, {
      isServer: true,
      cert: this.chain.chainPem,
      key: this.chain.keyPem,
      // Whatever the client offers is accepted: the canary is there to see what it does next, not to judge the hello.
      minVersion: "TLSv1",
      ...(limits.maxVersion ? { maxVersion: limits.maxVersion } : {}),
      ciphers: "ALL:@SECLEVEL=0",
    });
    this.#tlsSocket = tlsSocket;
    const timeoutMs = Math.max(0, this.#limits.deadline - performance.now());
    await new Promise<void>((resolve, reject) => {
      const settle = (error: SessionEnded | null) => {
        clearTimeout(timer);
        this.#limits.signal.removeEventListener("abort", onAbort);
        tlsSocket.off("secure", onSecure);
        tlsSocket.off("error", onError);
        tlsSocket.off("close", onClose);
        if (error) reject(error);
        else resolve();
      };
      const onSecure = () => settle(null);
      const onError = (error: Error) => {
        this.clientAlert = alertFromTlsError(error);
        this.note("-", this.clientAlert ? `client alert ${this.clientAlert}` : `handshake failed: ${describeSocketError(error)}`);
        settle(new SessionEnded(this.clientAlert ? "alert" : "error", "handshake failed"));
      };
      const onClose = () => settle(new SessionEnded("client-close", "client closed during the handshake"));
      const onAbort = () => settle(new SessionEnded("timeout", "canary closed"));
      const timer = setTimeout(() => settle(new SessionEnded("timeout", "session bound reached during the handshake")), timeoutMs);
      tlsSocket.once("secure", onSecure);
      tlsSocket.once("error", onError);
      tlsSocket.once("close", onClose);
      this.#limits.signal.addEventListener("abort", onAbort, { once: true });
    });
    tlsSocket.on("error", () => {});
    this.handshakeCompleted = true;
    this.note("-", `handshake completed (${tlsSocket.getProtocol() ?? "?"}, ${tlsSocket.getCipher()?.standardName ?? "?"})`);
    this.#socket = tlsSocket;
    this.#reader = new ReplyReader(tlsSocket);
    this.#tls = true;
  }

  /** Destroys the socket (the TLS layer and the TCP socket under it). */
  destroy(): void {
    this.#tlsSocket?.destroy();
    this.#socket.destroy();
    this.#raw.destroy();
  }

  #ended(failure: ReplyFailure): SessionEnded {
    switch (failure.kind) {
      case "closed":
        return new SessionEnded(failure.end.how === "error" ? "error" : "client-close", "client closed the connection");
      case "timeout":
        return new SessionEnded("timeout", "session bound reached");
      case "aborted":
        return new SessionEnded("timeout", "canary closed");
      case "too-long":
        return new SessionEnded("error", `client sent more than ${failure.maxBytes} bytes in one message`);
      case "malformed":
        this.note("-", `not the protocol: ${describeSocketError(failure.error)}`);
        return new SessionEnded("error", "client bytes are not the protocol");
    }
  }
}
