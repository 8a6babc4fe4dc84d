/** Where one side's TLS handshake ends in its byte stream: what protocols that carry the handshake inside their own packets (TDS PRELOGIN) need to know. */
import { TlsRecordFollower } from "./record-follower.js";

/**
 * Follows the TLS records one side sends and says where its handshake part ends: after its
 * ChangeCipherSpec and the record that follows it (Finished). True for TLS 1.2 and older, which is
 * all a PRELOGIN handshake negotiates.
 */
export class HandshakeEndTracker {
  readonly #records = new TlsRecordFollower();
  #changedCipherSpec = false;
  #ended = false;

  /** Whether the side's Finished has gone by. */
  get ended(): boolean {
    return this.#ended;
  }

  /** How many leading bytes of `chunk` still belong to the handshake (all of them until it ends). */
  handshakeBytes(chunk: Buffer): number {
    if (this.#ended) return 0;
    return this.#records.take(chunk, {
      afterRecord: (contentType) => {
        if (this.#changedCipherSpec) this.#ended = true;
        if (contentType === 0x14) this.#changedCipherSpec = true;
        return this.#ended;
      },
    });
  }
}
