/** The Linux audit daemon: installed, enabled at boot, and the rules it loads (audit/rules.d, the persistent set). */
import { defineFacts, defineProbe, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { confFilesIn, dpkgInstalled, meaningfulLines, unitEnabledByFiles } from "../support/text.js";

/** Paths watched by `-w PATH` or `-F path=PATH` / `-F dir=PATH` rules, sorted. */
export function watchedPaths(lines: readonly string[]): string[] {
  const paths = new Set<string>();
  for (const line of lines) {
    const watch = /(?:^|\s)-w\s+(\S+)/.exec(line);
    if (watch) paths.add(watch[1] as string);
    for (const field of line.matchAll(/-F\s+(?:path|dir)=(\S+)/g)) paths.add(field[1] as string);
  }
  return [...paths].sort();
}

/** The facts `auditd` produces, each with its schema and meaning. */
export const auditdFacts = defineFacts({
  "auditd.installed": {
    description: "true when the auditd package is installed (dpkg) or /sbin/auditd exists",
    schema: z.boolean(),
  },
  "auditd.enabled": {
    description: "true when auditd.service is wanted by a boot target (systemd symlinks)",
    schema: z.boolean(),
  },
  "auditd.watchedPaths": {
    description: "paths the persistent rules watch (-w PATH, -F path= / dir=), sorted",
    schema: z.array(z.string()),
  },
  "auditd.ruleCount": {
    description: "number of rule lines in /etc/audit/rules.d/*.rules (and audit.rules when rules.d is empty)",
    schema: z.number().int(),
  },
  "auditd.immutable": {
    description: "true when the rules end with -e 2 (rules cannot change until reboot)",
    schema: z.boolean(),
  },
});

/** Whether auditd runs at boot and what its persistent rules watch. */
export const auditdProbe: HostProbe = defineProbe({
  meta: {
    id: "auditd",
    description: "Reads whether auditd is installed and enabled, and the rules in /etc/audit/rules.d (what augenrules loads at boot).",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: auditdFacts,
  },
  async collect(_host, _params, { transport }) {
    const packages = await dpkgInstalled(transport);
    const installed =
      packages?.has("auditd") === true || (await transport.stat("/sbin/auditd")) !== undefined || (await transport.stat("/usr/sbin/auditd")) !== undefined;
    const files = await confFilesIn(transport, "/etc/audit/rules.d", ".rules");
    if (files.length === 0) files.push("/etc/audit/audit.rules");
    const lines: string[] = [];
    for (const file of files.sort()) lines.push(...meaningfulLines(await transport.readFile(file)));
    const rules = lines.filter((line) => !/^-[DbfeB]\b|^--backlog_wait_time/.test(line));
    return {
      facts: {
        "auditd.installed": installed,
        "auditd.enabled": await unitEnabledByFiles(transport, "auditd.service"),
        "auditd.watchedPaths": watchedPaths(rules),
        "auditd.ruleCount": rules.length,
        "auditd.immutable": lines.findLast((line) => /^-e\s/.test(line))?.trim() === "-e 2",
      },
    };
  },
});
