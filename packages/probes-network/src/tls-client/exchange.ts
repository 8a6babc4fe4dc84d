/** Sends one ClientHello on a stream and reads the server's answer, under a timeout and the probe's abort signal. */
import type { Duplex } from "node:stream";
import { type HandshakeMessage, type ServerAnswer, ServerFlightReader } from "../codecs/tls/server-flight.js";
import { abortedError, describeSocketError } from "../connection/socket-errors.js";

/** What came back for one ClientHello. */
export type HelloOutcome =
  | { readonly kind: "answer"; readonly answer: ServerAnswer; readonly messages: readonly HandshakeMessage[] }
  /** The server closed or reset the connection without a TLS answer — some stacks refuse a hello that way. */
  | { readonly kind: "closed"; readonly reason: string };

/** How long to wait and how much of the flight to read. */
export type ExchangeOptions = {
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** `answer`: stop at the ServerHello or alert. `flight`: read on to ServerHelloDone (TLS ≤ 1.2 certificates and staple). */
  readonly readUntil: "answer" | "flight";
  /** For messages: `127.0.0.1:8443`. */
  readonly address: string;
};

/**
 * Writes `hello` and resolves with the server's answer. Rejects on timeout, abort, or bytes that are
 * not TLS (with the {@link TlsParseError} as cause). Does not close the stream.
 */
export function exchangeHello(stream: Duplex, hello: Buffer, options: ExchangeOptions): Promise<HelloOutcome> {
  const { signal } = options;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortedError("TLS hello", signal));
      return;
    }
    const reader = new ServerFlightReader();
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("close", onEnd);
      stream.off("error", onError);
      settle();
    };
    const deliver = () => {
      const answer = reader.firstAnswer();
      if (!answer) return false;
      if (options.readUntil === "flight" && answer.kind === "hello" && !reader.flightComplete) return false;
      finish(() => resolve({ kind: "answer", answer, messages: reader.messages }));
      return true;
    };
    const onData = (chunk: Buffer) => {
      try {
        reader.push(chunk);
        deliver();
      } catch (error) {
        finish(() => reject(new Error(`${(error as Error).message} (${options.address})`, { cause: error })));
      }
    };
    const onEnd = () => {
      // A server may close right after a complete answer (an alert, say): that answer still counts.
      try {
        if (deliver()) return;
        const answer = reader.firstAnswer();
        if (answer) {
          finish(() => resolve({ kind: "answer", answer, messages: reader.messages }));
          return;
        }
      } catch (error) {
        finish(() => reject(new Error(`${(error as Error).message} (${options.address})`, { cause: error })));
        return;
      }
      finish(() => resolve({ kind: "closed", reason: "server closed the connection without a TLS answer" }));
    };
    const onError = (error: Error) => {
      const code = (error as Error & { code?: unknown }).code;
      if (code === "ECONNRESET" || code === "EPIPE") {
        finish(() => resolve({ kind: "closed", reason: `server reset the connection (${describeSocketError(error)})` }));
      } else {
        finish(() => reject(new Error(`${describeSocketError(error)} (${options.address})`, { cause: error })));
      }
    };
    const onAbort = () => finish(() => reject(abortedError("TLS hello", signal)));
    const timer = setTimeout(() => finish(() => reject(new Error(`no TLS answer within ${options.timeoutMs} ms (${options.address})`))), options.timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
    stream.on("data", onData);
    stream.once("end", onEnd);
    stream.once("close", onEnd);
    stream.on("error", onError);
    stream.resume();
    stream.write(hello);
  });
}
