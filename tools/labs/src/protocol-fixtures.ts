/**
 * The specification fixtures for the protocols no real server can serve here (SQL Server's TDS,
 * Windows' RDP). They stay beside the probes whose tests they serve, because they frame their
 * packets with those probes' codecs; the labs re-export them so examples and benches name one package.
 */

export {
  answerFor,
  type RdpFixture,
  type RdpFixturePolicy,
  startRdpFixture,
} from "../../../packages/probes-network/src/rdp-negotiation/fixtures/rdp-fixture.js";
export {
  type ClientNextStep,
  encryptionAnswer,
  FIXTURE_ENCRYPTION,
  startTdsFixture,
  type TdsFixture,
  type TdsFixtureCertificate,
  type TdsFixtureMode,
  type TdsFixtureTls,
} from "../../../packages/probes-network/src/tds-prelogin/fixtures/tds-fixture.js";
export type { TdsSessionSetup } from "../../../packages/probes-network/src/tds-prelogin/fixtures/tds-session.js";
