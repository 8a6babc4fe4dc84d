/**
 * The one reply reader of this package: buffers what a socket receives and hands out one framed
 * reply at a time, each within a timeout and a size cap, for the probes' conversations and the
 * negotiators' upgrade dances alike.
 */
import type { Socket } from "node:net";
import { describeSocketError } from "./socket-errors.js";

/** Longest reply accepted unless a caller says otherwise; a server sending more is not speaking the protocol. */
export const DEFAULT_MAX_REPLY_BYTES = 64 * 1024;

/**
 * Decides whether the buffered bytes start with one complete reply: the reply and its length, or
 * null to wait for more. Throws for bytes that cannot be this protocol.
 */
export type ReplyParser<T> = (buffered: Buffer) => { readonly value: T; readonly length: number } | null;

/** How the connection ended before a reply was complete. */
export type ConnectionEnd = { readonly how: "end" } | { readonly how: "close" } | { readonly how: "error"; readonly error: Error };

/** Why no reply came; the caller words it for its own messages. */
export type ReplyFailure =
  /** The parser threw: the bytes are not this protocol. */
  | { readonly kind: "malformed"; readonly error: unknown }
  | { readonly kind: "too-long"; readonly maxBytes: number }
  | { readonly kind: "closed"; readonly end: ConnectionEnd }
  | { readonly kind: "timeout"; readonly timeoutMs: number }
  | { readonly kind: "aborted" };

/** Limits and wording of one {@link ReplyReader.read}. */
export type ReplyReadOptions = {
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Default {@link DEFAULT_MAX_REPLY_BYTES}. */
  readonly maxBytes?: number;
  /** Turns a failure into the error the read rejects with. */
  readonly fail: (failure: ReplyFailure) => Error;
};

/** The usual wording of a connection end: `server closed the connection`, or the socket error's first line. */
export function describeConnectionEnd(end: ConnectionEnd): string {
  if (end.how === "end") return "server closed the connection";
  if (end.how === "close") return "connection closed";
  return describeSocketError(end.error);
}

/**
 * Reads framed replies from one socket. Attach it, read as many replies as the conversation needs,
 * then either close the socket or {@link release} it to hand the socket on (to a TLS layer, say)
 * with every unread byte pushed back.
 */
export class ReplyReader {
  readonly #socket: Socket;
  #buffered: Buffer = Buffer.alloc(0);
  #end: ConnectionEnd | null = null;
  #wake: (() => void) | null = null;
  readonly #onData = (chunk: Buffer) => {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    this.#wake?.();
  };
  readonly #onEnd = () => this.#ended({ how: "end" });
  readonly #onClose = () => this.#ended({ how: "close" });
  readonly #onError = (error: Error) => this.#ended({ how: "error", error });

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("close", this.#onClose);
    socket.on("error", this.#onError);
    socket.resume();
  }

  /** Bytes received that no reply has taken yet. */
  get unread(): number {
    return this.#buffered.length;
  }

  /** Resolves with the next reply `parse` frames, or rejects with `options.fail`'s error. */
  async read<T>(parse: ReplyParser<T>, options: ReplyReadOptions): Promise<T> {
    const { signal, timeoutMs } = options;
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_REPLY_BYTES;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (signal.aborted) throw options.fail({ kind: "aborted" });
      let parsed: ReturnType<ReplyParser<T>>;
      try {
        parsed = parse(this.#buffered);
      } catch (error) {
        throw options.fail({ kind: "malformed", error });
      }
      // A whole oversized reply can arrive in one read: judge the framed length too, not only the backlog.
      if ((parsed !== null && parsed.length > maxBytes) || (parsed === null && this.#buffered.length > maxBytes)) {
        throw options.fail({ kind: "too-long", maxBytes });
      }
      if (parsed !== null) {
        this.#buffered = this.#buffered.subarray(parsed.length);
        return parsed.value;
      }
      if (this.#end !== null) throw options.fail({ kind: "closed", end: this.#end });
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw options.fail({ kind: "timeout", timeoutMs });
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

  /** Stops reading: the socket is paused with every unread byte pushed back onto it, for whoever reads it next. */
  release(): void {
    this.#socket.off("data", this.#onData);
    this.#socket.off("end", this.#onEnd);
    this.#socket.off("close", this.#onClose);
    this.#socket.off("error", this.#onError);
    this.#socket.pause();
    if (this.#buffered.length > 0) this.#socket.unshift(this.#buffered);
    this.#buffered = Buffer.alloc(0);
  }

  #ended(end: ConnectionEnd): void {
    this.#end ??= end;
    this.#wake?.();
  }
}
