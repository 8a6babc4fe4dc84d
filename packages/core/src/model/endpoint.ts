import { HardcheckError } from "../errors.js";
import type { Endpoint, HostSpec } from "./types.js";

/** Default ports of the endpoint schemes hardcheck knows. Plugins may add more. */
const DEFAULT_PORTS = new Map<string, number>([
  ["tls", 443],
  ["https", 443],
  ["http", 80],
  ["smtp", 25],
  ["smtps", 465],
  ["ldap", 389],
  ["ldaps", 636],
  ["mssql", 1433],
  ["snmp", 161],
  ["rdp", 3389],
  ["sips", 5061],
  ["sip", 5060],
  ["tcp", -1],
]);

const EXAMPLES: Record<string, string> = {
  tls: "tls://127.0.0.1:8443",
  https: "https://portal.example",
  smtp: "smtp://mail.example:25",
  tcp: "tcp://10.0.0.5:8080",
};

/**
 * Makes a new endpoint scheme known to the URL parser (for plugin probes of other protocols).
 * `defaultPort` -1 means the URL must name a port.
 */
export function registerEndpointScheme(scheme: string, defaultPort: number): void {
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) {
    throw new HardcheckError("HC_PLUGIN_REGISTER", `"${scheme}" is not a valid URL scheme — expected lower-case letters, digits, "+", "-" or "."`);
  }
  const known = DEFAULT_PORTS.get(scheme);
  if (known !== undefined && known !== defaultPort) {
    throw new HardcheckError("HC_PLUGIN_CONFLICT", `scheme "${scheme}" is already registered with default port ${known}`);
  }
  DEFAULT_PORTS.set(scheme, defaultPort);
}

/** The endpoint schemes currently known, sorted. */
export function knownEndpointSchemes(): string[] {
  return [...DEFAULT_PORTS.keys()].sort();
}

/** Options that travel with an endpoint URL in the config file. */
export interface EndpointOptions {
  tags?: readonly string[];
  servername?: string;
}

/**
 * Parses and normalises an endpoint URL. Throws {@link HardcheckError} `HC_ENDPOINT_INVALID` with
 * a message that says what was expected.
 *
 * @example
 * ```ts
 * parseEndpoint("smtp://mail.example").port; // 25
 * ```
 */
export function parseEndpoint(raw: string, options: EndpointOptions = {}): Endpoint {
  const fail = (why: string): never => {
    throw new HardcheckError("HC_ENDPOINT_INVALID", `"${maskUserinfo(raw)}" ${why}`);
  };
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(raw);
  if (!schemeMatch) {
    const guess = /^([a-z]+)/i.exec(raw)?.[1]?.toLowerCase();
    const example = (guess && EXAMPLES[guess]) ?? "tls://host.example:443";
    return fail(`is not a URL — expected e.g. ${example}`);
  }
  const scheme = (schemeMatch[1] as string).toLowerCase();
  const defaultPort = DEFAULT_PORTS.get(scheme);
  if (defaultPort === undefined) {
    return fail(`has unknown scheme "${scheme}" — expected one of ${knownEndpointSchemes().join(", ")}`);
  }
  let url: URL;
  try {
    // WHATWG URL only fills host/port for "special" schemes; parse every scheme as http for that.
    url = new URL(`http://${raw.slice(schemeMatch[0].length)}`);
  } catch {
    return fail(`is not a URL — expected e.g. ${EXAMPLES[scheme] ?? `${scheme}://host.example:${defaultPort}`}`);
  }
  if (url.username || url.password) {
    return fail("must not carry credentials — use secret references in the target instead");
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) return fail("has no host");
  const explicitPort = /:(\d+)(?:[/?#]|$)/.test(raw.slice(schemeMatch[0].length).replace(/^\[[^\]]*\]/, ""));
  const port = explicitPort ? Number(url.port || 80) : defaultPort;
  if (port < 1 || port > 65535) {
    return fail(defaultPort === -1 ? `needs a port — expected e.g. ${scheme}://${host}:8080` : "has a port outside 1-65535");
  }
  const hostPart = host.includes(":") ? `[${host}]` : host;
  const path = url.pathname || "/";
  const endpoint: Endpoint = {
    url: `${scheme}://${hostPart}:${port}${path === "/" ? "" : path}`,
    scheme,
    host,
    port,
    path,
    tags: [...(options.tags ?? [])].sort(),
    ...(options.servername ? { servername: options.servername } : {}),
  };
  return endpoint;
}

/**
 * A URL as it may be quoted in a message: a password in its user part (`user:secret@`) becomes
 * `user:…@`. Works on text that is not a valid URL too, since those are the ones errors quote.
 *
 * @example
 * ```ts
 * maskUserinfo("smtp://admin:hunter2@mail"); // "smtp://admin:…@mail"
 * ```
 */
export function maskUserinfo(raw: string): string {
  const slashes = raw.indexOf("//");
  const start = slashes >= 0 ? slashes + 2 : raw.indexOf(":") + 1;
  // The last "@" ends the user part: a password may itself hold "@", "/" or "#".
  const at = raw.lastIndexOf("@");
  if (at < start) return raw;
  const user = raw.slice(start, at);
  const colon = user.indexOf(":");
  return `${raw.slice(0, start)}${colon >= 0 ? `${user.slice(0, colon)}:…` : user}${raw.slice(at)}`;
}

/**
 * Parses a host transport spec: `local:`, `root:/path`, `ssh://user@host[:port]`,
 * `evidence:./bundle.json`.
 */
export function parseHostSpec(raw: string): HostSpec {
  if (raw === "local:" || raw === "local") return { spec: "local:", kind: "local", location: "" };
  const prefixed = /^(root|evidence):(.+)$/.exec(raw);
  if (prefixed) {
    return { spec: raw, kind: prefixed[1] as "root" | "evidence", location: prefixed[2] as string };
  }
  if (raw.startsWith("ssh://")) {
    let url: URL;
    try {
      url = new URL(`http://${raw.slice("ssh://".length)}`);
    } catch {
      throw new HardcheckError("HC_ENDPOINT_INVALID", `"${maskUserinfo(raw)}" is not an SSH URL — expected e.g. ssh://admin@host.example:22`);
    }
    if (url.password) {
      throw new HardcheckError("HC_ENDPOINT_INVALID", `"ssh://${url.username}:…@${url.host}" must not carry a password — use a key or an agent`);
    }
    if (!url.username) {
      throw new HardcheckError("HC_ENDPOINT_INVALID", `"${maskUserinfo(raw)}" names no user — expected e.g. ssh://admin@${url.hostname || "host.example"}`);
    }
    return {
      spec: raw,
      kind: "ssh",
      location: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      user: decodeURIComponent(url.username),
      port: url.port ? Number(url.port) : 22,
    };
  }
  throw new HardcheckError(
    "HC_ENDPOINT_INVALID",
    `"${maskUserinfo(raw)}" is not a host transport — expected local:, root:/path/to/fs, ssh://user@host or evidence:./bundle.json`,
  );
}
