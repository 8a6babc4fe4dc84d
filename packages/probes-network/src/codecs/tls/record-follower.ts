/** Where TLS records begin and end in a byte stream that arrives in arbitrary pieces. */

/** Where to stop following: before a record of some content type starts, or once one is complete. */
export type RecordStop = {
  /** Called with the content type (first byte) of each record before any of it is taken; true stops there. */
  readonly beforeRecord?: (contentType: number) => boolean;
  /** Called with the content type once a record's last byte is taken; true stops right after it. */
  readonly afterRecord?: (contentType: number) => boolean;
};

/**
 * Follows TLS records (5-byte header: type, version, 16-bit length) across chunks. {@link take}
 * consumes a chunk up to where `stop` says, so callers can split a stream at a record boundary.
 */
export class TlsRecordFollower {
  #header: Buffer = Buffer.alloc(0);
  #type = -1;
  /** Body bytes of the current record still to come. */
  #remaining = 0;
  #inRecord = false;

  /** How many leading bytes of `chunk` were taken before `stop` said stop (all of them when it did not). */
  take(chunk: Buffer, stop: RecordStop): number {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#inRecord) {
        const taken = Math.min(this.#remaining, chunk.length - offset);
        this.#remaining -= taken;
        offset += taken;
        if (this.#remaining > 0) continue;
        this.#inRecord = false;
        if (stop.afterRecord?.(this.#type)) return offset;
        continue;
      }
      if (this.#header.length === 0 && stop.beforeRecord?.(chunk[offset] as number)) return offset;
      const taken = Math.min(5 - this.#header.length, chunk.length - offset);
      this.#header = Buffer.concat([this.#header, chunk.subarray(offset, offset + taken)]);
      offset += taken;
      if (this.#header.length < 5) continue;
      this.#type = this.#header.readUInt8(0);
      this.#remaining = this.#header.readUInt16BE(3);
      this.#header = Buffer.alloc(0);
      this.#inRecord = true;
      if (this.#remaining === 0) {
        this.#inRecord = false;
        if (stop.afterRecord?.(this.#type)) return offset;
      }
    }
    return offset;
  }
}
