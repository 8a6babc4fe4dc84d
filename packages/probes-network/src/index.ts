/**
 * `@hardcheck/probes-network` — probes that need only a socket.
 *
 * @packageDocumentation
 */
import type { PluginContext, Probe } from "@hardcheck/core";
import { CLIENT_SCHEMES, clientCanaryProbe } from "./client-canary/client-canary.probe.js";
import { defaultCredentialsProbe } from "./default-credentials/default-credentials.probe.js";
import { httpProbe } from "./http/http.probe.js";
import { ldapProbe } from "./ldap/ldap.probe.js";
import { mssqlLoginProbe } from "./mssql-login/mssql-login.probe.js";
import { BUILTIN_NEGOTIATORS } from "./negotiators/builtin.js";
import { registeredNegotiators, registerNegotiator } from "./negotiators/registry.js";
import { rdpNegotiationProbe } from "./rdp-negotiation/rdp-negotiation.probe.js";
import { sipProbe } from "./sip/sip.probe.js";
import { smtpCapabilitiesProbe } from "./smtp-capabilities/smtp-capabilities.probe.js";
import { snmpProbe } from "./snmp/snmp.probe.js";
import { tcpConnectProbe } from "./tcp-connect/tcp-connect.probe.js";
import { tdsPreloginProbe } from "./tds-prelogin/tds-prelogin.probe.js";
import { createTlsChainProbe, tlsChainProbe } from "./tls-chain/tls-chain.probe.js";
import type { TlsProbeFactory } from "./tls-client/tls-probe.js";
import { createTlsHandshakeProbe, tlsHandshakeProbe } from "./tls-handshake/tls-handshake.probe.js";
import { createTlsOcspProbe, tlsOcspProbe } from "./tls-ocsp/tls-ocsp.probe.js";
import { createTlsVersionsSuitesProbe, tlsVersionsSuitesProbe } from "./tls-versions-suites/tls-versions-suites.probe.js";

// Canary listeners: how an appliance behaves as a client (`hardcheck listen`).
export {
  type BoundCanaryListener,
  type Canary,
  type CanaryListenerSpec,
  type CanaryOptions,
  clientEvidenceDocument,
  DEFAULT_SESSION_TIMEOUT_MS,
  LISTENING_PROTOCOLS,
  PRESENTABLE_CERTIFICATES,
  startCanary,
} from "./client-canary/canary.js";
export { type SiteChain, WRONG_HOST_NAME } from "./client-canary/certificates.js";
// Client evidence in a scan: the client endpoints of a target and the probe that reads them.
export { CLIENT_SCHEMES, clientCanaryProbe, clientEndpointsOf, clientScheme } from "./client-canary/client-canary.probe.js";
export { clientEvidenceFromDocument, readClientEvidenceFile } from "./client-canary/client-evidence-file.js";
export {
  CANARY_CERTIFICATES,
  CANARY_PROTOCOLS,
  type CanaryCertificate,
  type CanaryProtocol,
  type CanarySession,
  type ClientCanaryFacts,
  type ClientEvidenceFile,
  type ClientHello,
  canarySessionSchema,
  clientCanaryFacts,
  clientEvidenceFileSchema,
  clientFactsFrom,
  clientHelloSchema,
  UNTRUSTWORTHY_CERTIFICATES,
} from "./client-canary/evidence.js";
export { LDAP_STARTTLS_OID } from "./codecs/ldap/start-tls.js";
export { TlsParseError } from "./codecs/tls/parse-error.js";
// The pre-TLS seam: plugins register a negotiator for their scheme; the instance's TLS probes then run over it.
export {
  endHandshakeFraming,
  type HandshakeFramedStream,
  isTlsNotOffered,
  type NegotiationContext,
  NegotiationError,
  type NegotiatorTable,
  type PreTlsNegotiator,
  TlsNotOfferedError,
} from "./connection/negotiation.js";
export { IMPLICIT_TLS_SCHEMES, openTlsStream, type TlsStream, tlsProbeSchemes, unlessTlsNotOffered } from "./connection/tls-stream.js";
export type {
  CredentialProtocol,
  CredentialTry,
  CredentialTryOutcome,
  DefaultAccount,
  DefaultCredentialsFact,
  DefaultCredentialsFacts,
} from "./default-credentials/default-credentials.probe.js";
export { defaultCredentialsProbe } from "./default-credentials/default-credentials.probe.js";
export type { HttpFacts, HttpResponseFact } from "./http/http.probe.js";
export { httpProbe } from "./http/http.probe.js";
export type { CookieFlags, HstsPolicy } from "./http/http-headers.js";
export type { LdapAnonymousBindFact, LdapClearTextBindFact, LdapFacts, LdapRootDseFact, LdapStartTlsFact } from "./ldap/ldap.probe.js";
export { ldapProbe } from "./ldap/ldap.probe.js";
export { MSSQL_CREDENTIALS, type MssqlLoginFacts, type MssqlSessionsFact, mssqlLoginProbe } from "./mssql-login/mssql-login.probe.js";
export { BUILTIN_NEGOTIATOR_TABLE, BUILTIN_NEGOTIATORS } from "./negotiators/builtin.js";
export { ldapStartTls } from "./negotiators/ldap-starttls.js";
export { rdpTls } from "./negotiators/rdp-tls.js";
export { NEGOTIATOR, type NegotiatorRegistration, negotiatorTable, registeredNegotiators, registerNegotiator } from "./negotiators/registry.js";
export { smtpStartTls } from "./negotiators/smtp-starttls.js";
export { tdsPreloginTls } from "./negotiators/tds-prelogin-tls.js";
export type { RdpAttempt, RdpNegotiationFact, RdpNegotiationFacts } from "./rdp-negotiation/rdp-negotiation.probe.js";
export { rdpNegotiationProbe } from "./rdp-negotiation/rdp-negotiation.probe.js";
export type { SipFacts, SipTransportFact } from "./sip/sip.probe.js";
export { sipProbe } from "./sip/sip.probe.js";
export type { SmtpAuthenticationFact, SmtpCapabilitiesFacts, SmtpClearTextAuthFact, SmtpStartTlsFact } from "./smtp-capabilities/smtp-capabilities.probe.js";
export { SMTP_CREDENTIALS, smtpCapabilitiesProbe } from "./smtp-capabilities/smtp-capabilities.probe.js";
export type { SnmpCommunitiesFact, SnmpFacts, SnmpOutcome, SnmpV3Attempt, SnmpV3Fact } from "./snmp/snmp.probe.js";
export { DEFAULT_COMMUNITIES, SNMP_CREDENTIALS, SYS_DESCR_OID, snmpProbe } from "./snmp/snmp.probe.js";
export type { TcpConnectFacts, TcpState } from "./tcp-connect/tcp-connect.probe.js";
export { tcpConnectProbe } from "./tcp-connect/tcp-connect.probe.js";
export type { TdsEncryptionMode, TdsPreloginFact, TdsPreloginFacts, TdsStrictFact } from "./tds-prelogin/tds-prelogin.probe.js";
export { tdsPreloginProbe } from "./tds-prelogin/tds-prelogin.probe.js";
export type { ChainFailure } from "./tls-chain/chain-validators.js";
export type { TlsChainCertificateFact, TlsChainFacts, TlsChainValidationFact } from "./tls-chain/tls-chain.probe.js";
export { createTlsChainProbe, tlsChainProbe } from "./tls-chain/tls-chain.probe.js";
export { defineTlsProbe, type TlsProbeDefinition, type TlsProbeFactory, type TlsReach } from "./tls-client/tls-probe.js";
export type {
  TlsChainCertificate,
  TlsHandshakeFact,
  TlsHandshakeFacts,
  TlsHostnameFact,
  TlsLeafFact,
  TlsTrustFact,
} from "./tls-handshake/tls-handshake.probe.js";
export { createTlsHandshakeProbe, tlsHandshakeProbe } from "./tls-handshake/tls-handshake.probe.js";
export type { CrlStatus, TlsCrlFact } from "./tls-ocsp/crl.js";
export { MAX_CRL_BYTES } from "./tls-ocsp/crl.js";
export type { OcspCheckFact, OcspStatus, TlsOcspFact, TlsOcspFacts } from "./tls-ocsp/tls-ocsp.probe.js";
export { createTlsOcspProbe, tlsOcspProbe } from "./tls-ocsp/tls-ocsp.probe.js";
export type { TlsScanFact, TlsSuitesFact, TlsVersionSuites, TlsVersionsFact, TlsVersionsSuitesFacts } from "./tls-versions-suites/tls-versions-suites.probe.js";
export { createTlsVersionsSuitesProbe, tlsVersionsSuitesProbe } from "./tls-versions-suites/tls-versions-suites.probe.js";

