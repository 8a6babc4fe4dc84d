/**
 * LLDP agents: an agent that listens to LLDP-MED network policies is how a Linux client would take
 * a voice VLAN from the switch, so which agents are installed and active decides the item.
 */
import { defineFacts, defineProbe, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { dpkgInstalled, unitEnabledByFiles } from "../support/text.js";

/** LLDP agents by Debian package and systemd unit. */
const AGENTS = [
  { name: "lldpd", unit: "lldpd.service" },
  { name: "lldpad", unit: "lldpad.service" },
] as const;

/** The facts `lldp` produces, each with its schema and meaning. */
export const lldpFacts = defineFacts({
  "lldp.installedAgents": {
    description: "LLDP agents installed (lldpd, lldpad), sorted",
    schema: z.array(z.string()),
  },
  "lldp.enabledAgents": {
    description: "installed agents enabled at boot or running now, sorted",
    schema: z.array(z.string()),
  },
});

/** LLDP agent facts. */
export const lldpProbe: HostProbe = defineProbe({
  meta: {
    id: "lldp",
    description: "Finds LLDP agents (lldpd, lldpad) and whether they start at boot or run now.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: lldpFacts,
  },
  async collect(_host, _params, { transport }) {
    const installed = (await dpkgInstalled(transport)) ?? new Map<string, string>();
    const present = AGENTS.filter((agent) => installed.has(agent.name));
    const enabled: string[] = [];
    for (const agent of present) {
      let active = await unitEnabledByFiles(transport, agent.unit);
      if (!active && transport.canExec) active = (await transport.exec(["systemctl", "is-active", "--quiet", agent.unit])).exitCode === 0;
      if (active) enabled.push(agent.name);
    }
    return { facts: { "lldp.installedAgents": present.map((agent) => agent.name).sort(), "lldp.enabledAgents": enabled.sort() } };
  },
});
