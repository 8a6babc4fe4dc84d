/** Where the host's logs leave it: rsyslog forwarding, syslog-ng network destinations, systemd-journal-upload. */
import { defineFacts, defineProbe, type HostProbe, type HostTransport } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { confFilesIn, meaningfulLines, unitEnabledByFiles } from "../support/text.js";

/** Forwarding targets in rsyslog syntax: legacy `*.* @host` / `@@host:514`, and `action(type="omfwd" target="…")`. */
export function rsyslogTargets(text: string | undefined): string[] {
  const targets: string[] = [];
  for (const line of meaningfulLines(text)) {
    const legacy = /^\S+\s+(@@?)(?:\([^)]*\))?([^\s;]+)/.exec(line);
    if (legacy) targets.push(`${legacy[1] === "@@" ? "tcp" : "udp"}://${legacy[2]}`);
    const action = /type\s*=\s*"omfwd"/.test(line) ? /target\s*=\s*"([^"]+)"/.exec(line) : null;
    if (action) targets.push(`${/protocol\s*=\s*"tcp"/i.test(line) ? "tcp" : "udp"}://${action[1]}`);
  }
  return targets;
}

async function texts(transport: HostTransport, main: string, dir: string): Promise<string[]> {
  const out = [(await transport.readFile(main)) ?? ""];
  for (const file of (await confFilesIn(transport, dir)).sort()) out.push((await transport.readFile(file)) ?? "");
  return out;
}

/** The facts `remote-logging` produces, each with its schema and meaning. */
export const remoteLoggingFacts = defineFacts({
  "logging.remoteTargets": {
    description: 'destinations logs are sent to, as "udp://host", "tcp://host:port", "syslog-ng://host" or "journal-upload://url", sorted',
    schema: z.array(z.string()),
  },
  "logging.remoteTargetCount": {
    description: "how many remote destinations are configured",
    schema: z.number().int(),
  },
});

/** Remote log destinations configured on the host. */
export const remoteLoggingProbe: HostProbe = defineProbe({
  meta: {
    id: "remote-logging",
    description: "Reads rsyslog, syslog-ng and systemd-journal-upload configuration for destinations off the host.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: remoteLoggingFacts,
  },
  async collect(_host, _params, { transport }) {
    const targets = new Set<string>();
    for (const text of await texts(transport, "/etc/rsyslog.conf", "/etc/rsyslog.d")) for (const target of rsyslogTargets(text)) targets.add(target);
    for (const text of await texts(transport, "/etc/syslog-ng/syslog-ng.conf", "/etc/syslog-ng/conf.d")) {
      for (const match of text.replace(/#.*$/gm, "").matchAll(/\b(?:network|syslog|tcp|udp)\s*\(\s*"?([\w.:-]+)"?/g)) targets.add(`syslog-ng://${match[1]}`);
    }
    if (await unitEnabledByFiles(transport, "systemd-journal-upload.service")) {
      const upload = (await texts(transport, "/etc/systemd/journal-upload.conf", "/etc/systemd/journal-upload.conf.d")).join("\n");
      const url = [...upload.matchAll(/^\s*URL\s*=\s*(\S+)/gm)].pop()?.[1];
      if (url) targets.add(`journal-upload://${url.replace(/^https?:\/\//, "")}`);
    }
    return { facts: { "logging.remoteTargets": [...targets].sort(), "logging.remoteTargetCount": targets.size } };
  },
});