/** The probes this package provides; the TLS ones as built over the built-in negotiators. */
export const probes: readonly Probe[] = [
  tcpConnectProbe,
  tlsHandshakeProbe,
  tlsVersionsSuitesProbe,
  tlsChainProbe,
  tlsOcspProbe,
  smtpCapabilitiesProbe,
  ldapProbe,
  tdsPreloginProbe,
  mssqlLoginProbe,
  snmpProbe,
  httpProbe,
  rdpNegotiationProbe,
  sipProbe,
  defaultCredentialsProbe,
  clientCanaryProbe,
];

/** The TLS probes by id, each built per instance over the negotiators every plugin of it registered. */
const TLS_PROBE_FACTORIES: ReadonlyMap<string, TlsProbeFactory> = new Map([
  [tlsHandshakeProbe.meta.id, createTlsHandshakeProbe],
  [tlsVersionsSuitesProbe.meta.id, createTlsVersionsSuitesProbe],
  [tlsChainProbe.meta.id, createTlsChainProbe],
  [tlsOcspProbe.meta.id, createTlsOcspProbe],
]);

/**
 * Registers this package's negotiators and probes with a hardcheck instance. The TLS probes are
 * registered as factories: they serve the implicit-TLS schemes and every scheme a negotiator is
 * registered for in the same instance, by this package or any other plugin.
 *
 * @example
 * ```ts
 * import { register as networkProbes } from "@hardcheck/probes-network";
 * const hardcheck = await Hardcheck.create({ plugins: [networkProbes], config });
 * ```
 */
export function register(context: PluginContext): void {
  for (const { scheme, negotiator } of BUILTIN_NEGOTIATORS) registerNegotiator(context, scheme, negotiator);
  // A client endpoint is a canary's listener address; its port is whatever the technician chose.
  for (const scheme of CLIENT_SCHEMES) context.registerScheme({ name: scheme, defaultPort: -1, example: `${scheme}://127.0.0.1:2525` });
  for (const probe of probes) {
    const factory = TLS_PROBE_FACTORIES.get(probe.meta.id);
    if (factory) context.registerProbe((container) => factory(registeredNegotiators(container)));
    else context.registerProbe(probe);
  }
}
