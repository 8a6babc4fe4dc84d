/** Services and their state. */
import { compareText, defineFacts, defineProbe, type FactsOf, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { asArray, asRecord, readSection } from "../commands/powershell.js";
import { lowerSet, WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";

/** Builds `windows.services` from the `services` section. */
export function servicesFact(section: unknown): WindowsServicesFacts["windows.services"] {
  const services = asArray<Record<string, unknown>>(asRecord(section).services)
    .map((service) => ({
      name: String(service.name),
      displayName: String(service.displayName ?? ""),
      state: String(service.state ?? ""),
      startMode: String(service.startMode ?? ""),
    }))
    .sort((a, b) => compareText(a.name, b.name));
  return {
    services,
    names: lowerSet(services.map((service) => service.name)),
    running: lowerSet(services.filter((service) => service.state === "Running").map((service) => service.name)),
  };
}

/** The facts `windows-services` produces, each with its schema and meaning. */
export const windowsServicesFacts = defineFacts({
  "windows.services": {
    description: "services[] (name, displayName, state, startMode), names and running (lower-case service names)",
    schema: z.object({
      services: z.array(z.object({ name: z.string(), displayName: z.string(), state: z.string(), startMode: z.string() })),
      names: z.array(z.string()),
      running: z.array(z.string()),
    }),
  },
});
/** The facts `windows-services` produces, as the collector checks them. */
export type WindowsServicesFacts = FactsOf<typeof windowsServicesFacts>;

/** Reads the installed services. */
export const windowsServicesProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-services",
    description: "Installed services (Win32_Service) with state and start mode.",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: windowsServicesFacts,
  },
  async collect(_host, _params, deps) {
    return { facts: { "windows.services": servicesFact(await readSection(deps.transport, "services", deps.signal)) } };
  },
});
