/**
 * Client evidence: what a canary listener saw when an appliance connected to it as a client, and
 * the facts a scan decides the client rules with.
 *
 * `hardcheck listen` records one {@link CanarySession} per connection into a
 * {@link ClientEvidenceFile}; a scan reads the file (or runs the listener itself) and turns the
 * sessions of each (target, listener) into the facts of {@link clientCanaryFacts} with
 * {@link clientFactsFrom}. The secret a client sends is never recorded, only that one was sent and by
 * which mechanism.
 */
import { defineFacts, type FactsOf } from "@hardcheck/core";
import { z } from "zod";

/** The protocols a canary listener speaks: the clear-text ones upgrade in-band, the others are TLS from the first byte. */
export const CANARY_PROTOCOLS = ["smtp", "smtps", "ldap", "ldaps", "https", "tds", "sips"] as const;
/** A protocol a canary listener speaks. */
export type CanaryProtocol = (typeof CANARY_PROTOCOLS)[number];

/**
 * The certificates a canary can present:
 * `site` (a chain from the site's CA, or the canary's own CA when the site gives none),
 * `self-signed`, `wrong-host` (a trusted chain for another name), `expired` (a trusted chain whose
 * leaf expired), `revocation` (a trusted chain whose AIA OCSP and CRL URLs point at the canary's own
 * responder, which answers "revoked").
 */
export const CANARY_CERTIFICATES = ["site", "self-signed", "wrong-host", "expired", "revocation"] as const;
/** A certificate a canary can present. */
export type CanaryCertificate = (typeof CANARY_CERTIFICATES)[number];

/** The certificates a client must refuse: going on after one of them means it does not validate. */
export const UNTRUSTWORTHY_CERTIFICATES: readonly CanaryCertificate[] = ["self-signed", "wrong-host", "expired", "revocation"];

const stringList = z.array(z.string());

/** What the client's ClientHello offered. */
export const clientHelloSchema = z.object({
  /** Record-layer and `supported_versions` versions offered, e.g. `TLSv1.2`, `TLSv1.3`. */
  versions: stringList,
  /** The highest version offered. */
  maxVersion: z.string().nullable(),
  /** IANA names of the suites offered (unknown codes as `0xNNNN`). */
  suites: stringList,
  /** Classes of the suites offered, in the tls.suites vocabulary (3des, rc4, export, null, cbc, …). */
  suiteClasses: stringList,
  /** The server name sent, or null when none. */
  sni: z.string().nullable(),
  signatureAlgorithms: stringList,
  groups: stringList,
});
/** What the client's ClientHello offered. */
export type ClientHello = z.infer<typeof clientHelloSchema>;

/** One connection from a client to a canary listener. */
export const canarySessionSchema = z.object({
  /** The listener's URL, e.g. `smtp://127.0.0.1:2525`. */
  listener: z.string(),
  protocol: z.enum(CANARY_PROTOCOLS),
  /** The target (appliance) the technician said this listener observes. */
  target: z.string(),
  /** The client's address and port. */
  peer: z.string(),
  certificate: z.enum(CANARY_CERTIFICATES),
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }),
  /** `client-close`, `timeout` (the session's bound), `alert` (the client sent a TLS alert), `error`. */
  endedBy: z.enum(["client-close", "timeout", "alert", "error"]),
  /** The ClientHello, or null when the client never started TLS. */
  hello: clientHelloSchema.nullable(),
  /** True when a clear-text protocol was upgraded (STARTTLS, StartTLS, PRELOGIN encryption); null for implicit TLS. */
  upgraded: z.boolean().nullable(),
  /** The mechanism by which the client sent a secret before TLS (`AUTH PLAIN`, `simple bind`, `SQL login`, …), or null. The secret itself is never kept. */
  credentialsBeforeTls: z.string().nullable(),
  /** True when the TLS handshake completed. */
  handshakeCompleted: z.boolean(),
  /** True when the client went on after the handshake (sent a protocol command over TLS). */
  continuedAfterHandshake: z.boolean(),
  /** The TLS alert the client sent, e.g. `unknown_ca`, `certificate_expired`, or null. */
  clientAlert: z.string().nullable(),
  /** True when the client asked the canary's OCSP responder about this session's certificate. */
  ocspRequested: z.boolean(),
  /** True when the client fetched the canary's CRL. */
  crlFetched: z.boolean(),
  /** What was said, made printable, secrets replaced by `[secret]`. */
  transcript: stringList,
});
/** One connection from a client to a canary listener. */
export type CanarySession = z.infer<typeof canarySessionSchema>;

/** The file `hardcheck listen` writes and `scan --client-evidence` reads. */
export const clientEvidenceFileSchema = z.object({
  kind: z.literal("hardcheck-client-evidence"),
  version: z.literal(1),
  recordedAt: z.iso.datetime({ offset: true }),
  sessions: z.array(canarySessionSchema),
});
/** The file `hardcheck listen` writes and `scan --client-evidence` reads. */
export type ClientEvidenceFile = z.infer<typeof clientEvidenceFileSchema>;

