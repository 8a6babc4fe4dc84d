/** SMB shares and who may write to them. */
import { defineFacts, defineProbe, type FactsOf, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { asArray, asRecord, readSection } from "../commands/powershell.js";
import { lowerSet, WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";

/** Share rights that allow writing. */
const WRITE_RIGHTS = new Set(["Full", "Change"]);

/** Accounts whose write access is administration, not a user's (probe parameter `trustedAccounts`). */
export const DEFAULT_TRUSTED_ACCOUNTS = ["BUILTIN\\Administrators", "Administrators", "NT AUTHORITY\\SYSTEM", "SYSTEM"] as const;

/**
 * Builds `windows.shares` from the `shares` section. `match` (case-insensitive regular expressions)
 * picks shares by name or path; `matchedWritableByUsers` names those an account outside
 * `trustedAccounts` may write to.
 */
export function sharesFact(
  section: unknown,
  match: readonly string[] = [],
  trustedAccounts: readonly string[] = DEFAULT_TRUSTED_ACCOUNTS,
): WindowsSharesFacts["windows.shares"] {
  const shares = asArray<Record<string, unknown>>(asRecord(section).shares).map((share) => {
    const access = asArray<Record<string, unknown>>(share.access).map((entry) => ({
      account: String(entry.account),
      type: String(entry.type),
      right: String(entry.right),
    }));
    return {
      name: String(share.name),
      path: String(share.path ?? ""),
      special: share.special === true,
      access,
      writableBy: access.filter((entry) => entry.type === "Allow" && WRITE_RIGHTS.has(entry.right)).map((entry) => entry.account),
    };
  });
  const patterns = match.map((source) => new RegExp(source, "i"));
  const trusted = new Set(trustedAccounts.map((account) => account.toLowerCase()));
  const matched = shares.filter((share) => patterns.some((pattern) => pattern.test(share.name) || pattern.test(share.path)));
  return {
    shares,
    names: lowerSet(shares.map((share) => share.name)),
    writable: lowerSet(shares.filter((share) => share.writableBy.length > 0).map((share) => share.name)),
    matched: lowerSet(matched.map((share) => share.name)),
    matchedWritableByUsers: lowerSet(
      matched.filter((share) => share.writableBy.some((account) => !trusted.has(account.toLowerCase()))).map((share) => share.name),
    ),
  };
}

/** The facts `windows-shares` produces, each with its schema and meaning. */
export const windowsSharesFacts = defineFacts({
  "windows.shares": {
    description:
      "shares[] (name, path, special, access[], writableBy), names and writable (lower-case share names anyone may change), matched (shares whose name or path matches a `match` parameter pattern) and matchedWritableByUsers (those an account outside `trustedAccounts` — default the Administrators group and SYSTEM — may change)",
    schema: z.object({
      shares: z.array(
        z.object({
          name: z.string(),
          path: z.string(),
          special: z.boolean(),
          access: z.array(z.object({ account: z.string(), type: z.string(), right: z.string() })),
          writableBy: z.array(z.string()),
        }),
      ),
      names: z.array(z.string()),
      writable: z.array(z.string()),
      matched: z.array(z.string()),
      matchedWritableByUsers: z.array(z.string()),
    }),
  },
});
/** The facts `windows-shares` produces, as the collector checks them. */
export type WindowsSharesFacts = FactsOf<typeof windowsSharesFacts>;

/** Reads SMB shares and their access lists. */
export const windowsSharesProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-shares",
    description: "SMB shares (Get-SmbShare) with their share-level access lists (Get-SmbShareAccess).",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: windowsSharesFacts,
  },
  async collect(_host, params, deps) {
    const match = Array.isArray(params.match) ? params.match.map(String) : [];
    for (const [index, source] of match.entries()) {
      try {
        new RegExp(source, "i");
      } catch (cause) {
        throw new Error(`windows-shares: match[${index}] is no valid regular expression — fix the rule's parameter`, { cause });
      }
    }
    const trusted = Array.isArray(params.trustedAccounts) ? params.trustedAccounts.map(String) : DEFAULT_TRUSTED_ACCOUNTS;
    return { facts: { "windows.shares": sharesFact(await readSection(deps.transport, "shares", deps.signal), match, trusted) } };
  },
});
