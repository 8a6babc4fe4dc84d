/** Local user accounts, and the built-in Administrator (RID 500) by SID. */
import { defineProbe, type HostProbe } from "@hardcheck/core";
import { asArray, asRecord, readSection } from "../commands/powershell.js";
import { json, stringOrNull, WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";

/** Builds `windows.accounts` from the `accounts` section. */
export function accountsFact(section: unknown) {
  const users = asArray<Record<string, unknown>>(asRecord(section).users)
    .map((user) => ({
      name: String(user.name),
      sid: String(user.sid),
      enabled: user.enabled === true,
      passwordRequired: user.passwordRequired === true,
      passwordExpires: stringOrNull(user.passwordExpires),
      passwordLastSet: stringOrNull(user.passwordLastSet),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const admin = users.find((user) => /-500$/.test(user.sid));
  const enabledWithoutPassword = users.filter((user) => user.enabled && !user.passwordRequired).map((user) => user.name);
  return json({
    users,
    builtinAdministrator: admin ? { name: admin.name, nameLower: admin.name.toLowerCase(), enabled: admin.enabled } : null,
    enabledCount: users.filter((user) => user.enabled).length,
    enabledWithoutPassword,
    enabledWithoutPasswordCount: enabledWithoutPassword.length,
  });
}

/** Reads local user accounts. */
export const windowsAccountsProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-accounts",
    description: "Local user accounts (Get-LocalUser): enabled, password required and expiry; the built-in Administrator found by its SID ending in -500.",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: [
      {
        name: "windows.accounts",
        description: "users[], builtinAdministrator (name, nameLower, enabled), enabledCount, enabledWithoutPassword, enabledWithoutPasswordCount",
      },
    ],
  },
  async collect(_host, _params, deps) {
    return { facts: { "windows.accounts": accountsFact(await readSection(deps.transport, "accounts", deps.signal)) } };
  },
});
