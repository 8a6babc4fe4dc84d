/**
 * Kernel parameters: the running value (/proc/sys) and the value the boot configuration sets
 * (sysctl.d files in systemd-sysctl's order, /etc/sysctl.conf last). Keys use `/` as in /proc/sys
 * (`net/ipv4/ip_forward`) so a rule's fact path can name them.
 */
import { defineFacts, defineProbe, type HostProbe, type HostTransport, type JsonObject } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { meaningfulLines, numberOrText } from "../support/text.js";

/** Parameters read when the rule names none: forwarding, redirects, source routing, spoofing, ASLR. */
export const DEFAULT_SYSCTL_KEYS = [
  "net/ipv4/ip_forward",
  "net/ipv6/conf/all/forwarding",
  "net/ipv4/conf/all/accept_redirects",
  "net/ipv4/conf/default/accept_redirects",
  "net/ipv4/conf/all/secure_redirects",
  "net/ipv4/conf/default/secure_redirects",
  "net/ipv6/conf/all/accept_redirects",
  "net/ipv6/conf/default/accept_redirects",
  "net/ipv4/conf/all/send_redirects",
  "net/ipv4/conf/default/send_redirects",
  "net/ipv4/conf/all/accept_source_route",
  "net/ipv4/conf/default/accept_source_route",
  "net/ipv6/conf/all/accept_source_route",
  "net/ipv6/conf/default/accept_source_route",
  "net/ipv4/conf/all/rp_filter",
  "net/ipv4/conf/default/rp_filter",
  "net/ipv4/conf/all/log_martians",
  "net/ipv4/tcp_syncookies",
  "net/ipv4/icmp_echo_ignore_broadcasts",
  "net/ipv4/icmp_ignore_bogus_error_responses",
  "kernel/randomize_va_space",
  "kernel/kptr_restrict",
  "kernel/dmesg_restrict",
  "kernel/yama/ptrace_scope",
  "fs/protected_symlinks",
  "fs/protected_hardlinks",
  "fs/suid_dumpable",
];

const SYSCTL_DIRS = ["/usr/lib/sysctl.d", "/lib/sysctl.d", "/usr/local/lib/sysctl.d", "/run/sysctl.d", "/etc/sysctl.d"];

/** Normalises `net.ipv4.ip_forward` and `net/ipv4/ip_forward` to the slash form. */
export function sysctlKey(name: string): string {
  return name.trim().replaceAll(".", "/");
}

/** Applies one sysctl.conf-format text on top of `into` (a later line wins, as sysctl applies them). */
export function applySysctlConf(text: string | undefined, into: Record<string, string | number>): void {
  for (const raw of meaningfulLines(text?.replace(/^\s*;.*$/gm, ""))) {
    const line = raw.replace(/^-/, "");
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    into[sysctlKey(line.slice(0, eq))] = numberOrText(line.slice(eq + 1).trim());
  }
}

/** Configured values: files named alike override by directory priority, then applied in name order. */
export async function configuredSysctl(transport: HostTransport): Promise<Record<string, string | number>> {
  const byName = new Map<string, string>();
  for (const dir of SYSCTL_DIRS) for (const name of (await transport.listDir(dir)) ?? []) if (name.endsWith(".conf")) byName.set(name, `${dir}/${name}`);
  const values: Record<string, string | number> = {};
  for (const name of [...byName.keys()].sort()) applySysctlConf(await transport.readFile(byName.get(name) as string), values);
  applySysctlConf(await transport.readFile("/etc/sysctl.conf"), values);
  return values;
}

/** The facts `sysctl` produces, each with its schema and meaning. */
export const sysctlFacts = defineFacts({
  "sysctl.runtime": {
    description: "running values of the requested keys (net/ipv4/ip_forward: 0, …); null over root: (no running kernel)",
    schema: z.record(z.string(), z.union([z.number(), z.string()])).nullable(),
  },
  "sysctl.configured": {
    description: "values the boot configuration sets for every key it names, numbers where numeric",
    schema: z.record(z.string(), z.union([z.number(), z.string()])),
  },
  "sysctl.effective": {
    description: "per requested key the running value where known, else the configured one; a key set nowhere is absent",
    schema: z.record(z.string(), z.union([z.number(), z.string()])),
  },
  "sysctl.judged": {
    description: '"running kernel" when sysctl.effective holds /proc/sys values (local:, ssh://), "boot configuration" over root: (no kernel runs)',
    schema: z.enum(["running kernel", "boot configuration"]),
  },
});

/** Runtime and configured values of the kernel parameters named in `keys` (default `DEFAULT_SYSCTL_KEYS`, the hardening baseline). */
export const sysctlProbe: HostProbe = defineProbe({
  meta: {
    id: "sysctl",
    description: "Reads kernel parameters at run time (/proc/sys) and as configured for boot (sysctl.d, sysctl.conf).",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: sysctlFacts,
  },
  async collect(_host, params, { transport }) {
    const keys = (Array.isArray(params.keys) ? params.keys.map(String) : DEFAULT_SYSCTL_KEYS).map(sysctlKey);
    const configured = await configuredSysctl(transport);
    let runtime: Record<string, string | number> | null = null;
    if (transport.kind !== "root") {
      runtime = {};
      const values = await Promise.all(keys.map((key) => transport.readFile(`/proc/sys/${key}`)));
      keys.forEach((key, index) => {
        const value = values[index];
        if (value !== undefined && runtime) runtime[key] = numberOrText(value.trim().replace(/\s+/g, " "));
      });
    }
    const effective: Record<string, string | number> = {};
    for (const key of keys) {
      const value = runtime?.[key] ?? configured[key];
      if (value !== undefined) effective[key] = value;
    }
    return {
      facts: {
        "sysctl.runtime": runtime as JsonObject | null,
        "sysctl.configured": configured as JsonObject,
        "sysctl.effective": effective as JsonObject,
        "sysctl.judged": runtime === null ? "boot configuration" : "running kernel",
      },
    };
  },
});
