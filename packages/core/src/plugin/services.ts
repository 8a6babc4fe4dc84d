/** The services core hands to every probe: clock, logger, trust store, secrets, limits. */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { HardcheckError } from "../errors.js";
import { parseIsoInstant } from "../model/instant.js";

/** Where a probe writes diagnostics. Messages must never contain secrets. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

/** A logger that drops everything (the library default). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };

/**
 * The time source. Every verdict that depends on "now" (certificate expiry, update age, waiver
 * expiry) reads it from a clock handed down by the scan, never from the wall clock, so a scan can be
 * judged as of any instant and tests never depend on today's date.
 */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that always reads `instant`: the time of an offline copy's collection, or an explicit
 * `asOf` evaluation time.
 *
 * @example
 * ```ts
 * const probeDeps = { ...deps, clock: fixedClock("2026-11-24T08:00:00Z") };
 * ```
 */
export function fixedClock(instant: Date | string): Clock {
  const time = typeof instant === "string" ? (parseIsoInstant(instant) ?? Number.NaN) : instant.getTime();
  if (Number.isNaN(time))
    throw new HardcheckError("HC_USAGE", `${JSON.stringify(String(instant))} is not a date — expected ISO-8601, e.g. 2026-11-24T08:00:00Z`);
  return { now: () => new Date(time) };
}

/** Extra trust anchors for certificate chain validation, on top of the system roots. */
export interface TrustStore {
  /** PEM-encoded CA certificates from `trust.caFile` / `trust.caDir`. */
  readonly caCertificates: readonly string[];
  /** Whether the system's root store is trusted too. */
  readonly useSystemRoots: boolean;
}

/** Timeouts every network operation must honour. */
export interface Limits {
  /** TCP connect timeout. */
  readonly connectTimeoutMs: number;
  /** Whole-probe timeout (enforced by the scheduler as well). */
  readonly probeTimeoutMs: number;
}

/** Secrets shorter than this are too likely to occur in ordinary words to be scrubbed as substrings. */
export const MIN_SECRET_LENGTH = 8;

/**
 * Resolves secret references (`env:NAME`, `file:/path`) to their values and remembers every value
 * it handed out, so that reports can be scrubbed of them.
 */
export class SecretResolver {
  readonly #revealed = new Set<string>();
  /** References whose values are shorter than {@link MIN_SECRET_LENGTH}. */
  readonly #short = new Set<string>();

  constructor(private readonly baseDir: string = process.cwd()) {}

  /**
   * Resolves a reference. Literal values are refused so that a secret never sits in a config file.
   *
   * @example
   * ```ts
   * const password = await secrets.resolve("env:LDAP_PASSWORD");
   * ```
   */
  async resolve(ref: string): Promise<string> {
    let value: string | undefined;
    if (ref.startsWith("env:")) {
      const name = ref.slice(4);
      value = process.env[name];
      if (value === undefined) throw new HardcheckError("HC_CONFIG_INVALID", `secret reference ${ref}: environment variable ${name} is not set`);
    } else if (ref.startsWith("file:")) {
      const path = resolve(this.baseDir, ref.slice(5));
      try {
        value = (await readFile(path, "utf8")).replace(/\r?\n$/, "");
      } catch (error) {
        throw new HardcheckError("HC_CONFIG_INVALID", `secret reference ${ref}: cannot read ${path}`, { cause: error });
      }
    } else {
      throw new HardcheckError("HC_CONFIG_INVALID", "a secret must be a reference (env:NAME or file:/path), never a literal value");
    }
    if (value.length > 0) this.#revealed.add(value);
    if (value.length > 0 && value.length < MIN_SECRET_LENGTH) this.#short.add(ref);
    return value;
  }

  /**
   * Replaces every secret value handed out so far with `[redacted]` in free text. A secret of at
   * least {@link MIN_SECRET_LENGTH} characters is replaced wherever it occurs; a shorter one only
   * where it stands as a whole token, so that a password such as `fail` does not mangle every
   * "failed" in a report (such secrets are listed by {@link SecretResolver.shortSecretRefs}).
   */
  redact(text: string): string {
    let out = text;
    for (const secret of this.#revealed) {
      // Messages quote values as JSON, where a secret's quotes and backslashes appear escaped.
      const quoted = JSON.stringify(secret).slice(1, -1);
      for (const form of quoted === secret ? [secret] : [secret, quoted]) {
        out = form.length >= MIN_SECRET_LENGTH ? out.split(form).join("[redacted]") : replaceToken(out, form);
      }
    }
    return out;
  }

  /** True when at least one secret has been handed out (so redaction is needed). */
  get hasSecrets(): boolean {
    return this.#revealed.size > 0;
  }

  /** The references whose values are too short to be scrubbed reliably from free text. */
  get shortSecretRefs(): readonly string[] {
    return [...this.#short].sort();
  }
}

/** Replaces `token` where neither neighbour is a letter or digit. */
function replaceToken(text: string, token: string): string {
  const escaped = token.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "gu"), "[redacted]");
}

/**
 * Work shared by many subjects of one scan, done once: an estate serves one certificate on many
 * endpoints, so its OCSP answer is fetched once per scan, not once per endpoint.
 */
export interface ScanCache {
  /**
   * The value kept under `key` for this scan, computed on first use; concurrent callers share one
   * computation. A computation that throws is not kept (the next caller tries again), and a kept
   * value that `stillValid` rejects (an OCSP answer past its nextUpdate) is computed anew.
   */
  remember<T>(key: string, compute: () => Promise<T>, stillValid?: (value: T) => boolean): Promise<T>;
}

/** A cache for one scan (the scanner makes one per run; tests make their own). */
export function createScanCache(): ScanCache {
  const entries = new Map<string, Promise<unknown>>();
  return {
    async remember<T>(key: string, compute: () => Promise<T>, stillValid?: (value: T) => boolean): Promise<T> {
      const kept = entries.get(key) as Promise<T> | undefined;
      if (kept) {
        const value = await kept;
        if (!stillValid || stillValid(value)) return value;
        if (entries.get(key) === kept) entries.delete(key);
        return this.remember(key, compute, stillValid);
      }
      const pending = compute();
      entries.set(key, pending);
      pending.catch(() => {
        if (entries.get(key) === pending) entries.delete(key);
      });
      return pending;
    },
  };
}

/** Everything a probe receives besides its subject and parameters. */
export interface ProbeServices {
  readonly logger: Logger;
  /**
   * "Now" for the subject's facts: ages (signature age, days since the last update, certificate
   * lifetime left) are computed against it. It is the scan's clock for endpoints and live hosts,
   * and the collection time for offline copies: an evidence bundle's `collectedAt`, or the target's
   * `asOf` for a `root:` image.
   */
  readonly clock: Clock;
  /**
   * The scan's own clock (its evaluation time). Only facts about the evidence itself read it, such as
   * how long ago an offline bundle was collected.
   */
  readonly scanClock: Clock;
  readonly trust: TrustStore;
  readonly secrets: SecretResolver;
  readonly limits: Limits;
  /** Work shared across the scan's subjects, done once per scan. */
  readonly scanCache: ScanCache;
}
