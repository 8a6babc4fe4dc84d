/** Core dumps: the hard limit users get (limits.conf), and what systemd-coredump keeps. */
import { defineFacts, defineProbe, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { confFilesIn, meaningfulLines } from "../support/text.js";

/** The hard `core` limit for everyone (`*`) from limits.conf-format texts, the last line winning; null when unset. */
export function hardCoreLimit(texts: readonly string[]): number | string | null {
  let limit: number | string | null = null;
  for (const text of texts) {
    for (const line of meaningfulLines(text)) {
      const [domain, type, item, value] = line.split(/\s+/);
      if (domain === "*" && (type === "hard" || type === "-") && item === "core" && value !== undefined) limit = /^\d+$/.test(value) ? Number(value) : value;
    }
  }
  return limit;
}

/** The facts `core-dumps` produces, each with its schema and meaning. */
export const coreDumpsFacts = defineFacts({
  "coredump.hardLimit": {
    description: 'hard "core" limit for all users (* hard core N), a number, "unlimited", or null when unset',
    schema: z.union([z.number(), z.string()]).nullable(),
  },
  "coredump.storage": {
    description: 'Storage= of /etc/systemd/coredump.conf(.d), "external" (systemd\'s default) when unset',
    schema: z.string(),
  },
});

/** Whether a crashing program can leave its memory on disk. */
export const coreDumpsProbe: HostProbe = defineProbe({
  meta: {
    id: "core-dumps",
    description: "Reads the hard core-size limit in /etc/security/limits.conf and limits.d, and systemd-coredump's Storage setting.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: coreDumpsFacts,
  },
  async collect(_host, _params, { transport }) {
    const limits = [(await transport.readFile("/etc/security/limits.conf")) ?? ""];
    for (const file of (await confFilesIn(transport, "/etc/security/limits.d")).sort()) limits.push((await transport.readFile(file)) ?? "");
    let storage = "external";
    const coredump = [(await transport.readFile("/etc/systemd/coredump.conf")) ?? ""];
    for (const file of (await confFilesIn(transport, "/etc/systemd/coredump.conf.d")).sort()) coredump.push((await transport.readFile(file)) ?? "");
    for (const text of coredump) for (const match of text.matchAll(/^\s*Storage\s*=\s*(\S+)/gm)) storage = match[1] as string;
    return { facts: { "coredump.hardLimit": hardCoreLimit(limits), "coredump.storage": storage } };
  },
});
