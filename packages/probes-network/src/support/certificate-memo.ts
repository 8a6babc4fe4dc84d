/**
 * Work on certificates done once per distinct certificate instead of once per endpoint. An estate
 * serves one certificate on many endpoints (load balancers, wildcards, a lab's one nginx), and
 * parsing and validating a chain costs more CPU than the handshakes that fetched it. Entries are
 * keyed by what the result depends on and nothing else, and the memo is bounded so that an estate
 * of distinct certificates keeps memory flat.
 */
import { createHash } from "node:crypto";

/** A least-recently-used map with a fixed capacity. */
export class BoundedMemo<V> {
  readonly #entries = new Map<string, V>();

  constructor(readonly capacity: number) {}

  /** The value kept under `key`, computed (and kept) on first use; a computation that throws is not kept. */
  get(key: string, compute: () => V): V {
    const kept = this.#entries.get(key);
    if (kept !== undefined) {
      // Map keeps insertion order: moving a hit to the end makes the first entry the least recently used.
      this.#entries.delete(key);
      this.#entries.set(key, kept);
      return kept;
    }
    const value = compute();
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    return value;
  }

  /** Entries kept now. */
  get size(): number {
    return this.#entries.size;
  }
}

/**
 * Largest certificate a memo keeps. Real certificates are one to a few KB; a hostile server may send
 * certificates of up to a MB, and a memo of hundreds of those would hold hundreds of MB. Larger ones
 * are worked on every time, as before the memos.
 */
export const MEMO_MAX_DER_BYTES = 16 * 1024;

/** A key for DER bytes: their SHA-256, so the memo never holds a second copy of the certificate. */
export function derKey(der: Uint8Array): string {
  return createHash("sha256").update(der).digest("base64");
}
