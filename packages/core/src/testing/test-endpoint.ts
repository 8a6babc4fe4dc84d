/** Endpoints for probe tests, made without the scan's scheme table so a plugin's own scheme works too. */
import type { Endpoint } from "../index.js";

/**
 * The endpoint a URL names, for a probe test: `scheme://host:port[/path]`, with the port written
 * out (a test has no default ports). The scheme need not be registered anywhere.
 *
 * @example
 * ```ts
 * const endpoint = testEndpoint("tcp://127.0.0.1:2222", { tags: ["bastion"] });
 * ```
 */
export function testEndpoint(url: string, options: { readonly tags?: readonly string[]; readonly servername?: string } = {}): Endpoint {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]+\]|[^/:]+):(\d+)(\/.*)?$/i.exec(url);
  if (!match) throw new Error(`${JSON.stringify(url)} is not a test endpoint — expected scheme://host:port, e.g. tcp://127.0.0.1:2222`);
  const [, rawScheme, rawHost, rawPort, rawPath] = match as unknown as [string, string, string, string, string | undefined];
  const port = Number(rawPort);
  if (port < 1 || port > 65535) throw new Error(`${JSON.stringify(url)} has a port outside 1-65535`);
  const scheme = rawScheme.toLowerCase();
  const host = rawHost.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const path = rawPath ?? "/";
  return {
    url: `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}${path === "/" ? "" : path}`,
    scheme,
    host,
    port,
    path,
    tags: [...(options.tags ?? [])].sort(),
    ...(options.servername ? { servername: options.servername } : {}),
  };
}
