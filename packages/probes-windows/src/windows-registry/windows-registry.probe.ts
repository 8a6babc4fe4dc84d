/** Single registry switches: IP forwarding, RDP and NLA, Windows Update (WSUS) policy. */
import { defineFacts, defineProbe, type FactsOf, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { REGISTRY_VALUES, type RegistryValueRef } from "../commands/catalog.js";
import { asArray, asRecord, readSection } from "../commands/powershell.js";
import { numberOrNull, stringOrNull, WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";

/** Builds the three registry facts from the `registry` section. */
export function registryFacts(section: unknown): WindowsRegistryFacts {
  const values = asArray<Record<string, unknown>>(asRecord(section).values);
  const read = (ref: RegistryValueRef): unknown =>
    values.find(
      (entry) =>
        String(entry.key).toLowerCase() === ref.key.toLowerCase() && String(entry.name).toLowerCase() === ref.name.toLowerCase() && entry.present === true,
    )?.value ?? null;
  const ipEnableRouter = numberOrNull(read(REGISTRY_VALUES.ipEnableRouter));
  // A group-policy value overrides the local one.
  const denyPolicy = numberOrNull(read(REGISTRY_VALUES.denyTsConnectionsPolicy));
  const denyLocal = numberOrNull(read(REGISTRY_VALUES.denyTsConnections));
  const deny = denyPolicy ?? denyLocal;
  const nlaPolicy = numberOrNull(read(REGISTRY_VALUES.rdpUserAuthenticationPolicy));
  const nlaLocal = numberOrNull(read(REGISTRY_VALUES.rdpUserAuthentication));
  const nla = nlaPolicy ?? nlaLocal;
  const wuServer = stringOrNull(read(REGISTRY_VALUES.wuServer));
  const useWuServer = numberOrNull(read(REGISTRY_VALUES.useWuServer));
  return {
    "windows.network.ipForwarding": { ipEnableRouter, enabled: ipEnableRouter === 1 },
    "windows.rdp": {
      // fDenyTSConnections absent means connections are denied (the Server default).
      enabled: deny === 0,
      denyConnections: deny,
      nlaRequired: nla === 1,
      userAuthentication: nla,
      source: nlaPolicy !== null || denyPolicy !== null ? "group-policy" : "local",
      securityLayer: numberOrNull(read(REGISTRY_VALUES.rdpSecurityLayer)),
    },
    "windows.update.policy": {
      wuServer,
      wuStatusServer: stringOrNull(read(REGISTRY_VALUES.wuStatusServer)),
      useWuServer,
      usesWsus: useWuServer === 1 && wuServer !== null,
      noAutoUpdate: numberOrNull(read(REGISTRY_VALUES.noAutoUpdate)),
      auOptions: numberOrNull(read(REGISTRY_VALUES.auOptions)),
    },
  };
}

/** The facts `windows-registry` produces, each with its schema and meaning. */
export const windowsRegistryFacts = defineFacts({
  "windows.network.ipForwarding": {
    description: "ipEnableRouter (raw value or null when absent) and enabled (value is 1)",
    schema: z.object({ ipEnableRouter: z.number().nullable(), enabled: z.boolean() }),
  },
  "windows.rdp": {
    description: "enabled, denyConnections, nlaRequired, userAuthentication, source (group-policy/local), securityLayer",
    schema: z.object({
      enabled: z.boolean(),
      denyConnections: z.number().nullable(),
      nlaRequired: z.boolean(),
      userAuthentication: z.number().nullable(),
      source: z.enum(["group-policy", "local"]),
      securityLayer: z.number().nullable(),
    }),
  },
  "windows.update.policy": {
    description: "wuServer, wuStatusServer, useWuServer, usesWsus (UseWUServer 1 and WUServer set), noAutoUpdate, auOptions",
    schema: z.object({
      wuServer: z.string().nullable(),
      wuStatusServer: z.string().nullable(),
      useWuServer: z.number().nullable(),
      usesWsus: z.boolean(),
      noAutoUpdate: z.number().nullable(),
      auOptions: z.number().nullable(),
    }),
  },
});
/** The facts `windows-registry` produces, as the collector checks them. */
export type WindowsRegistryFacts = FactsOf<typeof windowsRegistryFacts>;

/** Reads single registry values the checklists name. */
export const windowsRegistryProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-registry",
    description: "IPEnableRouter, RDP fDenyTSConnections/UserAuthentication (policy values win), and the Windows Update (WSUS) policy values.",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: windowsRegistryFacts,
  },
  async collect(_host, _params, deps) {
    return { facts: registryFacts(await readSection(deps.transport, "registry", deps.signal)) };
  },
});
