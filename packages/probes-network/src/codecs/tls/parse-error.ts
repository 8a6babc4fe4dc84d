/** The one error the wire parsers throw: anything a server sends that is not the TLS it should be. */

/**
 * A server's bytes could not be read as the TLS message expected. The parsers throw nothing else,
 * whatever they are fed (a property the fuzz tests check).
 */
export class TlsParseError extends Error {
  /** Stable code for reports and tests. */
  readonly code = "HC_TLS_PARSE";

  constructor(message: string) {
    super(`${message} — the server did not answer with well-formed TLS; check that the port and scheme are right`);
    this.name = "TlsParseError";
  }
}
