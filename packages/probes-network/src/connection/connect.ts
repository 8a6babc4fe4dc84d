/**
 * The one connect-with-timeout of this package: TCP connects, TLS handshakes (fresh or over a
 * negotiated stream) and the SQL Server login's watched socket all wait here, under the probe's
 * timeout and abort signal, and never leave a failed socket open.
 */
import type { Socket } from "node:net";

/** Why a connection did not become ready; the caller words it for its own messages. */
export type ConnectFailure =
  /** `start` threw (invalid options, say) before there was a socket to wait on. */
  | { readonly kind: "start"; readonly error: unknown }
  | { readonly kind: "error"; readonly error: Error; readonly connected: boolean }
  | { readonly kind: "timeout"; readonly timeoutMs: number; readonly connected: boolean }
  | { readonly kind: "aborted" };

/** What {@link connectWithin} waits for, and how long. */
export type ConnectOptions<S extends Socket> = {
  /** Starts the connection: `net.connect(...)`, `tls.connect(...)`. Listeners it adds stay attached. */
  readonly start: () => S;
  /** `connect` for TCP, `secureConnect` for TLS. */
  readonly readyEvent: "connect" | "secureConnect";
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** True when TCP is connected already (TLS over a negotiated stream); otherwise the `connect` event says so. */
  readonly connected?: boolean;
  /** Turns a failure into the error the promise rejects with. */
  readonly fail: (failure: ConnectFailure) => Error;
};

/**
 * Starts a connection and resolves with its socket once `readyEvent` fires, within `timeoutMs`.
 * On a timeout, an error or an abort it destroys the socket and rejects with `fail`'s error. The
 * socket keeps a no-op error listener, so a reset after the caller's own listeners are gone does not
 * become an uncaught exception.
 *
 * @example
 * ```ts
 * const socket = await connectWithin({
 *   start: () => net.connect({ host, port }),
 *   readyEvent: "connect",
 *   timeoutMs: deps.limits.connectTimeoutMs,
 *   signal: deps.signal,
 *   fail: (failure) => new Error(failure.kind === "timeout" ? "connect timed out" : "connect failed"),
 * });
 * ```
 */
export function connectWithin<S extends Socket>(options: ConnectOptions<S>): Promise<S> {
  const { signal, timeoutMs } = options;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(options.fail({ kind: "aborted" }));
      return;
    }
    let socket: S;
    try {
      socket = options.start();
    } catch (error) {
      reject(options.fail({ kind: "start", error }));
      return;
    }
    socket.on("error", () => {});
    let connected = options.connected ?? false;
    let settled = false;
    const settle = (finish: () => void, keep: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.off("error", onError);
      socket.off("connect", onConnect);
      if (!keep) socket.destroy();
      finish();
    };
    const onConnect = () => {
      connected = true;
    };
    const onAbort = () => settle(() => reject(options.fail({ kind: "aborted" })), false);
    const onError = (error: Error) => settle(() => reject(options.fail({ kind: "error", error, connected })), false);
    const timer = setTimeout(() => settle(() => reject(options.fail({ kind: "timeout", timeoutMs, connected })), false), timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("error", onError);
    socket.once("connect", onConnect);
    socket.once(options.readyEvent, () => settle(() => resolve(socket), true));
  });
}
