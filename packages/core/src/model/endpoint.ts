import { HardcheckError } from "../errors.js";
import type { Endpoint, HostSpec } from "./target.js";

/**
 * An endpoint URL scheme and its default port. Each {@link Hardcheck} instance knows the built-in
 * schemes and those its plugins register (`context.registerScheme(...)`).
 */
export interface EndpointScheme {
  /** Lower-case URL scheme: `smtp`, `ldaps`, `imap`. */
  readonly name: string;
  /** The port an URL without one gets; -1 means the URL must name a port. */
  readonly defaultPort: number;
  /** An URL to quote in messages about a malformed one (`smtp://mail.example:25`). */
  readonly example?: string;
}

/** The endpoint schemes every instance knows before any plugin registers more. */
export const BUILTIN_ENDPOINT_SCHEMES: readonly EndpointScheme[] = [
  { name: "tls", defaultPort: 443, example: "tls://127.0.0.1:8443" },
  { name: "https", defaultPort: 443, example: "https://portal.example" },
  { name: "http", defaultPort: 80 },
  { name: "smtp", defaultPort: 25, example: "smtp://mail.example:25" },
  { name: "smtps", defaultPort: 465 },
  { name: "ldap", defaultPort: 389 },
  { name: "ldaps", defaultPort: 636 },
  { name: "mssql", defaultPort: 1433 },
  { name: "snmp", defaultPort: 161 },
  { name: "rdp", defaultPort: 3389 },
  { name: "sips", defaultPort: 5061 },
  { name: "sip", defaultPort: 5060 },
  { name: "tcp", defaultPort: -1, example: "tcp://10.0.0.5:8080" },
];

/** The schemes one instance knows, by name: what {@link parseEndpoint} accepts. */
export type EndpointSchemeTable = ReadonlyMap<string, EndpointScheme>;

/** Checks one scheme registration; throws `HC_PLUGIN_REGISTER` for a name that cannot be a URL scheme. */
export function checkEndpointScheme(scheme: EndpointScheme): EndpointScheme {
  const name: unknown = scheme?.name;
  if (typeof name !== "string" || !/^[a-z][a-z0-9+.-]*$/.test(name)) {
    throw new HardcheckError("HC_PLUGIN_REGISTER", `"${String(name)}" is not a valid URL scheme — expected lower-case letters, digits, "+", "-" or "."`);
  }
  if (!Number.isInteger(scheme.defaultPort) || (scheme.defaultPort !== -1 && (scheme.defaultPort < 1 || scheme.defaultPort > 65535))) {
    throw new HardcheckError(
      "HC_PLUGIN_REGISTER",
      `scheme "${name}": default port ${String(scheme.defaultPort)} is not a port — expected 1-65535, or -1 when URLs must name one`,
    );
  }
  return scheme;
}

/**
 * Builds a scheme table from registrations, in order. Registering a scheme again with the same
 * default port is harmless; with another port it is `HC_PLUGIN_CONFLICT`.
 */
export function endpointSchemeTable(schemes: readonly EndpointScheme[]): EndpointSchemeTable {
  const table = new Map<string, EndpointScheme>();
  for (const scheme of schemes) {
    checkEndpointScheme(scheme);
    const known = table.get(scheme.name);
    if (known !== undefined && known.defaultPort !== scheme.defaultPort) {
      throw new HardcheckError("HC_PLUGIN_CONFLICT", `scheme "${scheme.name}" is already registered with default port ${known.defaultPort}`);
    }
    if (known === undefined || (known.example === undefined && scheme.example !== undefined)) table.set(scheme.name, scheme);
  }
  return table;
}

const BUILTIN_SCHEME_TABLE = endpointSchemeTable(BUILTIN_ENDPOINT_SCHEMES);

/** Options that travel with an endpoint URL in the config file. */
export interface EndpointOptions {
  tags?: readonly string[];
  servername?: string;
}

/**
 * Parses and normalises an endpoint URL against the schemes of `schemes` (the built-in ones by
 * default; a scan passes its instance's table). Throws {@link HardcheckError} `HC_ENDPOINT_INVALID`
 * with a message that says what was expected.
 *
 * @example
 * ```ts
 * parseEndpoint("smtp://mail.example").port; // 25
 * ```
 */
export function parseEndpoint(raw: string, options: EndpointOptions = {}, schemes: EndpointSchemeTable = BUILTIN_SCHEME_TABLE): Endpoint {
  const fail = (why: string): never => {
    throw new HardcheckError("HC_ENDPOINT_INVALID", `"${maskUserinfo(raw)}" ${why}`);
  };
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(raw);
  if (!schemeMatch) {
    const guess = /^([a-z]+)/i.exec(raw)?.[1]?.toLowerCase();
    const example = (guess && schemes.get(guess)?.example) ?? "tls://host.example:443";
    return fail(`is not a URL — expected e.g. ${example}`);
  }
  const scheme = (schemeMatch[1] as string).toLowerCase();
  const known = schemes.get(scheme);
  if (known === undefined) {
    return fail(`has unknown scheme "${scheme}" — expected one of ${[...schemes.keys()].sort().join(", ")}`);
  }
  const { defaultPort } = known;
  let url: URL;
  try {
    // WHATWG URL only fills host/port for "special" schemes; parse every scheme as http for that.
    url = new URL(`http://${raw.slice(schemeMatch[0].length)}`);
  } catch {
    return fail(`is not a URL — expected e.g. ${known.example ?? `${scheme}://host.example:${defaultPort}`}`);
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
