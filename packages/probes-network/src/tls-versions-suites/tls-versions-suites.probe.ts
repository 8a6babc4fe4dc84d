/** Every protocol version and cipher suite the server accepts, found with raw ClientHellos. */
import { defineFacts, type EndpointProbe, type FactsOf, type JsonObject, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import { type CipherSuiteClass, cipherSuiteByCode } from "../codecs/tls/cipher-suites.js";
import { TLS_VERSIONS, type TlsVersionName } from "../codecs/tls/client-hello.js";
import { serverNameOf } from "../connection/address.js";
import { openTlsStream, unlessTlsNotOffered } from "../connection/tls-stream.js";
import { BUILTIN_NEGOTIATOR_TABLE } from "../negotiators/builtin.js";
import { enumerateVersionsAndSuites } from "../tls-client/enumerate.js";
import { defineTlsProbe, type TlsProbeFactory } from "../tls-client/tls-probe.js";

/** `tls.versions`: which protocol versions the server completes a hello for. */
export type TlsVersionsFact = {
  /** Accepted versions, oldest first: `SSLv3`, `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`. */
  accepted: string[];
  /** Scanned versions the server refused, oldest first. */
  refused: string[];
  /** Oldest accepted version. */
  lowest: string;
  /** Newest accepted version. */
  highest: string;
};

/** The accepted suites of one version. */
export type TlsVersionSuites = {
  /** IANA names; in the server's order when `serverPreference`, else in the order found. */
  suites: string[];
  /** True when the server, not the client, decides the order; null with fewer than two suites. */
  serverPreference: boolean | null;
};

/** `tls.suites`: accepted suites per version, and the weakness classes among them. */
export type TlsSuitesFact = {
  byVersion: Record<string, TlsVersionSuites>;
  /** Every accepted suite, IANA name, sorted. */
  names: string[];
  /** Weakness classes of the accepted suites (`3des`, `rc4`, `null`, `export`, `anonymous`, `des`, `64-bit-block`, `md5`, `cbc`, `no-forward-secrecy`), sorted. */
  classes: CipherSuiteClass[];
  /** Accepted suites per class, so a failing rule can name them. */
  suitesByClass: Record<string, string[]>;
};

/** `tls.scan`: the cost of the scan. */
export type TlsScanFact = {
  /** ClientHellos sent, each on its own TCP connection. */
  handshakes: number;
};

function requestedVersions(params: JsonObject): readonly TlsVersionName[] {
  const requested = params.versions;
  if (requested === undefined) return TLS_VERSIONS;
  if (!Array.isArray(requested) || requested.length === 0 || !requested.every((v) => (TLS_VERSIONS as readonly unknown[]).includes(v))) {
    throw new Error(`parameter versions must be a non-empty list of ${TLS_VERSIONS.join(", ")}`);
  }
  return requested as TlsVersionName[];
}

/** The facts `tls-versions-suites` produces, each with its schema and meaning. */
export const tlsVersionsSuitesFacts = defineFacts({
  "tls.versions": {
    description: "`{ accepted, refused, lowest, highest }` — version names (`SSLv3`, `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`), oldest first.",
    schema: z.object({
      accepted: z.array(z.string()),
      refused: z.array(z.string()),
      lowest: z.string(),
      highest: z.string(),
    }) satisfies z.ZodType<TlsVersionsFact>,
  },
  "tls.suites": {
    description:
      '`{ byVersion: { "TLSv1.2": { suites, serverPreference } }, names, classes, suitesByClass }` — IANA names; `serverPreference` true when the server decides the order (then `suites` is in its order), null with one suite.',
    schema: z.object({
      byVersion: z.record(
        z.string(),
        z.object({ suites: z.array(z.string()), serverPreference: z.boolean().nullable() }) satisfies z.ZodType<TlsVersionSuites>,
      ),
      names: z.array(z.string()),
      classes: z.array(z.enum(["null", "export", "anonymous", "rc4", "des", "3des", "64-bit-block", "md5", "cbc", "no-forward-secrecy"])),
      suitesByClass: z.record(z.string(), z.array(z.string())),
    }) satisfies z.ZodType<TlsSuitesFact>,
  },
  "tls.scan": {
    description: "`{ handshakes }` — ClientHellos sent, each on its own TCP connection.",
    schema: z.object({ handshakes: z.number() }) satisfies z.ZodType<TlsScanFact>,
  },
});
/** The facts `tls-versions-suites` produces, as the collector checks them. */
export type TlsVersionsSuitesFacts = FactsOf<typeof tlsVersionsSuitesFacts>;

/**
 * Scans SSL 3.0 … TLS 1.3 and all IANA cipher suites with hand-built ClientHellos — no crypto
 * library involved, so suites the local OpenSSL dropped (3DES, RC4, EXPORT, NULL) are found too.
 * Runs after the scheme's pre-TLS negotiation (SMTP STARTTLS).
 *
 * Parameters: `versions` (list) restricts the versions scanned.
 */
export const createTlsVersionsSuitesProbe: TlsProbeFactory = defineTlsProbe({
  meta: {
    id: "tls-versions-suites",
    description: "Finds every accepted protocol version and cipher suite (full IANA registry) with raw ClientHellos, and the server's suite order.",
    facts: tlsVersionsSuitesFacts,
  },
  collect: (endpoint, params, deps, reach) =>
    unlessTlsNotOffered(async () => {
      if (!reach.schemes.includes(endpoint.scheme)) return notApplicable(`${endpoint.scheme} has no TLS layer hardcheck can reach`);
      const versions = requestedVersions(params);
      const result = await enumerateVersionsAndSuites({
        openStream: () => openTlsStream(endpoint, deps, reach.negotiators),
        servername: serverNameOf(endpoint),
        timeoutMs: deps.limits.connectTimeoutMs,
        signal: deps.signal,
        versions,
      });
      const accepted = result.versions.filter((version) => version.accepted).map((version) => version.version);
      const byVersion: Record<string, TlsVersionSuites> = {};
      const names = new Set<string>();
      const suitesByClass: Record<string, Set<string>> = {};
      for (const scanned of result.versions) {
        if (!scanned.accepted) continue;
        const suites = scanned.suites.map(cipherSuiteByCode);
        byVersion[scanned.version] = { suites: suites.map((suite) => suite.name), serverPreference: scanned.serverPreference };
        for (const suite of suites) {
          names.add(suite.name);
          for (const suiteClass of suite.classes) {
            const members = suitesByClass[suiteClass] ?? new Set<string>();
            members.add(suite.name);
            suitesByClass[suiteClass] = members;
          }
        }
      }
      const facts: TlsVersionsSuitesFacts = {
        "tls.versions": {
          accepted,
          refused: result.versions.filter((version) => !version.accepted).map((version) => version.version),
          lowest: accepted[0] as string,
          highest: accepted[accepted.length - 1] as string,
        },
        "tls.suites": {
          byVersion,
          names: [...names].sort(),
          classes: Object.keys(suitesByClass).sort() as CipherSuiteClass[],
          suitesByClass: Object.fromEntries(
            Object.entries(suitesByClass)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([name, suites]) => [name, [...suites].sort()]),
          ),
        },
        "tls.scan": { handshakes: result.handshakes },
      };
      return { facts };
    }),
});

/** `tls-versions-suites` over the built-in negotiators; instances build theirs with {@link createTlsVersionsSuitesProbe}. */
export const tlsVersionsSuitesProbe: EndpointProbe = createTlsVersionsSuitesProbe(BUILTIN_NEGOTIATOR_TABLE);
