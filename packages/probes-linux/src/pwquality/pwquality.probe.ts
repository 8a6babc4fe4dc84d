/**
 * The effective password-quality settings: libpwquality's defaults, then pwquality.conf, then
 * pwquality.conf.d/*.conf in name order, then the arguments on the pam_pwquality line (which win).
 */
import { defineFacts, defineProbe, type HostProbe, type JsonObject } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { pamArguments, passwordStack } from "../support/pam.js";
import { confFilesIn, meaningfulLines, numberOrText } from "../support/text.js";

/** libpwquality's built-in values (pwquality.conf(5)); `retry` is pam_pwquality's. */
export const PWQUALITY_DEFAULTS: Readonly<Record<string, number>> = {
  difok: 1,
  minlen: 8,
  dcredit: 0,
  ucredit: 0,
  lcredit: 0,
  ocredit: 0,
  minclass: 0,
  maxrepeat: 0,
  maxclassrepeat: 0,
  maxsequence: 0,
  gecoscheck: 0,
  dictcheck: 1,
  usercheck: 1,
  usersubstr: 0,
  enforcing: 1,
  retry: 1,
  enforce_for_root: 0,
  local_users_only: 0,
};
const FLAGS = new Set(["enforce_for_root", "local_users_only"]);

/** Applies one pwquality.conf text (`key = value`, bare flags) on top of `into`. */
export function applyPwqualityConf(text: string | undefined, into: Record<string, string | number>): void {
  for (const line of meaningfulLines(text)) {
    const match = /^([a-z_]+)\s*(?:=\s*(.*))?$/.exec(line);
    if (!match) continue;
    const key = match[1] as string;
    into[key] = match[2] === undefined ? (FLAGS.has(key) ? 1 : "") : numberOrText(match[2].trim());
  }
}

/** The facts `pwquality` produces, each with its schema and meaning. */
export const pwqualityFacts = defineFacts({
  "pwquality.settings": {
    description:
      "effective settings (minlen, difok, dcredit, ucredit, lcredit, ocredit, minclass, maxrepeat, maxsequence, usercheck, retry, enforce_for_root, …); numbers where numeric",
    schema: z.record(z.string(), z.union([z.number(), z.string()])),
  },
  "pwquality.enforced": {
    description: "true when pam_pwquality is in the password stack, so the settings apply to password changes",
    schema: z.boolean(),
  },
});

/** Effective pwquality settings and whether pam_pwquality enforces them. */
export const pwqualityProbe: HostProbe = defineProbe({
  meta: {
    id: "pwquality",
    description: "Merges libpwquality defaults, pwquality.conf, pwquality.conf.d and the pam_pwquality arguments into the effective settings.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: pwqualityFacts,
  },
  async collect(_host, _params, { transport }) {
    const settings: Record<string, string | number> = { ...PWQUALITY_DEFAULTS };
    applyPwqualityConf(await transport.readFile("/etc/security/pwquality.conf"), settings);
    for (const file of await confFilesIn(transport, "/etc/security/pwquality.conf.d")) applyPwqualityConf(await transport.readFile(file), settings);
    const stack = await passwordStack(transport);
    const module = stack?.entries.find((entry) => entry.module === "pam_pwquality");
    if (module) {
      for (const [key, value] of Object.entries(pamArguments(module.args))) settings[key] = value === true ? 1 : numberOrText(value);
    }
    return { facts: { "pwquality.settings": settings as JsonObject, "pwquality.enforced": module !== undefined } };
  },
});
