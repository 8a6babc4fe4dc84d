/** Errors of the Linux transports: a stable code, what happened, and what to do about it. */

/** Codes of {@link TransportError}, stable for scripts and tests. */
export type TransportErrorCode =
  | "HC_SSH_HOSTKEY_UNKNOWN"
  | "HC_SSH_HOSTKEY_CHANGED"
  | "HC_SSH_HOSTKEY_REVOKED"
  | "HC_SSH_AUTH"
  | "HC_SSH_CONNECT"
  | "HC_SSH_DROPPED"
  | "HC_SSH_CONFIG"
  | "HC_EXEC_TIMEOUT"
  | "HC_ROOT_MISSING"
  | "HC_READ_DENIED";

/** A transport failure; the message reads `CODE: cause — fix`. */
export class TransportError extends Error {
  readonly code: TransportErrorCode;
  readonly fix: string;

  constructor(code: TransportErrorCode, cause: string, fix: string, options?: { cause?: unknown }) {
    super(`${code}: ${cause} — ${fix}`, options);
    this.name = "TransportError";
    this.code = code;
    this.fix = fix;
  }
}
