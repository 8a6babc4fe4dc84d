/** Lockout after failed logins: pam_faillock in the auth stack, with faillock.conf and its module arguments. */
import { defineFacts, defineProbe, type HostProbe, type JsonObject, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { pamArguments, readPamStack } from "../support/pam.js";
import { meaningfulLines, numberOrText } from "../support/text.js";

/** pam_faillock's compiled-in values, used where neither faillock.conf nor an argument sets one. */
const FAILLOCK_DEFAULTS = { deny: 3, unlock_time: 600, fail_interval: 900, even_deny_root: false };
const AUTH_SERVICES = ["common-auth", "system-auth", "password-auth"] as const;

/** Parses faillock.conf: `key = value` lines and bare flags. */
export function parseFaillockConf(text: string | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const line of meaningfulLines(text)) {
    const eq = line.indexOf("=");
    if (eq < 0) out[line.trim()] = true;
    else out[line.slice(0, eq).trim()] = numberOrText(line.slice(eq + 1).trim());
  }
  return out;
}

/** The facts `pam-faillock` produces, each with its schema and meaning. */
export const pamFaillockFacts = defineFacts({
  "faillock.inAuthStack": {
    description: "true when the auth stack calls pam_faillock both before (preauth) and after (authfail) pam_unix",
    schema: z.boolean(),
  },
  "faillock.settings": {
    description:
      "deny, unlock_time, fail_interval, even_deny_root: module arguments over /etc/security/faillock.conf over the module defaults (3, 600, 900, false)",
    schema: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  },
  "faillock.service": {
    description: "the PAM service file read (common-auth on Debian/Ubuntu)",
    schema: z.string(),
  },
});

/** Whether failed logins lock an account, and after how many, for how long. */
export const pamFaillockProbe: HostProbe = defineProbe({
  meta: {
    id: "pam-faillock",
    description: "Reads the PAM auth stack for pam_faillock (preauth and authfail) and its settings from faillock.conf and the module arguments.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: pamFaillockFacts,
  },
  async collect(_host, _params, { transport }) {
    let service: string | undefined;
    for (const candidate of AUTH_SERVICES) if (service === undefined && (await transport.stat(`/etc/pam.d/${candidate}`)) !== undefined) service = candidate;
    if (service === undefined) return notApplicable("no PAM auth stack (/etc/pam.d/common-auth or system-auth)");
    const entries = (await readPamStack(transport, service, "auth")).filter((entry) => entry.module === "pam_faillock");
    const settings: Record<string, string | number | boolean> = {
      ...FAILLOCK_DEFAULTS,
      ...parseFaillockConf(await transport.readFile("/etc/security/faillock.conf")),
    };
    for (const entry of entries) {
      for (const [key, value] of Object.entries(pamArguments(entry.args))) {
        if (key !== "preauth" && key !== "authfail" && key !== "authsucc") settings[key] = value === true ? true : numberOrText(value);
      }
    }
    const modes = new Set(entries.flatMap((entry) => entry.args));
    return {
      facts: {
        "faillock.inAuthStack": modes.has("preauth") && modes.has("authfail"),
        "faillock.settings": settings as JsonObject,
        "faillock.service": service,
      },
    };
  },
});
