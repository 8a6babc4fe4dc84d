/** Shadow-suite defaults from /etc/login.defs: password aging for new accounts, hash method. */
import { defineFacts, defineProbe, type HostProbe, type JsonObject, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { meaningfulLines, numberOrText } from "../support/text.js";

/** Parses login.defs: `KEY value` lines, numbers as numbers, the last occurrence wins (as shadow reads it). */
export function parseLoginDefs(text: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const line of meaningfulLines(text)) {
    const match = /^([A-Z0-9_]+)\s+(.+)$/.exec(line);
    if (match) out[match[1] as string] = numberOrText((match[2] as string).trim().replace(/^"(.*)"$/, "$1"));
  }
  return out;
}

/** The facts `login-defs` produces, each with its schema and meaning. */
export const loginDefsFacts = defineFacts({
  "login.defs": {
    description: "settings by key (PASS_MAX_DAYS, PASS_MIN_DAYS, PASS_WARN_AGE, ENCRYPT_METHOD, UMASK, …); numbers where numeric",
    schema: z.record(z.string(), z.union([z.number(), z.string()])),
  },
});

/** Settings of /etc/login.defs by key (PASS_MAX_DAYS, PASS_WARN_AGE, ENCRYPT_METHOD, …). */
export const loginDefsProbe: HostProbe = defineProbe({
  meta: {
    id: "login-defs",
    description: "Reads /etc/login.defs: password aging defaults and the hash method for new passwords.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: loginDefsFacts,
  },
  async collect(_host, _params, { transport }) {
    const text = await transport.readFile("/etc/login.defs");
    if (text === undefined) return notApplicable("no /etc/login.defs");
    return { facts: { "login.defs": parseLoginDefs(text) as JsonObject } };
  },
});
