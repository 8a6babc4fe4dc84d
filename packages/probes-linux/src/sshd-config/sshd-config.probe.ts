/**
 * The SSH server's effective configuration: `sshd -T` where commands run (it knows every default),
 * else the files parsed as sshd does — `Include` expanded in place, the first value of a keyword wins.
 */
import { defineFacts, defineProbe, type HostProbe, type HostTransport, type JsonObject, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";

const MAX_INCLUDE_DEPTH = 16;
/** Keywords that may repeat and accumulate rather than first-wins. */
const ACCUMULATING = new Set(["hostkey", "include", "listenaddress", "port", "acceptenv", "subsystem", "setenv"]);
/**
 * Defaults of the keywords rules commonly read, for the file parser (sshd -T prints them itself).
 * The algorithm lists are OpenSSH 9.2's (Debian 12); a newer server only drops entries from them.
 */
const FILE_DEFAULTS: Readonly<Record<string, string>> = {
  permitrootlogin: "without-password",
  passwordauthentication: "yes",
  permitemptypasswords: "no",
  pubkeyauthentication: "yes",
  hostbasedauthentication: "no",
  ignorerhosts: "yes",
  permituserenvironment: "no",
  x11forwarding: "no",
  maxauthtries: "6",
  logingracetime: "120",
  clientaliveinterval: "0",
  clientalivecountmax: "3",
  ciphers: "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com",
  macs: "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
  kexalgorithms:
    "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256",
};

/** Matches sshd's glob for Include paths against directory entries. */
function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replaceAll("*", "[^/]*")
      .replaceAll("?", "[^/]")}$`,
  );
}

async function expandInclude(transport: HostTransport, pattern: string): Promise<string[]> {
  const path = pattern.startsWith("/") ? pattern : `/etc/ssh/${pattern}`;
  if (!/[*?]/.test(path)) return [path];
  const dir = path.slice(0, path.lastIndexOf("/"));
  const matcher = globToRegExp(path.slice(path.lastIndexOf("/") + 1));
  return ((await transport.listDir(dir)) ?? []).filter((name) => matcher.test(name)).map((name) => `${dir}/${name}`);
}

/**
 * Parses sshd_config the way sshd does for a connection that matches no `Match` block: keywords are
 * case-insensitive, the first occurrence wins, `Include` is read where it stands, `Match` blocks
 * are skipped to the end of the file they are in.
 */
export async function parseSshdConfig(
  transport: HostTransport,
  file = "/etc/ssh/sshd_config",
  into: Record<string, string> = {},
  depth = 0,
): Promise<Record<string, string> | undefined> {
  const text = await transport.readFile(file);
  if (text === undefined) return depth === 0 ? undefined : into;
  if (depth > MAX_INCLUDE_DEPTH) return into;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const match = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!match) continue;
    const keyword = (match[1] as string).toLowerCase();
    const value = (match[2] as string).trim().replace(/^"(.*)"$/, "$1");
    if (keyword === "match") break;
    if (keyword === "include") {
      for (const pattern of value.split(/\s+/))
        for (const path of await expandInclude(transport, pattern)) await parseSshdConfig(transport, path, into, depth + 1);
      continue;
    }
    if (ACCUMULATING.has(keyword)) into[keyword] = into[keyword] === undefined ? value : `${into[keyword]} ${value}`;
    else if (into[keyword] === undefined) into[keyword] = value;
  }
  return into;
}

/** Parses `sshd -T` output: one `keyword value` per line, already effective. */
export function parseSshdDump(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!match) continue;
    const keyword = match[1] as string;
    out[keyword] = out[keyword] === undefined ? (match[2] as string) : `${out[keyword]} ${match[2]}`;
  }
  return out;
}

/** The facts `sshd-config` produces, each with its schema and meaning. */
export const sshdConfigFacts = defineFacts({
  "sshd.config": {
    description: "effective settings by lower-case keyword (permitrootlogin, passwordauthentication, …); repeated keywords joined by spaces",
    schema: z.record(z.string(), z.string()),
  },
  "sshd.source": {
    description: '"sshd -T" when the running binary reported its settings, "files" when sshd_config was parsed',
    schema: z.enum(["sshd -T", "files"]),
  },
});

/** Effective sshd settings, lower-case keywords (as `sshd -T` prints them). */
export const sshdConfigProbe: HostProbe = defineProbe({
  meta: {
    id: "sshd-config",
    description: "Reads the SSH server's effective settings (sshd -T, or sshd_config with Include and first-match-wins).",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: sshdConfigFacts,
  },
  async collect(_host, _params, { transport }) {
    if (transport.canExec) {
      // Host keys are readable only by root, so -T needs privileges; without them fall back to the files.
      const viaSbin = await transport.exec(["/usr/sbin/sshd", "-T"], { privileged: true });
      if (viaSbin.exitCode === 0 && viaSbin.stdout.trim())
        return { facts: { "sshd.config": parseSshdDump(viaSbin.stdout) as JsonObject, "sshd.source": "sshd -T" } };
    }
    const parsed = await parseSshdConfig(transport);
    if (!parsed) return notApplicable("no /etc/ssh/sshd_config: the SSH server is not installed");
    return { facts: { "sshd.config": { ...FILE_DEFAULTS, ...parsed } as JsonObject, "sshd.source": "files" } };
  },
});