/** The facts a scan decides the client rules with, per (target, listener). */
export const clientCanaryFacts = defineFacts({
  "client.hello": {
    description:
      "The union of what the client's ClientHellos offered: { sessions, versions, maxVersion, suites, suiteClasses, sni, signatureAlgorithms, groups }; sessions is the number of ClientHellos seen.",
    schema: clientHelloSchema.omit({ sni: true }).extend({ sessions: z.int(), sni: stringList }),
  },
  "client.upgrade": {
    description:
      "{ protocol, sessions, tlsSessions, plainSessions, credentialsBeforeTls, mechanismsBeforeTls }: how many sessions reached TLS, how many stayed clear text, and whether a secret was sent before TLS (never the secret).",
    schema: z.object({
      protocol: z.enum(CANARY_PROTOCOLS),
      sessions: z.int(),
      tlsSessions: z.int(),
      plainSessions: z.int(),
      credentialsBeforeTls: z.boolean(),
      mechanismsBeforeTls: stringList,
    }),
  },
  "client.validation": {
    description:
      "{ presented, accepted, refused, alerts, validates }: the certificates presented, those after which the client went on and those it refused, its alerts; validates is false when it went on after any untrustworthy certificate, true when it refused every one presented, null when none was presented.",
    schema: z.object({
      presented: z.array(z.enum(CANARY_CERTIFICATES)),
      accepted: z.array(z.enum(CANARY_CERTIFICATES)),
      refused: z.array(z.enum(CANARY_CERTIFICATES)),
      alerts: stringList,
      validates: z.boolean().nullable(),
    }),
  },
  "client.revocation": {
    description:
      "{ presented, ocspRequested, crlFetched, checked }: whether a revocation-canary chain was presented and the client asked its OCSP responder or fetched its CRL.",
    schema: z.object({ presented: z.boolean(), ocspRequested: z.boolean(), crlFetched: z.boolean(), checked: z.boolean() }),
  },
});
/** The facts a scan decides the client rules with. */
export type ClientCanaryFacts = FactsOf<typeof clientCanaryFacts>;

const distinct = (values: Iterable<string>): string[] => [...new Set(values)].sort();

const VERSION_ORDER = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/** The facts of one (target, listener) from its sessions; `sessions` must all belong to it and not be empty. */
export function clientFactsFrom(sessions: readonly CanarySession[]): ClientCanaryFacts {
  const first = sessions[0];
  if (first === undefined) throw new Error("clientFactsFrom needs at least one session");
  const hellos = sessions.flatMap((session) => (session.hello ? [session.hello] : []));
  const versions = distinct(hellos.flatMap((hello) => hello.versions));
  const maxVersion = versions.reduce<string | null>(
    (best, version) => (best === null || VERSION_ORDER.indexOf(version) > VERSION_ORDER.indexOf(best) ? version : best),
    null,
  );
  const presented = [...new Set(sessions.map((session) => session.certificate))];
  const went = (session: CanarySession) => session.handshakeCompleted && session.continuedAfterHandshake;
  const accepted = presented.filter((certificate) => sessions.some((session) => session.certificate === certificate && went(session)));
  const refused = presented.filter((certificate) =>
    sessions.some((session) => session.certificate === certificate && session.hello !== null && !went(session)),
  );
  const untrustworthy = presented.filter((certificate) => UNTRUSTWORTHY_CERTIFICATES.includes(certificate));
  const tested = untrustworthy.filter((certificate) => accepted.includes(certificate) || refused.includes(certificate));
  const revocationSessions = sessions.filter((session) => session.certificate === "revocation");
  const ocspRequested = revocationSessions.some((session) => session.ocspRequested);
  const crlFetched = revocationSessions.some((session) => session.crlFetched);
  const mechanisms = distinct(sessions.flatMap((session) => (session.credentialsBeforeTls ? [session.credentialsBeforeTls] : [])));
  return {
    "client.hello": {
      sessions: hellos.length,
      versions,
      maxVersion,
      suites: distinct(hellos.flatMap((hello) => hello.suites)),
      suiteClasses: distinct(hellos.flatMap((hello) => hello.suiteClasses)),
      sni: distinct(hellos.flatMap((hello) => (hello.sni === null ? [] : [hello.sni]))),
      signatureAlgorithms: distinct(hellos.flatMap((hello) => hello.signatureAlgorithms)),
      groups: distinct(hellos.flatMap((hello) => hello.groups)),
    },
    "client.upgrade": {
      protocol: first.protocol,
      sessions: sessions.length,
      tlsSessions: sessions.filter((session) => session.hello !== null).length,
      plainSessions: sessions.filter((session) => session.hello === null).length,
      credentialsBeforeTls: mechanisms.length > 0,
      mechanismsBeforeTls: mechanisms,
    },
    "client.validation": {
      presented,
      accepted,
      refused,
      alerts: distinct(sessions.flatMap((session) => (session.clientAlert ? [session.clientAlert] : []))),
      validates: tested.length === 0 ? null : tested.every((certificate) => !accepted.includes(certificate)),
    },
    "client.revocation": {
      presented: revocationSessions.length > 0,
      ocspRequested,
      crlFetched,
      checked: ocspRequested || crlFetched,
    },
  };
}
