/** Installed updates and how long ago the last one was installed. */
import { compareText, defineFacts, defineProbe, type FactsOf, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { asArray, asRecord, readSection } from "../commands/powershell.js";
import { daysSince, stringOrNull, WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";

/** Builds `windows.updates` from the `hotfixes` section; ages are counted to `now` (the scan's clock). */
export function updatesFact(section: unknown, now: Date): WindowsUpdatesFacts["windows.updates"] {
  const hotfixes = asArray<Record<string, unknown>>(asRecord(section).hotfixes)
    .map((hotfix) => ({ id: String(hotfix.id), description: String(hotfix.description ?? ""), installedOn: stringOrNull(hotfix.installedOn) }))
    .sort((a, b) => compareText(a.id, b.id));
  const dates = hotfixes.map((hotfix) => hotfix.installedOn).filter((date): date is string => date !== null && !Number.isNaN(Date.parse(date)));
  const last = dates.sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? null;
  return { hotfixes, count: hotfixes.length, lastInstalledAt: last, daysSinceLastInstall: daysSince(last, now) };
}

/** The facts `windows-updates` produces, each with its schema and meaning. */
export const windowsUpdatesFacts = defineFacts({
  "windows.updates": {
    description: "hotfixes[] (id, description, installedOn), count, lastInstalledAt, daysSinceLastInstall (to the scan time)",
    schema: z.object({
      hotfixes: z.array(z.object({ id: z.string(), description: z.string(), installedOn: z.string().nullable() })),
      count: z.number(),
      lastInstalledAt: z.string().nullable(),
      daysSinceLastInstall: z.number().nullable(),
    }),
  },
});
/** The facts `windows-updates` produces, as the collector checks them. */
export type WindowsUpdatesFacts = FactsOf<typeof windowsUpdatesFacts>;

/** Reads installed hotfixes. */
export const windowsUpdatesProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-updates",
    description: "Installed updates (Get-HotFix) and the age of the newest installation.",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: windowsUpdatesFacts,
  },
  async collect(_host, _params, deps) {
    return { facts: { "windows.updates": updatesFact(await readSection(deps.transport, "hotfixes", deps.signal), deps.clock.now()) } };
  },
});
