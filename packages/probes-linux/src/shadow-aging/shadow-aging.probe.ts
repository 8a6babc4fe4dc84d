/** Password aging and hash of named accounts (the admin accounts), from /etc/shadow. */
import { defineFacts, defineProbe, type HostProbe, type JsonObject, type JsonValue } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";

/** crypt(3) prefixes and the scheme names pam_unix and login.defs use for them. */
const HASH_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ["$y$", "yescrypt"],
  ["$gy$", "gost_yescrypt"],
  ["$6$", "sha512"],
  ["$5$", "sha256"],
  ["$2b$", "blowfish"],
  ["$2y$", "blowfish"],
  ["$1$", "md5"],
];

/** What one shadow line says, without the hash itself (a hash never leaves the host's files). */
export function describeShadowEntry(fields: readonly string[]): JsonObject {
  const password = fields[1] ?? "";
  const locked = password.startsWith("!") || password.startsWith("*");
  const hash = password.replace(/^!+/, "");
  const number = (index: number): number | null => (fields[index] ? Number(fields[index]) : null);
  return {
    passwordState: password === "" ? "empty" : locked ? "locked" : "set",
    hashAlgorithm: hash === "" || hash === "*" ? null : (HASH_PREFIXES.find(([prefix]) => hash.startsWith(prefix))?.[1] ?? "descrypt"),
    lastChangeDays: number(2),
    minDays: number(3),
    maxDays: number(4),
    warnDays: number(5),
  };
}

/** The facts `shadow-aging` produces, each with its schema and meaning. */
export const shadowAgingFacts = defineFacts({
  "shadow.accounts": {
    description:
      "per named account: { passwordState (set/locked/empty), hashAlgorithm, lastChangeDays, minDays, maxDays, warnDays }, null for an account that does not exist",
    schema: z.record(
      z.string(),
      z
        .object({
          passwordState: z.enum(["set", "locked", "empty"]),
          hashAlgorithm: z.string().nullable(),
          lastChangeDays: z.number().nullable(),
          minDays: z.number().nullable(),
          maxDays: z.number().nullable(),
          warnDays: z.number().nullable(),
        })
        .nullable(),
    ),
  },
  "shadow.missingAccounts": {
    description: "named accounts that have no shadow line",
    schema: z.array(z.string()),
  },
  "shadow.largestMaxDays": {
    description:
      "the largest maxDays among the named accounts that exist and are not locked (an empty field counts as 99999: no expiry); null when none exists",
    schema: z.number().nullable(),
  },
  "shadow.smallestWarnDays": {
    description: "the smallest warnDays among the named accounts that exist and are not locked (empty counts as 0); null when none exists",
    schema: z.number().nullable(),
  },
  "shadow.lockedAccounts": {
    description: "named accounts whose password is locked (`!` or `*`): no password can log in, so none has an age; aging summaries leave them out",
    schema: z.array(z.string()),
  },
  "shadow.accountsWithPassword": {
    description: "named accounts that exist and have a usable password set (the ones whose aging matters)",
    schema: z.array(z.string()),
  },
  "shadow.hashAlgorithms": {
    description: "hash schemes used by the named accounts with a password set, sorted",
    schema: z.array(z.string()),
  },
  "shadow.emptyPasswordAccounts": {
    description: "accounts in the whole file whose password field is empty (login without a password)",
    schema: z.array(z.string()),
  },
});

/** Aging of the accounts named in the `users` parameter, plus summaries a rule can compare. */
export const shadowAgingProbe: HostProbe = defineProbe({
  meta: {
    id: "shadow-aging",
    description: "Reads /etc/shadow for the named accounts (parameter users): aging, hash scheme, password state — never the hash.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: shadowAgingFacts,
  },
  async collect(_host, params, { transport }) {
    const users = Array.isArray(params.users) ? params.users.map(String) : ["root"];
    const text = await transport.readFile("/etc/shadow");
    if (text === undefined) throw new Error("/etc/shadow does not exist on the host: cannot read password aging");
    const lines = new Map<string, string[]>();
    for (const line of text.split("\n")) {
      const fields = line.split(":");
      if (fields.length >= 2 && fields[0]) lines.set(fields[0], fields);
    }
    const accounts: Record<string, JsonValue> = {};
    const existing: JsonObject[] = [];
    for (const user of [...users].sort()) {
      const fields = lines.get(user);
      accounts[user] = fields ? describeShadowEntry(fields) : null;
      if (fields) existing.push(accounts[user] as JsonObject);
    }
    // A locked password cannot be used to log in, so its age is meaningless: only usable passwords count.
    const aged = existing.filter((entry) => entry.passwordState !== "locked");
    const maxDays = aged.map((entry) => (entry.maxDays as number | null) ?? 99999);
    const warnDays = aged.map((entry) => (entry.warnDays as number | null) ?? 0);
    return {
      facts: {
        "shadow.accounts": accounts,
        "shadow.missingAccounts": users.filter((user) => !lines.has(user)).sort(),
        "shadow.largestMaxDays": maxDays.length > 0 ? Math.max(...maxDays) : null,
        "shadow.smallestWarnDays": warnDays.length > 0 ? Math.min(...warnDays) : null,
        "shadow.lockedAccounts": users.filter((user) => (accounts[user] as JsonObject | null)?.passwordState === "locked").sort(),
        "shadow.accountsWithPassword": users.filter((user) => (accounts[user] as JsonObject | null)?.passwordState === "set").sort(),
        "shadow.hashAlgorithms": [...new Set(existing.filter((entry) => entry.passwordState === "set").map((entry) => String(entry.hashAlgorithm)))].sort(),
        "shadow.emptyPasswordAccounts": [...lines.values()]
          .filter((fields) => fields[1] === "")
          .map((fields) => fields[0] as string)
          .sort(),
      },
    };
  },
});
