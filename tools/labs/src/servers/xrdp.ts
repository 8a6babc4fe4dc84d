/**
 * Test-only: the Debian xrdp daemon (0.9.x) from a generated xrdp.ini, listening only on a loopback
 * port with a lab certificate, with `security_layer` set per posture. Only `xrdp` runs, never
 * `xrdp-sesman`: the RDP security negotiation and the TLS handshake happen before any session exists.
 *
 * xrdp has no setting for Network Level Authentication (CredSSP), so no posture can require it.
 */
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createLabDir, type LabProcess, reserveLoopbackPort, startLabProcess, tcpPortAnswers } from "./lab-process.js";

/** xrdp.ini `security_layer` values: TLS or standard RDP security as the client asks, TLS only, standard RDP security only. */
export type XrdpPosture = "negotiate" | "tls" | "rdp";

/** A running xrdp. */
export type XrdpLab = {
  readonly port: number;
  readonly posture: XrdpPosture;
  /** SHA-256 fingerprint (colon-separated hex, as node's X509Certificate prints it) of the lab leaf xrdp serves. */
  readonly certificateFingerprint256: string;
  /** The lab CA that issued the leaf. */
  readonly caPem: string;
  /** The daemon's own log (xrdp.ini [Logging] LogFile in the lab folder), for failure messages. */
  log(): string;
  close(): Promise<void>;
};

const XRDP = "/usr/sbin/xrdp";
/** The TLS versions every lab xrdp allows (xrdp.ini `ssl_protocols`), for tests to compare a scan with. */
export const XRDP_TLS_VERSIONS = ["TLSv1.2", "TLSv1.3"] as const;
/**
 * Compiled-in paths of Debian's xrdp 0.9.21 (see `strings /usr/sbin/xrdp`): with `--nodaemon` it writes
 * no pid file, yet it still refuses to start while this one exists ("It looks like xrdp is already running").
 */
const SYSTEM_PID_FILE = "/var/run/xrdp/xrdp.pid";
/** Standard RDP security signs its server certificate with this key pair; the package's postinst generates it. */
const RSA_KEYS = "/etc/xrdp/rsakeys.ini";

/** Starts xrdp with the posture's security layer; the caller closes it in afterAll. */
export async function startXrdpLab(posture: XrdpPosture): Promise<XrdpLab> {
  if (!existsSync(XRDP)) throw new Error(`${XRDP} not found: install the Debian package xrdp (listed in scripts/system-packages.txt)`);
  if (posture !== "tls" && !existsSync(RSA_KEYS)) {
    throw new Error(`${RSA_KEYS} is missing, so xrdp cannot offer standard RDP security: reinstall xrdp or run xrdp-keygen xrdp ${RSA_KEYS}`);
  }
  const lab = createLabDir(`xrdp-${posture}`);
  const port = await reserveLoopbackPort();
  const logPath = `${lab.dir}/xrdp.log`;
  const ini = lab.write(
    "xrdp.ini",
    [
      "[Globals]",
      "ini_version=1",
      // Threads, not forked children: the whole server is the one PID the lab stops.
      "fork=false",
      // tcp:// with an address binds that address only; a bare port would bind every interface.
      `port=tcp://127.0.0.1:${port}`,
      "use_vsock=false",
      `security_layer=${posture}`,
      "crypt_level=high",
      `certificate=${lab.certPath}`,
      `key_file=${lab.keyPath}`,
      `ssl_protocols=${XRDP_TLS_VERSIONS.join(", ")}`,
      "",
      "[Logging]",
      `LogFile=${logPath}`,
      "LogLevel=INFO",
      "EnableSyslog=false",
      "",
    ].join("\n"),
  );
  const readLog = () => (existsSync(logPath) ? readFileSync(logPath, "utf8").slice(-8_000) : "");
  let xrdp: LabProcess;
  try {
    const args = ["--nodaemon", "--config", ini];
    xrdp = existsSync(SYSTEM_PID_FILE)
      ? // A system xrdp runs (or left its pid file): hide /run/xrdp behind a private tmpfs in a mount namespace of our own,
        // so neither the host's daemon nor its pid file is touched; `exec` keeps xrdp on the PID the lab stops.
        await startLabProcess(
          "unshare",
          ["--mount", "--propagation", "private", "sh", "-c", 'mount -t tmpfs lab-xrdp-run /run/xrdp && exec "$@"', "sh", XRDP, ...args],
          () => tcpPortAnswers(port),
        )
      : await startLabProcess(XRDP, args, () => tcpPortAnswers(port));
  } catch (error) {
    const log = readLog();
    lab.remove();
    throw new Error(`xrdp (${posture}) did not start on 127.0.0.1:${port}: ${(error as Error).message}${log ? `\nxrdp.log:\n${log}` : ""}`, { cause: error });
  }
  return {
    port,
    posture,
    certificateFingerprint256: new X509Certificate(readFileSync(lab.certPath)).fingerprint256,
    caPem: lab.caPem,
    log: readLog,
    async close() {
      await xrdp.stop();
      lab.remove();
    },
  };
}
