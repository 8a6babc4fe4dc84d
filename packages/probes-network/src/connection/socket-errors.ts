/** Turns socket failures and aborts into short, stable messages for the `error` a probe reports. */

/** The first line of an error's message; OpenSSL and aggregate errors carry more than a reader needs. */
export function describeSocketError(error: unknown): string {
  if (error instanceof AggregateError && error.message === "") {
    // Happy-eyeballs connects fail with one error per address tried and no message of their own.
    return error.errors.map(describeSocketError).join("; ");
  }
  if (!(error instanceof Error)) return String(error);
  const details = error as Error & { code?: unknown; reason?: unknown };
  if (typeof details.reason === "string" && details.reason.length > 0) {
    // OpenSSL errors: `reason` is the readable part; the message is a file-and-line dump.
    return typeof details.code === "string" ? `${details.reason} (${details.code})` : details.reason;
  }
  const firstLine = error.message.split("\n")[0] ?? "";
  if (firstLine.length > 0) return firstLine;
  return typeof details.code === "string" ? details.code : error.name;
}

/** The error a probe rejects with when its signal fires: names the operation and the abort reason. */
export function abortedError(operation: string, signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error ? reason.message : reason === undefined ? "cancelled" : String(reason);
  return new Error(`${operation} aborted: ${why}`, { cause: reason });
}

/** The `code` of a Node.js system error (`ECONNREFUSED`), if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code: unknown = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}
