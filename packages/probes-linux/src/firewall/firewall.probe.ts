/**
 * Packet-filter state: the running ruleset (nftables, else iptables) where commands run, else the
 * boot configuration (ufw, /etc/nftables.conf, iptables-persistent) of an offline root.
 */
import { defineFacts, defineProbe, type HostProbe, type HostTransport, type JsonValue } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { meaningfulLines, unitEnabledByFiles } from "../support/text.js";

/** What the probe reports, one fact each. */
export interface FirewallState {
  readonly backend: "nftables" | "iptables" | "ufw" | null;
  readonly active: boolean;
  readonly defaultInputPolicy: "accept" | "drop" | "reject" | null;
  readonly rulesCount: number;
  readonly source: "runtime" | "configuration";
}

type NftObject = { chain?: { hook?: string; type?: string; policy?: string }; rule?: unknown };

/** Reads `nft -j list ruleset`: any filter chain on the input hook with policy drop makes input drop. */
export function stateOfNftJson(text: string): FirewallState {
  const objects = ((JSON.parse(text) as { nftables?: NftObject[] }).nftables ?? []) as NftObject[];
  const inputChains = objects.filter((object) => object.chain?.hook === "input" && (object.chain.type ?? "filter") === "filter");
  const rulesCount = objects.filter((object) => object.rule !== undefined).length;
  const policy = inputChains.length === 0 ? null : inputChains.some((object) => object.chain?.policy === "drop") ? "drop" : "accept";
  return { backend: "nftables", active: rulesCount > 0 || policy === "drop", defaultInputPolicy: policy, rulesCount, source: "runtime" };
}

/** Reads `iptables-save` output (filter table): `:INPUT DROP` and the `-A` rules. */
export function stateOfIptablesSave(text: string, source: FirewallState["source"] = "runtime"): FirewallState {
  const filter = /\*filter\n([\s\S]*?)\nCOMMIT/.exec(text)?.[1] ?? "";
  const policy = /^:INPUT (ACCEPT|DROP|REJECT)/m.exec(filter)?.[1]?.toLowerCase() as FirewallState["defaultInputPolicy"] | undefined;
  const rulesCount = filter.split("\n").filter((line) => line.startsWith("-A ")).length;
  return { backend: "iptables", active: rulesCount > 0 || policy === "drop", defaultInputPolicy: policy ?? null, rulesCount, source };
}

/** Reads an nftables.conf: input-hook policy and the statements inside chains. */
export function stateOfNftConf(text: string): Omit<FirewallState, "active"> {
  let policy: FirewallState["defaultInputPolicy"] = null;
  let rulesCount = 0;
  let depth = 0;
  let inChain = false;
  for (const line of meaningfulLines(text)) {
    if (/^chain\s/.test(line)) inChain = true;
    if (/hook\s+input\b/.test(line)) policy = /policy\s+drop/.test(line) ? "drop" : policy === "drop" ? "drop" : "accept";
    else if (inChain && depth >= 2 && !/^(type|policy)\s/.test(line) && !line.startsWith("}") && !line.endsWith("{")) rulesCount++;
    depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
    if (depth < 2) inChain = false;
  }
  return { backend: "nftables", defaultInputPolicy: policy, rulesCount, source: "configuration" };
}

async function configuredState(transport: HostTransport): Promise<FirewallState> {
  const ufwConf = await transport.readFile("/etc/ufw/ufw.conf");
  if (ufwConf !== undefined) {
    const enabled = /^\s*ENABLED\s*=\s*yes/im.test(ufwConf);
    const defaults = (await transport.readFile("/etc/default/ufw")) ?? "";
    const policy = /^\s*DEFAULT_INPUT_POLICY\s*=\s*"?(ACCEPT|DROP|REJECT)/im.exec(defaults)?.[1]?.toLowerCase() as
      | FirewallState["defaultInputPolicy"]
      | undefined;
    const userRules = ((await transport.readFile("/etc/ufw/user.rules")) ?? "").split("\n").filter((line) => line.startsWith("-A ")).length;
    if (enabled) return { backend: "ufw", active: true, defaultInputPolicy: policy ?? "drop", rulesCount: userRules, source: "configuration" };
  }
  const nftConf = await transport.readFile("/etc/nftables.conf");
  if (nftConf !== undefined && (await unitEnabledByFiles(transport, "nftables.service"))) {
    const state = stateOfNftConf(nftConf);
    return { ...state, active: state.rulesCount > 0 || state.defaultInputPolicy === "drop" };
  }
  const saved = await transport.readFile("/etc/iptables/rules.v4");
  if (saved !== undefined && (await unitEnabledByFiles(transport, "netfilter-persistent.service"))) return stateOfIptablesSave(saved, "configuration");
  return { backend: null, active: false, defaultInputPolicy: null, rulesCount: 0, source: "configuration" };
}

async function runtimeState(transport: HostTransport): Promise<FirewallState | undefined> {
  const nft = await transport.exec(["nft", "-j", "list", "ruleset"], { privileged: true });
  if (nft.exitCode === 0) return stateOfNftJson(nft.stdout || '{"nftables":[]}');
  const iptables = await transport.exec(["iptables-save"], { privileged: true });
  if (iptables.exitCode === 0) return stateOfIptablesSave(iptables.stdout);
  const denied = [nft, iptables].find((result) => result.exitCode !== 127);
  if (denied)
    throw new Error(`cannot read the running ruleset (${denied.stderr.trim().split("\n")[0] ?? `exit ${denied.exitCode}`}) — run as root or configure sudo`);
  return undefined;
}

/** The facts `firewall` produces, each with its schema and meaning. */
export const firewallFacts = defineFacts({
  "firewall.backend": {
    description: '"nftables", "iptables", "ufw" or null when no packet filter is found',
    schema: z.enum(["nftables", "iptables", "ufw"]).nullable(),
  },
  "firewall.active": {
    description: "true when rules are loaded (or configured to load at boot) or input is dropped by default",
    schema: z.boolean(),
  },
  "firewall.defaultInputPolicy": {
    description: '"accept", "drop" or "reject" for incoming packets no rule matches; null when no input chain exists',
    schema: z.enum(["accept", "drop", "reject"]).nullable(),
  },
  "firewall.rulesCount": {
    description: "number of rules in the ruleset (or in the boot configuration)",
    schema: z.number().int(),
  },
  "firewall.source": {
    description: '"runtime" when read from the running kernel, "configuration" when from boot files',
    schema: z.enum(["runtime", "configuration"]),
  },
});

/** Firewall backend, whether it filters, the default input policy, and the number of rules. */
export const firewallProbe: HostProbe = defineProbe({
  meta: {
    id: "firewall",
    description: "Reads the packet filter: running nftables/iptables ruleset, or the ufw/nftables/iptables-persistent boot configuration.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: firewallFacts,
  },
  async collect(_host, _params, { transport }) {
    // With no nft/iptables binary the kernel can still hold rules only if ufw or a unit loads them: read the files.
    const state = (transport.canExec ? await runtimeState(transport) : undefined) ?? (await configuredState(transport));
    const facts: Record<string, JsonValue> = {};
    for (const [key, value] of Object.entries(state)) facts[`firewall.${key}`] = value;
    return { facts };
  },
});
