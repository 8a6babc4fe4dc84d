/**
 * Test-only: Debian Postfix from a generated config dir, one master with three smtpd services on
 * loopback ports — AUTH only after STARTTLS, AUTH offered in clear text, and no STARTTLS at all —
 * with Cyrus SASL (sasldb) holding one lab account.
 */
import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createLabDir, type LabDir, type LabProcess, reserveLoopbackPort, startLabProcess, tcpPortAnswers } from "./lab-process.js";

/** The three SMTP services. */
export type PostfixService = "auth-after-tls" | "auth-in-clear" | "no-starttls";

/** A running Postfix lab. */
export type PostfixLab = {
  readonly ports: Readonly<Record<PostfixService, number>>;
  readonly caPem: string;
  /** The lab account (SASL user@realm) and its password. */
  readonly account: { readonly username: string; readonly password: string };
  close(): Promise<void>;
};

const MASTER = "/usr/lib/postfix/sbin/master";
const HOSTNAME = "mail.lab.test";

/** Starts Postfix; the caller closes it in afterAll. */
export async function startPostfixLab(): Promise<PostfixLab> {
  const lab: LabDir = createLabDir("postfix");
  const { dir } = lab;
  const ports = {
    "auth-after-tls": await reserveLoopbackPort(),
    "auth-in-clear": await reserveLoopbackPort(),
    "no-starttls": await reserveLoopbackPort(),
  };
  for (const sub of ["conf", "queue", "data"]) mkdirSync(join(dir, sub), { mode: 0o755 });
  const postfixUid = Number(execFileSync("id", ["-u", "postfix"]).toString().trim());
  chownSync(join(dir, "data"), postfixUid, -1);
  lab.write(
    "conf/main.cf",
    [
      "compatibility_level = 3.6",
      `queue_directory = ${dir}/queue`,
      `data_directory = ${dir}/data`,
      "mail_owner = postfix",
      `myhostname = ${HOSTNAME}`,
      "inet_interfaces = 127.0.0.1",
      "inet_protocols = ipv4",
      `maillog_file_prefixes = ${dir}`,
      `maillog_file = ${dir}/maillog`,
      "mydestination =",
      "local_recipient_maps =",
      "alias_maps =",
      "mynetworks = 127.0.0.0/8",
      `smtpd_tls_cert_file = ${lab.certPath}`,
      `smtpd_tls_key_file = ${lab.keyPath}`,
      "smtpd_tls_security_level = may",
      "smtpd_tls_auth_only = yes",
      "smtpd_sasl_auth_enable = yes",
      "smtpd_sasl_type = cyrus",
      "smtpd_sasl_path = smtpd",
      `cyrus_sasl_config_path = ${dir}/conf/sasl`,
      "",
    ].join("\n"),
  );
  lab.write(
    "conf/master.cf",
    [
      `127.0.0.1:${ports["auth-after-tls"]} inet n - n - - smtpd`,
      `127.0.0.1:${ports["auth-in-clear"]} inet n - n - - smtpd -o smtpd_tls_auth_only=no`,
      `127.0.0.1:${ports["no-starttls"]} inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_tls_auth_only=no`,
      "anvil unix - - n - 1 anvil",
      "tlsmgr unix - - n 1000? 1 tlsmgr",
      "postlog unix-dgram n - n - 1 postlogd",
      "",
    ].join("\n"),
  );
  // Debian's Postfix looks for the Cyrus application file in <config dir>/sasl/.
  mkdirSync(join(dir, "conf", "sasl"), { mode: 0o755 });
  lab.write(
    "conf/sasl/smtpd.conf",
    ["pwcheck_method: auxprop", "auxprop_plugin: sasldb", "mech_list: PLAIN LOGIN", `sasldb_path: ${dir}/sasldb2`, ""].join("\n"),
  );
  const account = { username: `alice@${HOSTNAME}`, password: "lab-Secret-7f3a" };
  execFileSync("saslpasswd2", ["-p", "-c", "-f", join(dir, "sasldb2"), "-u", HOSTNAME, "alice"], { input: account.password });
  chownSync(join(dir, "sasldb2"), postfixUid, -1);
  let master: LabProcess;
  try {
    // Creates the queue's private/public folders and checks ownership before master runs.
    execFileSync("postfix", ["-c", join(dir, "conf"), "check"], { stdio: "pipe" });
    master = await startLabProcess(MASTER, ["-c", join(dir, "conf"), "-d"], async () => {
      for (const port of Object.values(ports)) if (!(await tcpPortAnswers(port))) return false;
      return true;
    });
  } catch (error) {
    lab.remove();
    throw error;
  }
  return {
    ports,
    caPem: lab.caPem,
    account,
    async close() {
      await master.stop();
      lab.remove();
    },
  };
}
