/**
 * `@hardcheck/probes-network` — probes that need only a socket.
 *
 * @packageDocumentation
 */
import type { PluginContext, Probe } from "@hardcheck/core";
import { defaultCredentialsProbe } from "./default-credentials/default-credentials.probe.js";
import { httpProbe } from "./http/http.probe.js";
import { ldapProbe } from "./ldap/ldap.probe.js";
import { mssqlLoginProbe } from "./mssql-login/mssql-login.probe.js";
import { rdpNegotiationProbe } from "./rdp-negotiation/rdp-negotiation.probe.js";
import { sipProbe } from "./sip/sip.probe.js";
import { smtpCapabilitiesProbe } from "./smtp-capabilities/smtp-capabilities.probe.js";
import { snmpProbe } from "./snmp/snmp.probe.js";
import { tcpConnectProbe } from "./tcp-connect/tcp-connect.probe.js";
import { tdsPreloginProbe } from "./tds-prelogin/tds-prelogin.probe.js";
import { tlsChainProbe } from "./tls-chain/tls-chain.probe.js";
import { tlsHandshakeProbe } from "./tls-handshake/tls-handshake.probe.js";
import { tlsOcspProbe } from "./tls-ocsp/tls-ocsp.probe.js";
import { tlsVersionsSuitesProbe } from "./tls-versions-suites/tls-versions-suites.probe.js";

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
export { LDAP_STARTTLS_OID, ldapStartTls } from "./negotiators/ldap-starttls.js";
// The pre-TLS seam: protocol probes register a negotiator for their scheme; TLS probes then run over it.
export {
  endHandshakeFraming,
  type HandshakeFramedStream,
  isTlsNotOffered,
  type NegotiationContext,
  NegotiationError,
  negotiatedSchemes,
  negotiatorForScheme,
  type PreTlsNegotiator,
  registerNegotiator,
  TlsNotOfferedError,
} from "./negotiators/negotiator.js";
export { openTlsStream, TLS_PROBE_SCHEMES, type TlsStream, unlessTlsNotOffered } from "./negotiators/open-tls-stream.js";
export { rdpTls } from "./negotiators/rdp-tls.js";
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
export { tlsChainProbe } from "./tls-chain/tls-chain.probe.js";
export type {
  TlsChainCertificate,
  TlsHandshakeFact,
  TlsHandshakeFacts,
  TlsHostnameFact,
  TlsLeafFact,
  TlsTrustFact,
} from "./tls-handshake/tls-handshake.probe.js";
export { tlsHandshakeProbe } from "./tls-handshake/tls-handshake.probe.js";
export type { OcspCheckFact, OcspStatus, TlsOcspFact, TlsOcspFacts } from "./tls-ocsp/tls-ocsp.probe.js";
export { tlsOcspProbe } from "./tls-ocsp/tls-ocsp.probe.js";
export type { TlsScanFact, TlsSuitesFact, TlsVersionSuites, TlsVersionsFact, TlsVersionsSuitesFacts } from "./tls-versions-suites/tls-versions-suites.probe.js";
export { tlsVersionsSuitesProbe } from "./tls-versions-suites/tls-versions-suites.probe.js";
export { TlsParseError } from "./tls-wire/parse-error.js";

/** The probes this package provides. */
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
];

/**
 * Registers this package's probes with a hardcheck instance.
 *
 * @example
 * ```ts
 * import { register as networkProbes } from "@hardcheck/probes-network";
 * const hardcheck = await Hardcheck.create({ plugins: [networkProbes], config });
 * ```
 */
export function register(context: PluginContext): void {
  for (const probe of probes) context.registerProbe(probe);
}
