/** How an endpoint is named on the wire and in messages. */
import { isIP } from "node:net";
import type { Endpoint } from "@hardcheck/core";

/** `host:port`, bracketing IPv6 literals: how messages name the place a connection went to. */
export function addressOf(endpoint: Pick<Endpoint, "host" | "port">): string {
  return endpoint.host.includes(":") ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

/** The SNI name for an endpoint: its server name, else its host — or null for an IP literal, which RFC 6066 forbids in SNI. */
export function serverNameOf(endpoint: Pick<Endpoint, "host" | "servername">): string | null {
  const name = endpoint.servername ?? endpoint.host;
  return isIP(name) === 0 ? name : null;
}
