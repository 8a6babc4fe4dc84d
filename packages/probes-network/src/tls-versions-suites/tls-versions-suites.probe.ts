/** Every protocol version and cipher suite the server accepts, found with raw ClientHellos. */
import { compareText, defineFacts, type EndpointProbe, type FactsOf, type JsonObject, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import { type CipherSuiteClass, cipherSuiteByCode } from "../codecs/tls/cipher-suites.js";
import { TLS_VERSIONS, type TlsVersionName } from "../codecs/tls/client-hello.js";
import { bitLength, judgeDhPrime } from "../codecs/tls/finite-field-groups.js";
import { serverNameOf } from "../connection/address.js";
import { openTlsStream, unlessTlsNotOffered } from "../connection/tls-stream.js";
import { BUILTIN_NEGOTIATOR_TABLE } from "../negotiators/builtin.js";
import { type EnumerationResult, enumerateVersionsAndSuites } from "../tls-client/enumerate.js";
import { scanKeyExchangeGroups } from "../tls-client/key-exchange-groups.js";
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

/** How a finite-field DH group was judged. */
export type DhGroupVerdict = "known-safe-group" | "safe-prime" | "not-safe-prime" | "composite" | "untested";

/** One finite-field DH group the server sent. */
export type TlsDhGroup = {
  /** Size of the prime p in bits. */
  bits: number;
  /** The generator g, in decimal. */
  generator: string;
  /** The published safe group p is (`ffdhe2048` … `ffdhe8192`, `modp1536` … `modp8192`), or null. */
  knownGroup: string | null;
  /** `known-safe-group`, else what the primality tests of p and (p−1)/2 found (`untested` above 4096 bits). */
  verdict: DhGroupVerdict;
  /** The DHE suites it came with, IANA names. */
  suites: string[];
};

/** `tls.dh`: the finite-field DH groups behind the accepted DHE suites. */
export type TlsDhFact = {
  groups: TlsDhGroup[];
  /** Smallest group in bits; null when the server accepts no DHE suite. */
  smallestBits: number | null;
  /** The distinct verdicts of the groups, sorted, so that a rule can forbid some. */
  verdicts: DhGroupVerdict[];
};

/** `tls.ecdhe`: the curves the server accepts for ECDHE in TLS 1.2 and older. */
export type TlsEcdheFact = {
  /** Accepted curves, in the order the server picked them. */
  curves: { name: string; bits: number }[];
  /** Smallest accepted curve's size class in bits; null when the server accepts no ECDHE suite below TLS 1.3. */
  smallestBits: number | null;
};

/** `tls.scan`: the cost of the scan. */
export type TlsScanFact = {
  /** ClientHellos sent to find versions and suites, each on its own TCP connection. */
  handshakes: number;
  /** ClientHellos sent afterwards to read the DH groups and curves. */
  groupHandshakes: number;
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
  "tls.dh": {
    description:
      "`{ groups: [{ bits, generator, knownGroup, verdict, suites }], smallestBits, verdicts }` — every finite-field DH group sent with an accepted DHE suite; `verdict` is `known-safe-group` (RFC 7919, RFC 3526), `safe-prime`, `not-safe-prime`, `composite` or `untested` (unpublished and above 4096 bits); `smallestBits` null without DHE.",
    schema: z.object({
      groups: z.array(
        z.object({
          bits: z.number(),
          generator: z.string(),
          knownGroup: z.string().nullable(),
          verdict: z.enum(["known-safe-group", "safe-prime", "not-safe-prime", "composite", "untested"]),
          suites: z.array(z.string()),
        }),
      ),
      smallestBits: z.number().nullable(),
      verdicts: z.array(z.enum(["known-safe-group", "safe-prime", "not-safe-prime", "composite", "untested"])),
    }) satisfies z.ZodType<TlsDhFact>,
  },
  "tls.ecdhe": {
    description:
      "`{ curves: [{ name, bits }], smallestBits }` — curves accepted for ECDHE in TLS 1.2 and older, in the server's order; `bits` is the size in the curve's name (X25519 counts as 256); `smallestBits` null without such suites.",
    schema: z.object({
      curves: z.array(z.object({ name: z.string(), bits: z.number() })),
      smallestBits: z.number().nullable(),
    }) satisfies z.ZodType<TlsEcdheFact>,
  },
  "tls.scan": {
    description:
      "`{ handshakes, groupHandshakes }` — ClientHellos sent for versions and suites, then for DH groups and curves, each on its own TCP connection.",
    schema: z.object({ handshakes: z.number(), groupHandshakes: z.number() }) satisfies z.ZodType<TlsScanFact>,
  },
});
/** The facts `tls-versions-suites` produces, as the collector checks them. */
export type TlsVersionsSuitesFacts = FactsOf<typeof tlsVersionsSuitesFacts>;

