/**
 * The OpenScape lab's protocol servers, in the postures a Concierge site must not have: the same
 * Debian servers and TDS specification fixture the probe tests and the demo lab use (the private
 * `@hardcheck/labs` package). lab.mjs bundles this file
 * with esbuild at start, so the launchers stay one TypeScript source and no test-only code ends up
 * in a published package.
 */

import { startNginxLab, startPostfixLab, startSlapdLab, startSnmpdLab, startTdsFixture } from "@hardcheck/labs";
import { createTestPki } from "@hardcheck/testkit";

/** The running servers: one endpoint URL per role, and the CAs that issued their certificates. */
export type SiteProtocols = {
  /** Role → endpoint URL. */
  readonly endpoints: Readonly<Record<"web" | "smtp" | "ldap" | "sql" | "snmp", string>>;
  /** PEM CA certificates of the servers' lab PKIs, to trust in the scan. */
  readonly caPems: readonly string[];
  close(): Promise<void>;
};

/**
 * Starts nginx serving plain HTTP without a redirect to HTTPS, Postfix on its service without STARTTLS, slapd open (anonymous and clear-text binds),
 * the TDS fixture with a certificate but encryption not forced, and snmpd answering `public`.
 * Starting is all-or-nothing: if one server fails, the others are stopped before the error.
 */
export async function startSiteProtocols(): Promise<SiteProtocols> {
  const pki = createTestPki({ caCommonName: "OpenScape lab SQL Server CA" });
  const leaf = pki.issueLeaf({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"] });
  const started = await Promise.allSettled([
    startPostfixLab(),
    startSlapdLab("open"),
    startTdsFixture("optional", leaf),
    startSnmpdLab("community"),
    startNginxLab(),
  ] as const);
  const running = started.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
  const close = async () => {
    await Promise.all(running.map((server) => server.close()));
  };
  const failure = started.find((outcome) => outcome.status === "rejected");
  if (failure) {
    await close();
    throw new Error(
      "the OpenScape lab could not start a protocol server; install the packages in scripts/system-packages.txt (bash scripts/install-system-deps.sh)",
      { cause: failure.reason },
    );
  }
  const [postfix, slapd, tds, snmpd, nginx] = [
    fulfilled(started[0]),
    fulfilled(started[1]),
    fulfilled(started[2]),
    fulfilled(started[3]),
    fulfilled(started[4]),
  ];
  return {
    endpoints: {
      web: `http://127.0.0.1:${nginx.ports.plain}`,
      smtp: `smtp://127.0.0.1:${postfix.ports["no-starttls"]}`,
      ldap: `ldap://127.0.0.1:${slapd.ldapPort}`,
      sql: `mssql://127.0.0.1:${tds.port}`,
      snmp: `snmp://127.0.0.1:${snmpd.port}`,
    },
    caPems: [postfix.caPem, slapd.caPem, pki.caPem, nginx.caPem],
    close,
  };
}

/** The value of a settled promise already known to have fulfilled. */
function fulfilled<T>(outcome: PromiseSettledResult<T>): T {
  if (outcome.status === "rejected") throw outcome.reason;
  return outcome.value;
}
