/**
 * Test-only: Debian OpenLDAP slapd from a generated slapd.conf, listening on ldap:// and ldaps://
 * loopback ports with a lab certificate; `open` allows anonymous and clear-text simple binds,
 * `locked` has `disallow bind_anon` and `security simple_bind=128`.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createLabDir, type LabProcess, reserveLoopbackPort, startLabProcess, tcpPortAnswers } from "./lab-process.js";

/** The two slapd postures. */
export type SlapdPosture = "open" | "locked";

/** A running slapd. */
export type SlapdLab = {
  readonly ldapPort: number;
  readonly ldapsPort: number;
  readonly caPem: string;
  close(): Promise<void>;
};

const SUFFIX = "dc=lab,dc=test";
const ENTRIES = `dn: ${SUFFIX}
objectClass: dcObject
objectClass: organization
o: lab
dc: lab

dn: ou=people,${SUFFIX}
objectClass: organizationalUnit
ou: people

dn: cn=alice,ou=people,${SUFFIX}
objectClass: person
cn: alice
sn: Lab
`;

/** The directory's administrator, whose password is set only when a test asks for one. */
export const SLAPD_ROOT_DN = `cn=admin,${SUFFIX}`;

/** Starts slapd with the posture's settings; `rootPassword` lets {@link SLAPD_ROOT_DN} bind (as a factory default would). */
export async function startSlapdLab(posture: SlapdPosture, options: { rootPassword?: string } = {}): Promise<SlapdLab> {
  const lab = createLabDir(`slapd-${posture}`);
  const ldapPort = await reserveLoopbackPort();
  const ldapsPort = await reserveLoopbackPort();
  mkdirSync(join(lab.dir, "db"), { mode: 0o700 });
  const conf = lab.write(
    "slapd.conf",
    [
      "include /etc/ldap/schema/core.schema",
      "include /etc/ldap/schema/cosine.schema",
      `pidfile ${lab.dir}/slapd.pid`,
      "modulepath /usr/lib/ldap",
      "moduleload back_mdb",
      `TLSCertificateFile ${lab.certPath}`,
      `TLSCertificateKeyFile ${lab.keyPath}`,
      `TLSCACertificateFile ${lab.caPath}`,
      ...(posture === "locked" ? ["disallow bind_anon", "security simple_bind=128"] : []),
      "database mdb",
      `suffix "${SUFFIX}"`,
      `rootdn "${SLAPD_ROOT_DN}"`,
      ...(options.rootPassword === undefined ? [] : [`rootpw ${options.rootPassword}`]),
      `directory ${lab.dir}/db`,
      "maxsize 10485760",
      "access to * by * read",
      "",
    ].join("\n"),
  );
  execFileSync("slapadd", ["-f", conf, "-l", lab.write("entries.ldif", ENTRIES)], { stdio: "pipe" });
  let slapd: LabProcess;
  try {
    slapd = await startLabProcess(
      "/usr/sbin/slapd",
      ["-d", "0", "-f", conf, "-h", `ldap://127.0.0.1:${ldapPort}/ ldaps://127.0.0.1:${ldapsPort}/`],
      async () => (await tcpPortAnswers(ldapPort)) && (await tcpPortAnswers(ldapsPort)),
    );
  } catch (error) {
    lab.remove();
    throw error;
  }
  return {
    ldapPort,
    ldapsPort,
    caPem: lab.caPem,
    async close() {
      await slapd.stop();
      lab.remove();
    },
  };
}
