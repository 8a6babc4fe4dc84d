/**
 * Test-only: Debian net-snmp snmpd from a generated config on a loopback UDP port. `community`
 * answers v1/v2c for `public` (and, like any net-snmp agent, SNMPv3 discovery); `v3-only` has no
 * community and one SNMPv3 user that may read only with authentication and privacy (SHA/AES).
 */
import { createSocket } from "node:dgram";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import snmp from "net-snmp";
import { createLabDir, type LabProcess, startLabProcess } from "./lab-process.js";

/** The two snmpd postures. */
export type SnmpdPosture = "community" | "v3-only";

/** A running snmpd. */
export type SnmpdLab = {
  readonly port: number;
  /** The v3 account of the `v3-only` agent (user, SHA pass phrase, AES pass phrase). */
  readonly v3: { readonly user: string; readonly authKey: string; readonly privKey: string };
  /** sysDescr.0 as configured. */
  readonly sysDescr: string;
  /** Engine id as configured (hex), for the `v3-only` agent. */
  readonly engineIdText: string;
  close(): Promise<void>;
};

const V3 = { user: "labuser", authKey: "lab-auth-phrase-1", privKey: "lab-priv-phrase-2" } as const;

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export async function reserveLoopbackUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Starts snmpd with the posture's config; the caller closes it in afterAll. */
export async function startSnmpdLab(posture: SnmpdPosture): Promise<SnmpdLab> {
  const lab = createLabDir(`snmpd-${posture}`);
  const port = await reserveLoopbackUdpPort();
  const persistentDir = join(lab.dir, "persist");
  mkdirSync(persistentDir, { mode: 0o700 });
  const sysDescr = `hardcheck lab agent (${posture})`;
  const engineIdText = "hardchecklab";
  const conf = lab.write(
    "snmpd.conf",
    [
      `sysDescr ${sysDescr}`,
      `engineID ${engineIdText}`,
      ...(posture === "community"
        ? ["rocommunity public 127.0.0.1"]
        : [`createUser ${V3.user} SHA "${V3.authKey}" AES "${V3.privKey}"`, `rouser ${V3.user} priv`]),
      "",
    ].join("\n"),
  );
  let snmpd: LabProcess;
  try {
    snmpd = await startLabProcess(
      "/usr/sbin/snmpd",
      // -C: only this config; -I -smux: no SMUX listener on the shared TCP port 199; empty MIBS: no MIB parsing noise.
      ["-C", "-c", conf, "-f", "-Lo", "-I", "-smux", `udp:127.0.0.1:${port}`],
      () => agentAnswers(port),
      { env: { SNMP_PERSISTENT_DIR: persistentDir, MIBS: "", MIBDIRS: lab.dir } },
    );
  } catch (error) {
    lab.remove();
    throw error;
  }
  return {
    port,
    v3: V3,
    sysDescr,
    engineIdText,
    async close() {
      await snmpd.stop();
      lab.remove();
    },
  };
}

/** True once the agent answers SNMPv3 discovery (every net-snmp agent does, whatever its access rules). */
function agentAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const session = snmp.createV3Session("127.0.0.1", { name: "ready-check", level: snmp.SecurityLevel.noAuthNoPriv }, { port, retries: 0, timeout: 300 });
    session.on("error", () => {});
    session.get(["1.3.6.1.2.1.1.1.0"], (error) => {
      session.close();
      resolve((error as Error | null)?.name !== "RequestTimedOutError");
    });
  });
}
