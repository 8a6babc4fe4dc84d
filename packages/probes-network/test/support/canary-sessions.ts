/**
 * Canary sessions as `hardcheck listen` records them, for tests of the scan side: a careful client
 * (TLS 1.2+, strong suites, refuses every untrustworthy certificate) and the ways a careless one
 * differs. The facts are decided by the contract's own `clientFactsFrom`.
 */
import type { CanaryCertificate, CanaryProtocol, CanarySession, ClientEvidenceFile, ClientHello } from "../../src/client-canary/evidence.js";

/** A modern client's ClientHello: TLS 1.2 and 1.3, AEAD suites only. */
export const MODERN_HELLO: ClientHello = {
  versions: ["TLSv1.2", "TLSv1.3"],
  maxVersion: "TLSv1.3",
  suites: ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
  suiteClasses: [],
  sni: "canary.test",
  signatureAlgorithms: ["rsa_pss_rsae_sha256", "ecdsa_secp256r1_sha256"],
  groups: ["x25519", "secp256r1"],
};

/** An old client's ClientHello: TLS 1.0 to 1.2, 3DES and RC4 still offered. */
export const LEGACY_HELLO: ClientHello = {
  versions: ["TLSv1", "TLSv1.1", "TLSv1.2"],
  maxVersion: "TLSv1.2",
  suites: ["TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"],
  suiteClasses: ["3des", "64-bit-block", "cbc", "no-forward-secrecy", "rc4"],
  sni: null,
  signatureAlgorithms: ["rsa_pkcs1_sha1", "rsa_pkcs1_sha256"],
  groups: ["secp256r1"],
};

const PORTS: Readonly<Record<CanaryProtocol, number>> = { smtp: 2525, smtps: 4465, ldap: 3389, ldaps: 3636, https: 8443, tds: 14330, sips: 5061 };

/** One session; by default a careful client that upgraded, validated and went on after the site's certificate. */
export function canarySession(overrides: Partial<CanarySession> & { protocol?: CanaryProtocol } = {}): CanarySession {
  const protocol = overrides.protocol ?? "smtp";
  const certificate: CanaryCertificate = overrides.certificate ?? "site";
  const trusted = certificate === "site";
  const upgrading = protocol === "smtp" || protocol === "ldap" || protocol === "tds";
  return {
    listener: `${protocol}://127.0.0.1:${PORTS[protocol]}`,
    protocol,
    target: "concierge",
    peer: "127.0.0.1:50000",
    certificate,
    startedAt: "2026-11-24T08:00:00Z",
    endedAt: "2026-11-24T08:00:02Z",
    endedBy: trusted ? "client-close" : "alert",
    hello: MODERN_HELLO,
    upgraded: upgrading ? true : null,
    credentialsBeforeTls: null,
    handshakeCompleted: trusted,
    continuedAfterHandshake: trusted,
    clientAlert: trusted ? null : certificate === "expired" ? "certificate_expired" : certificate === "wrong-host" ? "bad_certificate" : "unknown_ca",
    ocspRequested: false,
    crlFetched: false,
    transcript: [],
    ...overrides,
  };
}

const UNTRUSTWORTHY: readonly CanaryCertificate[] = ["self-signed", "wrong-host", "expired"];

/** A careful client on `protocol`: the site's certificate accepted, every untrustworthy one refused. */
export function carefulClient(protocol: CanaryProtocol, target = "concierge"): CanarySession[] {
  return ["site" as const, ...UNTRUSTWORTHY].map((certificate) => canarySession({ protocol, target, certificate }));
}

/**
 * A careless client on `protocol`: it goes on after every certificate, offers 3DES, RC4 and TLS 1.0,
 * and (on a clear-text protocol) sends its credentials before TLS once.
 */
export function carelessClient(protocol: CanaryProtocol, target = "concierge"): CanarySession[] {
  const mechanism = protocol === "smtp" ? "AUTH PLAIN" : protocol === "ldap" ? "simple bind" : protocol === "tds" ? "SQL login" : null;
  const accepting = ["site" as const, ...UNTRUSTWORTHY].map((certificate) =>
    canarySession({
      protocol,
      target,
      certificate,
      hello: LEGACY_HELLO,
      endedBy: "client-close",
      handshakeCompleted: true,
      continuedAfterHandshake: true,
      clientAlert: null,
    }),
  );
  const plain = mechanism
    ? [
        canarySession({
          protocol,
          target,
          hello: null,
          upgraded: false,
          credentialsBeforeTls: mechanism,
          handshakeCompleted: false,
          continuedAfterHandshake: false,
        }),
      ]
    : [];
  return [...plain, ...accepting];
}

/** An evidence file holding `sessions`. */
export function evidenceFile(sessions: readonly CanarySession[]): ClientEvidenceFile {
  return { kind: "hardcheck-client-evidence", version: 1, recordedAt: "2026-11-24T08:05:00Z", sessions: [...sessions] };
}
