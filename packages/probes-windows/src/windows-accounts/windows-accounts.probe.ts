/** Local user accounts, and the built-in Administrator (RID 500) by SID. */
import { compareText, defineFacts, defineProbe, type FactsOf, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { asArray, asRecord, readSection } from "../commands/powershell.js";
import { stringOrNull, WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";

/** Builds `windows.accounts` from the `accounts` section. */
export function accountsFact(section: unknown): WindowsAccountsFacts["windows.accounts"] {
  const users = asArray<Record<string, unknown>>(asRecord(section).users)
    .map((user) => ({
      name: String(user.name),
      sid: String(user.sid),
      enabled: user.enabled === true,
      passwordRequired: user.passwordRequired === true,
      passwordExpires: stringOrNull(user.passwordExpires),
      passwordLastSet: stringOrNull(user.passwordLastSet),
    }))
    .sort((a, b) => compareText(a.name, b.name));
  const admin = users.find((user) => /-500$/.test(user.sid));
  const enabledWithoutPassword = users.filter((user) => user.enabled && !user.passwordRequired).map((user) => user.name);
  return {
    users,
    builtinAdministrator: admin ? { name: admin.name, nameLower: admin.name.toLowerCase(), enabled: admin.enabled } : null,
    enabledCount: users.filter((user) => user.enabled).length,
    enabledWithoutPassword,
    enabledWithoutPasswordCount: enabledWithoutPassword.length,
  };
}

/** The facts `windows-accounts` produces, each with its schema and meaning. */
export const windowsAccountsFacts = defineFacts({
  "windows.accounts": {
    description: "users[], builtinAdministrator (name, nameLower, enabled), enabledCount, enabledWithoutPassword, enabledWithoutPasswordCount",
    schema: z.object({
      users: z.array(
        z.object({
          name: z.string(),
          sid: z.string(),
          enabled: z.boolean(),
          passwordRequired: z.boolean(),
          passwordExpires: z.string().nullable(),
          passwordLastSet: z.string().nullable(),
        }),
      ),
      builtinAdministrator: z.object({ name: z.string(), nameLower: z.string(), enabled: z.boolean() }).nullable(),
      enabledCount: z.number(),
      enabledWithoutPassword: z.array(z.string()),
      enabledWithoutPasswordCount: z.number(),
    }),
  },
});
/** The facts `windows-accounts` produces, as the collector checks them. */
export type WindowsAccountsFacts = FactsOf<typeof windowsAccountsFacts>;

/** Reads local user accounts. */
export const windowsAccountsProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-accounts",
    description: "Local user accounts (Get-LocalUser): enabled, password required and expiry; the built-in Administrator found by its SID ending in -500.",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: windowsAccountsFacts,
  },
  async collect(_host, _params, deps) {
    return { facts: { "windows.accounts": accountsFact(await readSection(deps.transport, "accounts", deps.signal)) } };
  },
});