/** The newest version up to TLS 1.2 that accepted suites of a key exchange, with those suites. */
function acceptedWith(result: EnumerationResult, keyExchange: RegExp): { version: TlsVersionName; suites: number[] } | null {
  for (const scanned of [...result.versions].reverse()) {
    if (!scanned.accepted || scanned.version === "TLSv1.3") continue;
    const suites = scanned.suites.filter((code) => keyExchange.test(cipherSuiteByCode(code).name));
    if (suites.length > 0) return { version: scanned.version, suites };
  }
  return null;
}

function dhGroupVerdict(prime: bigint, generator: bigint): { knownGroup: string | null; verdict: DhGroupVerdict } {
  const judged = judgeDhPrime(prime, generator);
  if (judged.knownGroup) return { knownGroup: judged.knownGroup, verdict: "known-safe-group" };
  if (judged.prime === false) return { knownGroup: null, verdict: "composite" };
  if (judged.prime === null || judged.safePrime === null) return { knownGroup: null, verdict: "untested" };
  return { knownGroup: null, verdict: judged.safePrime ? "safe-prime" : "not-safe-prime" };
}

/**
 * Scans SSL 3.0 … TLS 1.3 and all IANA cipher suites with hand-built ClientHellos — no crypto
 * library involved, so suites the local OpenSSL dropped (3DES, RC4, EXPORT, NULL) are found too.
 * Then reads the DH group of the accepted DHE suites (and tests it when it is not a published safe
 * group) and the curves accepted for ECDHE. Runs after the scheme's pre-TLS negotiation (SMTP STARTTLS).
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
      const groups = await scanKeyExchangeGroups({
        openStream: () => openTlsStream(endpoint, deps, reach.negotiators),
        servername: serverNameOf(endpoint),
        timeoutMs: deps.limits.connectTimeoutMs,
        signal: deps.signal,
        dhe: acceptedWith(result, /^(TLS|SSL)_(DHE|DH_anon)_/),
        ecdhe: acceptedWith(result, /^TLS_(ECDHE|ECDH_anon)_/),
      });
      const dhGroups: TlsDhGroup[] = groups.finiteFieldGroups.map((group) => ({
        bits: bitLength(group.prime),
        generator: group.generator.toString(10),
        ...dhGroupVerdict(group.prime, group.generator),
        suites: [...group.suites],
      }));
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
              .sort(([a], [b]) => compareText(a, b))
              .map(([name, suites]) => [name, [...suites].sort()]),
          ),
        },
        "tls.dh": {
          groups: dhGroups,
          smallestBits: dhGroups.length > 0 ? Math.min(...dhGroups.map((group) => group.bits)) : null,
          verdicts: [...new Set(dhGroups.map((group) => group.verdict))].sort(),
        },
        "tls.ecdhe": {
          curves: groups.curves.map((curve) => ({ name: curve.name, bits: curve.bits })),
          smallestBits: groups.curves.length > 0 ? Math.min(...groups.curves.map((curve) => curve.bits)) : null,
        },
        "tls.scan": { handshakes: result.handshakes, groupHandshakes: groups.handshakes },
      };
      return { facts };
    }),
});

/** `tls-versions-suites` over the built-in negotiators; instances build theirs with {@link createTlsVersionsSuitesProbe}. */
export const tlsVersionsSuitesProbe: EndpointProbe = createTlsVersionsSuitesProbe(BUILTIN_NEGOTIATOR_TABLE);
