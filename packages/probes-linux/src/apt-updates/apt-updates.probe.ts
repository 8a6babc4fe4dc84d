/**
 * Pending security updates and how old the package lists are. Where commands run, apt's own
 * simulation decides (`apt-get -s dist-upgrade`); over a root file system the security archive's
 * package lists are compared with dpkg's status file.
 */
import { defineFacts, defineProbe, type HostProbe, type HostTransport, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { dpkgInstalled } from "../support/text.js";
import { compareDebianVersions } from "./debian-version.js";

const LISTS = "/var/lib/apt/lists";
const DAY_MS = 86_400_000;
/** A Packages index as apt stores it: plain, or compressed when `Acquire::GzipIndexes` is set. */
const PACKAGES_INDEX = /_Packages(\.(lz4|gz|xz|zst))?$/;

/** Packages the simulation would upgrade from a security suite (`Inst pkg [old] (new Origin:…-security …)`). */
export function securityUpgradesFromSimulation(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    const match = /^Inst (\S+) (?:\[[^\]]*\] )?\(([^)]*)\)/.exec(line);
    if (match && /security/i.test(match[2] as string)) names.add(match[1] as string);
  }
  return [...names].sort();
}

/** Newest version of each package in a Packages index. */
export function versionsInPackagesIndex(text: string): Map<string, string> {
  const versions = new Map<string, string>();
  for (const stanza of text.split(/\n\n+/)) {
    const name = /^Package:\s*(\S+)/m.exec(stanza)?.[1];
    const version = /^Version:\s*(\S+)/m.exec(stanza)?.[1];
    if (!name || !version) continue;
    const known = versions.get(name);
    if (!known || compareDebianVersions(version, known) > 0) versions.set(name, version);
  }
  return versions;
}

async function securityUpgradesFromLists(transport: HostTransport, lists: readonly string[]): Promise<string[]> {
  const installed = (await dpkgInstalled(transport)) ?? new Map<string, string>();
  const pending = new Set<string>();
  const security = lists.filter((file) => /security/i.test(file) && PACKAGES_INDEX.test(file));
  if (security.some((file) => !file.endsWith("_Packages"))) {
    throw new Error("the security package lists are stored compressed (Acquire::GzipIndexes); offline they cannot be compared — scan the running host instead");
  }
  for (const name of lists.filter((file) => /security/i.test(file) && file.endsWith("_Packages"))) {
    for (const [pkg, version] of versionsInPackagesIndex((await transport.readFile(`${LISTS}/${name}`)) ?? "")) {
      const current = installed.get(pkg);
      if (current && compareDebianVersions(version, current) > 0) pending.add(pkg);
    }
  }
  return [...pending].sort();
}

/** When apt last refreshed its lists: the periodic stamp, else the newest Release file. */
async function lastRefresh(transport: HostTransport, lists: readonly string[]): Promise<Date | undefined> {
  const stamp = await transport.stat("/var/lib/apt/periodic/update-success-stamp");
  if (stamp) return new Date(stamp.modified);
  let newest: Date | undefined;
  for (const name of lists.filter((file) => /_(In)?Release$/.test(file))) {
    const stat = await transport.stat(`${LISTS}/${name}`);
    if (stat && (!newest || new Date(stat.modified) > newest)) newest = new Date(stat.modified);
  }
  return newest;
}

/** The facts `apt-updates` produces, each with its schema and meaning. */
export const aptUpdatesFacts = defineFacts({
  "updates.securityListsPresent": {
    description: "true when apt has package lists of a security suite, without which pending updates cannot be known",
    schema: z.boolean(),
  },
  "updates.pendingSecurity": {
    description: "installed packages a security suite has a newer version of, sorted",
    schema: z.array(z.string()),
  },
  "updates.lastRefreshAgeDays": {
    description: "whole days since apt last refreshed its lists; null when it never did",
    schema: z.number().int().nullable(),
  },
  "updates.source": {
    description: '"apt-get simulation" or "package lists"',
    schema: z.enum(["apt-get simulation", "package lists"]),
  },
});

/** Pending security updates and list age on apt-based hosts. */
export const aptUpdatesProbe: HostProbe = defineProbe({
  meta: {
    id: "apt-updates",
    description: "Finds pending security updates (apt simulation, or security package lists vs dpkg status) and the age of apt's lists.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: aptUpdatesFacts,
  },
  async collect(_host, _params, { transport, clock }) {
    if ((await transport.stat("/var/lib/dpkg/status")) === undefined) return notApplicable("not an apt-based system (no dpkg status file)");
    const lists = (await transport.listDir(LISTS)) ?? [];
    const securityListsPresent = lists.some((name) => /security/i.test(name) && PACKAGES_INDEX.test(name));
    let pending: string[] | undefined;
    let source = "package lists";
    if (transport.canExec) {
      const simulation = await transport.exec(["apt-get", "-s", "-o", "Debug::NoLocking=1", "dist-upgrade"], { timeoutMs: 60_000 });
      if (simulation.exitCode === 0) {
        pending = securityUpgradesFromSimulation(simulation.stdout);
        source = "apt-get simulation";
      }
    }
    pending ??= await securityUpgradesFromLists(transport, lists);
    const refreshed = await lastRefresh(transport, lists);
    return {
      facts: {
        "updates.securityListsPresent": securityListsPresent,
        "updates.pendingSecurity": pending,
        "updates.lastRefreshAgeDays": refreshed ? Math.floor((clock.now().getTime() - refreshed.getTime()) / DAY_MS) : null,
        "updates.source": source,
      },
    };
  },
});
