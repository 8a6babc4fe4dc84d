/** Host-key verification against an OpenSSH known_hosts file, strict as OpenSSH is by default. */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** One usable line of a known_hosts file. */
interface KnownHostEntry {
  readonly patterns: string;
  readonly keyType: string;
  readonly key: Buffer;
  readonly revoked: boolean;
}

/** What the file says about the key a server presented. */
export type HostKeyVerdict = "trusted" | "unknown" | "changed" | "revoked";

/** `SHA256:…` as `ssh-keygen -l` prints it. */
export function sha256Fingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

/** The algorithm name an SSH public key blob starts with (`ssh-ed25519`, `ssh-rsa`, …). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return "unknown";
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString("latin1");
}

/** The name known_hosts uses for a host: `host` on port 22, `[host]:port` elsewhere. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith("|1|")) {
    const [, , salt, hash] = pattern.split("|");
    if (!salt || !hash) return false;
    const expected = Buffer.from(hash, "base64");
    const actual = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest();
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
  const glob = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replaceAll("*", ".*")
      .replaceAll("?", ".")}$`,
    "i",
  );
  return glob.test(name);
}

function hostMatches(patterns: string, name: string): boolean {
  let matched = false;
  for (const pattern of patterns.split(",")) {
    if (pattern.startsWith("!")) {
      if (patternMatches(pattern.slice(1), name)) return false;
    } else if (patternMatches(pattern, name)) matched = true;
  }
  return matched;
}

/** Parses known_hosts text; comments, blank lines and `@cert-authority` lines are skipped. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]?.startsWith("@")) {
      const marker = fields.shift();
      if (marker === "@cert-authority") continue;
      revoked = marker === "@revoked";
    }
    const [patterns, keyType, keyText] = fields;
    if (!patterns || !keyType || !keyText) continue;
    entries.push({ patterns, keyType, key: Buffer.from(keyText, "base64"), revoked });
  }
  return entries;
}

/** Key types the file lists for a host, so the handshake can ask for one of them first. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  return [...new Set(entries.filter((entry) => !entry.revoked && hostMatches(entry.patterns, name)).map((entry) => entry.keyType))];
}

/**
 * Judges a presented key: `trusted` when a line for this host has exactly this key; `changed`
 * when the host is listed with other keys only; `revoked` when a `@revoked` line names the key.
 */
export function verifyHostKey(entries: readonly KnownHostEntry[], name: string, presented: Buffer): HostKeyVerdict {
  if (entries.some((entry) => entry.revoked && entry.key.equals(presented))) return "revoked";
  const forHost = entries.filter((entry) => !entry.revoked && hostMatches(entry.patterns, name));
  if (forHost.some((entry) => entry.key.equals(presented))) return "trusted";
  return forHost.length > 0 ? "changed" : "unknown";
}
