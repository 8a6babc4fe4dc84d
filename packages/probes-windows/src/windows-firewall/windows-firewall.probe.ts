/** Windows Firewall profiles as in effect. */
import { defineFacts, defineProbe, type FactsOf, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { asArray, asRecord, readSection } from "../commands/powershell.js";
import { WINDOWS_OS, WINDOWS_TRANSPORTS } from "../support/windows-probe.js";

/** Builds `windows.firewall` from the `firewall` section. */
export function firewallFact(section: unknown): WindowsFirewallFacts["windows.firewall"] {
  const profiles = asArray<Record<string, unknown>>(asRecord(section).profiles).map((profile) => {
    const inbound = String(profile.defaultInboundAction ?? "NotConfigured");
    return {
      name: String(profile.name),
      enabled: String(profile.enabled).toLowerCase() === "true",
      defaultInboundAction: inbound,
      // NotConfigured falls back to Windows' own default, which blocks inbound connections.
      inboundBlocked: inbound === "Block" || inbound === "NotConfigured",
      defaultOutboundAction: String(profile.defaultOutboundAction ?? "NotConfigured"),
    };
  });
  return {
    profiles,
    profileCount: profiles.length,
    disabledProfiles: profiles.filter((profile) => !profile.enabled).map((profile) => profile.name),
    inboundNotBlocked: profiles.filter((profile) => !profile.inboundBlocked).map((profile) => profile.name),
  };
}

/** The facts `windows-firewall` produces, each with its schema and meaning. */
export const windowsFirewallFacts = defineFacts({
  "windows.firewall": {
    description: "profiles[] (name, enabled, defaultInboundAction, inboundBlocked, defaultOutboundAction), profileCount, disabledProfiles, inboundNotBlocked",
    schema: z.object({
      profiles: z.array(
        z.object({ name: z.string(), enabled: z.boolean(), defaultInboundAction: z.string(), inboundBlocked: z.boolean(), defaultOutboundAction: z.string() }),
      ),
      profileCount: z.number(),
      disabledProfiles: z.array(z.string()),
      inboundNotBlocked: z.array(z.string()),
    }),
  },
});
/** The facts `windows-firewall` produces, as the collector checks them. */
export type WindowsFirewallFacts = FactsOf<typeof windowsFirewallFacts>;

/** Reads the firewall profiles. */
export const windowsFirewallProbe: HostProbe = defineProbe({
  meta: {
    id: "windows-firewall",
    description: "Windows Firewall profiles (Domain, Private, Public) from the active policy store: enabled and default actions.",
    transports: WINDOWS_TRANSPORTS,
    os: WINDOWS_OS,
    facts: windowsFirewallFacts,
  },
  async collect(_host, _params, deps) {
    return { facts: { "windows.firewall": firewallFact(await readSection(deps.transport, "firewall", deps.signal)) } };
  },
});
