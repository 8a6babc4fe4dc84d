/** `hardcheck init`: a commented starter config that validates and scans as written. */
import { access, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { HardcheckError, parseHostSpec } from "@hardcheck/core";
import { type CliIo, EXIT } from "../io.js";
import { createLineReader } from "./attest.js";

/** Options of `hardcheck init`. */
export interface InitCommandOptions {
  /** Hosts, one target each: a name or address, or a host transport (ssh://…, local:, root:…, evidence:…). */
  readonly host?: string[];
  /** Packs to use (default: tls-baseline and network-baseline). */
  readonly pack?: string[];
  /** Extra endpoint URLs for every target. */
  readonly endpoint?: string[];
  readonly out: string;
  readonly force?: boolean;
}

interface StarterEndpoint {
  readonly url: (host: string) => string;
  readonly tags?: readonly string[];
  readonly comment: string;
  /** Written commented out: the service is often elsewhere, or its port is the installation's choice. */
  readonly optional?: boolean;
}

/** What a vendor pack needs in a starter config: the role tag of its targets and the usual endpoints. */
interface VendorProfile {
  readonly targetTag: string;
  readonly about: string;
  readonly endpoints: readonly StarterEndpoint[];
}

const VENDOR_PROFILES: Readonly<Record<string, VendorProfile>> = {
  "openscape-concierge-v5r0": {
    targetTag: "concierge",
    about: "an OpenScape Concierge server (Windows): give it evidence:./bundle.json from `hardcheck collect-script` for the host items",
    endpoints: [
      {
        url: (h) => `https://${h}:443`,
        tags: ["concierge", "reporter"],
        comment: "Concierge web and REST interface (and the Reporter on this server): certificate, TLS versions",
      },
      { url: (h) => `snmp://${h}:161`, comment: "SNMP agent: no default community, SNMPv3 only" },
      { url: (h) => `rdp://${h}:3389`, comment: "Remote Desktop for administration: NLA required" },
      { url: (h) => `mssql://${h}:1433`, comment: "SQL Server of the Concierge database, when on this server: forced encryption", optional: true },
      { url: () => "smtp://mail.example:25", tags: ["mail"], comment: "the mail server the Concierge sends through: STARTTLS before AUTH", optional: true },
      { url: () => "ldap://directory.example:389", tags: ["directory"], comment: "the directory it reads users from: TLS, no anonymous bind", optional: true },
      { url: () => "http://exchange.example", tags: ["ews"], comment: "Exchange Web Services: HTTPS only, no Basic over HTTP", optional: true },
      { url: () => "sips://pbx.example:5061", tags: ["sip-trunk"], comment: "SIP trunk to the PBX over TLS", optional: true },
    ],
  },
  "openscape-xpert": {
    targetTag: "xpert",
    about: "an OpenScape Xpert System Manager (Windows, evidence:) or MLC (Linux, ssh:// or root:)",
    endpoints: [
      { url: (h) => `https://${h}:443`, tags: ["osxmp"], comment: "OpenScape Xpert Management Portal (OSXMP): certificate, TLS versions" },
      { url: (h) => `sips://${h}:5061`, comment: "SIP over TLS (MLC)", optional: true },
      { url: (h) => `tls://${h}:PORT`, tags: ["csta"], comment: "CSTA link to the PBX — the port your installation uses", optional: true },
      { url: (h) => `tls://${h}:PORT`, tags: ["htems"], comment: "HTEMS — the port your installation uses", optional: true },
      { url: (h) => `tls://${h}:PORT`, tags: ["cluster-db"], comment: "cluster database replication — the port your installation uses", optional: true },
      { url: (h) => `tls://${h}:PORT`, tags: ["license"], comment: "licence server — the port your installation uses", optional: true },
      { url: (h) => `tls://${h}:PORT`, tags: ["thrift-api"], comment: "client Thrift API, when the site uses it", optional: true },
      { url: (h) => `tcp://${h}:PORT`, tags: ["unused"], comment: "an interface the site does not use (CTI, Thrift API): must be closed", optional: true },
    ],
  },
};

const DEFAULT_PACKS = ["tls-baseline", "network-baseline"];

/** Writes a starter config; returns the exit code. */
export async function initCommand(options: InitCommandOptions, io: CliIo): Promise<number> {
  const file = resolve(io.cwd, options.out);
  if (!options.force && (await exists(file))) {
    throw new HardcheckError("HC_USAGE", `${options.out} exists — choose another file with --out, or --force to replace it`);
  }
  let hosts = options.host ?? [];
  if (hosts.length === 0) {
    if (!io.stdin?.isTTY) throw new HardcheckError("HC_USAGE", "init needs at least one --host NAME (repeatable), or a terminal to ask for them");
    const reader = createLineReader(io);
    try {
      const answer = await reader.ask("Hosts to check (names, addresses or ssh://user@host, separated by spaces): ");
      hosts = (answer ?? "").split(/[\s,]+/).filter(Boolean);
    } finally {
      reader.close();
    }
    if (hosts.length === 0) throw new HardcheckError("HC_USAGE", "no host given — run hardcheck init --host NAME");
  }
  const packs = options.pack?.length ? [...new Set(options.pack)] : DEFAULT_PACKS;
  await writeFile(file, renderStarterConfig(hosts, packs, options.endpoint ?? []));
  io.stderr.write(`wrote ${options.out}: ${hosts.length} target(s), packs ${packs.join(", ")} — next: hardcheck validate ${options.out}\n`);
  return EXIT.ok;
}

/** The starter config's text: valid YAML with a comment on every choice. */
export function renderStarterConfig(hosts: readonly string[], packs: readonly string[], extraEndpoints: readonly string[]): string {
  const vendors = packs.flatMap((pack) => (VENDOR_PROFILES[pack] ? [VENDOR_PROFILES[pack]] : []));
  const lines = [
    "# hardcheck starter config — edit it, then: hardcheck validate <this file>, hardcheck scan -c <this file>",
    "# yaml-language-server: $schema=./node_modules/@hardcheck/core/schemas/config.schema.json",
    "",
    "# Rule packs: bundled ids (hardcheck list-rules) or paths to your own pack files.",
    `packs: [${packs.join(", ")}]`,
    "",
    "# Fail (exit 2) when something would go unchecked: a pack, target or role tag nothing applies to.",
    "# strict: true",
    "",
    "targets:",
  ];
  const usedIds = new Set<string>();
  for (const host of hosts) {
    const { id, hostSpec, address } = describeHost(host);
    let unique = id;
    for (let n = 2; usedIds.has(unique); n++) unique = `${id}-${n}`;
    usedIds.add(unique);
    lines.push(`  - id: ${unique}`);
    if (hostSpec) lines.push(`    host: ${JSON.stringify(hostSpec)}   # the OS is read from the host; add os: linux|windows to override`);
    else lines.push(`    # host: ssh://admin@${address}   # host items: ssh:// for Linux, evidence:./${unique}.json (hardcheck collect-script) for Windows`);
    const tags = vendors.map((vendor) => vendor.targetTag);
    if (tags.length > 0) lines.push(`    tags: [${tags.join(", ")}]   # role: ${vendors.map((vendor) => vendor.about).join("; ")}`);
    const endpoints = vendors.flatMap((vendor) => vendor.endpoints);
    const active = endpoints.filter((endpoint) => !endpoint.optional);
    const entries = [
      ...extraEndpoints.map((url) => ({ text: JSON.stringify(url), comment: "given with --endpoint", optional: false })),
      ...(address && vendors.length === 0
        ? [{ text: JSON.stringify(`https://${address}:443`), comment: "web interface: certificate, TLS versions", optional: false }]
        : []),
      ...(address
        ? endpoints.map((endpoint) => ({
            text: endpoint.tags ? `{ url: "${endpoint.url(address)}", tags: [${endpoint.tags.join(", ")}] }` : JSON.stringify(endpoint.url(address)),
            comment: endpoint.comment,
            optional: endpoint.optional === true,
          }))
        : []),
    ];
    if (entries.length === 0 || (active.length === 0 && extraEndpoints.length === 0 && !address)) {
      lines.push("    # endpoints: [https://host:443]   # network services of this system");
      continue;
    }
    lines.push("    endpoints:");
    for (const entry of entries) lines.push(`      ${entry.optional ? "# " : ""}- ${entry.text}   # ${entry.comment}`);
  }
  lines.push(
    "",
    "# Parameter overrides by rule or pack id (hardcheck explain RULE lists them), waivers and attestations:",
    "# tailoring: { TLS-CERT-EXPIRY-WARNING: { warnDays: 45 } }",
    "# waivers: [{ rule: RULE-ID, target: TARGET-ID, reason: why, approvedBy: who, expires: 2027-12-31 }]",
    "# attestations: ./attestations.yaml",
    "",
  );
  return lines.join("\n");
}

/** A target id, the host transport (if the argument is one) and the address its endpoints use. */
function describeHost(host: string): { id: string; hostSpec?: string; address?: string } {
  const isTransport = /^(local|root|evidence):/.test(host) || host.includes("://");
  if (!isTransport) return { id: identifierOf(host), address: host };
  const spec = parseHostSpec(host);
  if (spec.kind === "ssh") {
    const address = new URL(host).hostname.replace(/^\[|\]$/g, "");
    return { id: identifierOf(address), hostSpec: host, address };
  }
  if (spec.kind === "local") return { id: "this-host", hostSpec: "local:", address: "127.0.0.1" };
  const base = spec.location.split(/[\\/]/).filter(Boolean).pop() ?? spec.kind;
  return { id: identifierOf(base.replace(/\.json$/i, "")), hostSpec: host };
}

function identifierOf(text: string): string {
  const id = text.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "");
  return id || "target";
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
