/** Password and lockout policy from a `secedit /export` security template. */
import { defineFacts, defineProbe, type FactsOf, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { asRecord, readSection } from "../commands/powershell.js";
import { parseInf } from "../evidence/secedit.js";
import { numberOrNull, WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";

/** Builds `windows.accountPolicy` from secedit's [System Access] (and [Registry Values]) sections. */
export function accountPolicyFact(section: unknown): WindowsAccountPolicyFacts["windows.accountPolicy"] {
  const inf = asRecord(section).inf;
  if (typeof inf !== "string") throw new Error("the account-policy section holds no secedit export text");
  const sections = parseInf(inf);
  const access = sections.get("system access");
  if (!access) throw new Error("the secedit export has no [System Access] section (was it exported with /areas SECURITYPOLICY?)");
  const number = (key: string) => numberOrNull(access.get(key.toLowerCase()));
  const maxAge = number("MaximumPasswordAge");
  const relax = sections.get("registry values")?.get("machine\\system\\currentcontrolset\\control\\sam\\relaxminimumpasswordlengthlimits");
  return {
    minimumPasswordLength: number("MinimumPasswordLength"),
    // Windows has no maximum password length setting.
    maximumPasswordLength: null,
    passwordComplexity: number("PasswordComplexity") === 1,
    passwordHistorySize: number("PasswordHistorySize"),
    // -1 (and 0) mean passwords never expire.
    passwordsExpire: maxAge !== null && maxAge > 0,
    maximumPasswordAgeDays: maxAge !== null && maxAge > 0 ? maxAge : null,
    minimumPasswordAgeDays: number("MinimumPasswordAge"),
    lockoutThreshold: number("LockoutBadCount"),
    lockoutDurationMinutes: number("LockoutDuration"),
    resetLockoutCounterMinutes: number("ResetLockoutCount"),
    reversibleEncryption: number("ClearTextPassword") === 1,
    relaxMinimumPasswordLengthLimits: relax === undefined ? null : relax.split(",").pop()?.trim() === "1",
    administratorAccountName: access.get("newadministratorname") ?? null,
  };
}

/** The facts `windows-account-policy` produces, each with its schema and meaning. */
export const windowsAccountPolicyFacts = defineFacts({
  "windows.accountPolicy": {
    description:
      "minimumPasswordLength, maximumPasswordLength (always null on Windows), passwordComplexity, passwordHistorySize, passwordsExpire, maximumPasswordAgeDays, minimumPasswordAgeDays, lockoutThreshold, lockoutDurationMinutes, resetLockoutCounterMinutes, reversibleEncryption, relaxMinimumPasswordLengthLimits, administratorAccountName",
    schema: z.object({
      minimumPasswordLength: z.number().nullable(),
      maximumPasswordLength: z.null(),
      passwordComplexity: z.boolean(),
      passwordHistorySize: z.number().nullable(),
      passwordsExpire: z.boolean(),
      maximumPasswordAgeDays: z.number().nullable(),
      minimumPasswordAgeDays: z.number().nullable(),
      lockoutThreshold: z.number().nullable(),
      lockoutDurationMinutes: z.number().nullable(),
      resetLockoutCounterMinutes: z.number().nullable(),
      reversibleEncryption: z.boolean(),
      relaxMinimumPasswordLengthLimits: z.boolean().nullable(),
      administratorAccountName: z.string().nullable(),
    }),
  },
});
/** The facts `windows-account-policy` produces, as the collector checks them. */
export type WindowsAccountPolicyFacts = FactsOf<typeof windowsAccountPolicyFacts>;

/** Reads the local password and lockout policy. */
export const windowsAccountPolicyProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-account-policy",
    description: "Password and account-lockout policy as secedit exports it (local policy merged with domain policy in effect).",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: windowsAccountPolicyFacts,
  },
  async collect(_host, _params, deps) {
    return { facts: { "windows.accountPolicy": accountPolicyFact(await readSection(deps.transport, "account-policy", deps.signal)) } };
  },
});
