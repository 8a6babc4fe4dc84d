/**
 * `@hardcheck/labs` — the labs hardcheck's own tests, examples and benches scan: real Debian
 * servers (Postfix, slapd, snmpd, nginx, Kamailio, xrdp) started from generated configs on loopback,
 * the TLS lab of openssl and gnutls servers, the TDS and RDP specification fixtures, and the probe
 * deps those tests hand a probe. Private: never published, never imported by a published package's
 * runtime code.
 *
 * @packageDocumentation
 */
export { type ProbeTestDepsOptions, probeTestDeps } from "./probe-test-deps.js";
export {
  answerFor,
  type ClientNextStep,
  encryptionAnswer,
  FIXTURE_ENCRYPTION,
  type RdpFixture,
  type RdpFixturePolicy,
  startRdpFixture,
  startTdsFixture,
  type TdsFixture,
  type TdsFixtureCertificate,
  type TdsFixtureMode,
  type TdsFixtureTls,
  type TdsSessionSetup,
} from "./protocol-fixtures.js";
export { type KamailioLab, startKamailioLab } from "./servers/kamailio.js";
export { createLabDir, type LabDir, type LabProcess, reserveLoopbackPort, startLabProcess, tcpPortAnswers } from "./servers/lab-process.js";
export { type NginxLab, type NginxSite, startNginxLab, startNginxTlsServer } from "./servers/nginx.js";
export { type PostfixLab, type PostfixService, startPostfixLab } from "./servers/postfix.js";
export { SLAPD_ROOT_DN, type SlapdLab, type SlapdPosture, startSlapdLab } from "./servers/slapd.js";
export { reserveLoopbackUdpPort, type SnmpdLab, type SnmpdPosture, startSnmpdLab } from "./servers/snmpd.js";
export { startXrdpLab, XRDP_TLS_VERSIONS, type XrdpLab, type XrdpPosture } from "./servers/xrdp.js";
export { tediousLogin } from "./tedious-login.js";
export { CAREFUL_TLS12_SUITES, type LabServerName, startTlsLab, type TlsLab } from "./tls-lab.js";
