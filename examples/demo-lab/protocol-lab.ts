/**
 * The demo lab's protocol servers: the same Debian servers and TDS and RDP specification fixtures the
 * probe tests use (the private `@hardcheck/labs` package), each in a known posture. demo.mjs bundles
 * this file with esbuild at start, so the launchers stay one TypeScript source shared by the probe
 * tests, the bench and the demo, and no test-only code ends up in a published package.
 */

import { startPostfixLab, startRdpFixture, startSlapdLab, startSnmpdLab, startTdsFixture } from "@hardcheck/labs";
import { createTestPki } from "@hardcheck/testkit";

/** The running protocol lab: one endpoint URL per demo target, and the CAs that issued their certificates. */
export type ProtocolLab = {
  /** Target id → endpoint URL. */
  readonly endpoints: Readonly<Record<"mail-relay" | "directory" | "sql-server" | "snmp-agent" | "remote-desktop", string>>;
  /** PEM CA certificates of the servers' lab PKIs, to trust in the scan. */
  readonly caPems: readonly string[];
  close(): Promise<void>;
};

/**
 * Starts Postfix (AUTH offered before STARTTLS), slapd (anonymous and clear-text binds allowed),
 * the TDS fixture (certificate installed, encryption not forced, TLS 1.0 and 1.1 still accepted
 * inside PRELOGIN), snmpd (`public` answered) and the RDP fixture (security layer "Negotiate":
 * TLS offered, NLA not required, standard RDP security accepted).
 */
export async function startProtocolLab(): Promise<ProtocolLab> {
  const pki = createTestPki({ caCommonName: "hardcheck demo lab CA (TDS, RDP)" });
  const leaf = pki.issueLeaf({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"], notAfter: new Date(Date.now() + 200 * 86_400_000) });
  const started = await Promise.allSettled([
    startPostfixLab(),
    startSlapdLab("open"),
    startTdsFixture("optional", { ...leaf, minVersion: "TLSv1", ciphers: "DEFAULT:@SECLEVEL=0" }),
    startSnmpdLab("community"),
    startRdpFixture("negotiate", leaf),
  ] as const);
  const running = started.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
  const close = async () => {
    await Promise.all(running.map((server) => server.close()));
  };
  const failure = started.find((outcome) => outcome.status === "rejected");
  if (failure) {
    await close();
    throw new Error(
      "the demo lab could not start a protocol server; install the packages in scripts/system-packages.txt (bash scripts/install-system-deps.sh)",
      {
        cause: failure.reason,
      },
    );
  }
  const [postfix, slapd, tds, snmpd, rdp] = [fulfilled(started[0]), fulfilled(started[1]), fulfilled(started[2]), fulfilled(started[3]), fulfilled(started[4])];
  return {
    endpoints: {
      "mail-relay": `smtp://127.0.0.1:${postfix.ports["auth-in-clear"]}`,
      directory: `ldap://127.0.0.1:${slapd.ldapPort}`,
      "sql-server": `mssql://127.0.0.1:${tds.port}`,
      "snmp-agent": `snmp://127.0.0.1:${snmpd.port}`,
      "remote-desktop": `rdp://127.0.0.1:${rdp.port}`,
    },
    caPems: [postfix.caPem, slapd.caPem, pki.caPem],
    close,
  };
}

/** The value of a settled promise already known to have fulfilled. */
function fulfilled<T>(outcome: PromiseSettledResult<T>): T {
  if (outcome.status === "rejected") throw outcome.reason;
  return outcome.value;
}
