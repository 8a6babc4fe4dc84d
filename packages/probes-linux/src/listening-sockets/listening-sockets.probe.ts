/** Sockets waiting for connections, from /proc/net (no `ss` needed, so it also works over SFTP). */
import { compareText, defineFacts, defineProbe, type HostProbe, type JsonObject, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";

const TCP_LISTEN = "0A";
const UDP_UNCONNECTED = "07";

/** One listening socket. */
export interface ListeningSocket {
  readonly protocol: "tcp" | "udp";
  readonly address: string;
  readonly port: number;
}

/** Decodes a /proc/net address (`0100007F:0016`, IPv6 as four little-endian words). */
export function decodeProcAddress(hex: string): { address: string; port: number } {
  const [host = "", port = "0"] = hex.split(":");
  if (host.length === 8) {
    const bytes = (host.match(/../g) ?? []).map((byte) => Number.parseInt(byte, 16)).reverse();
    return { address: bytes.join("."), port: Number.parseInt(port, 16) };
  }
  const words = (host.match(/.{8}/g) ?? []).map((word) => (word.match(/../g) ?? []).reverse().join(""));
  const groups = words.join("").match(/.{4}/g) ?? [];
  const address = groups
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")
    .replace(/(^|:)0(:0)+(:|$)/, "::")
    .toLowerCase();
  return { address, port: Number.parseInt(port, 16) };
}

/** Listening entries of one /proc/net table. */
export function parseProcNet(text: string, protocol: "tcp" | "udp"): ListeningSocket[] {
  const wanted = protocol === "tcp" ? TCP_LISTEN : UDP_UNCONNECTED;
  const out: ListeningSocket[] = [];
  for (const line of text.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || fields[3] !== wanted) continue;
    out.push({ protocol, ...decodeProcAddress(fields[1] as string) });
  }
  return out;
}

/** The facts `listening-sockets` produces, each with its schema and meaning. */
export const listeningSocketsFacts = defineFacts({
  "network.listening": {
    description: "listening sockets [{ protocol, address, port }], sorted, duplicates removed",
    schema: z.array(z.object({ protocol: z.enum(["tcp", "udp"]), address: z.string(), port: z.number().int() })),
  },
  "network.listeningPorts": {
    description: 'the same as "protocol/port" strings (tcp/22, udp/123), sorted, for set comparisons with an allowed list',
    schema: z.array(z.string()),
  },
  "network.externalListeningPorts": {
    description: "like listeningPorts, without sockets bound only to loopback (127.0.0.0/8, ::1)",
    schema: z.array(z.string()),
  },
});

/** Listening TCP sockets and bound UDP sockets of the running system. */
export const listeningSocketsProbe: HostProbe = defineProbe({
  meta: {
    id: "listening-sockets",
    description: "Lists listening TCP and bound UDP sockets from /proc/net/{tcp,tcp6,udp,udp6}.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: listeningSocketsFacts,
  },
  async collect(_host, _params, { transport }) {
    if (transport.kind === "root") return notApplicable("listening sockets exist only on a running system, not in a root file system");
    const tables = [
      ["/proc/net/tcp", "tcp"],
      ["/proc/net/tcp6", "tcp"],
      ["/proc/net/udp", "udp"],
      ["/proc/net/udp6", "udp"],
    ] as const;
    const texts = await Promise.all(tables.map(([path]) => transport.readFile(path)));
    if (texts.every((text) => text === undefined)) throw new Error("/proc/net is not readable on the host");
    const seen = new Map<string, ListeningSocket>();
    texts.forEach((text, index) => {
      for (const socket of parseProcNet(text ?? "", tables[index]?.[1] ?? "tcp")) seen.set(`${socket.protocol} ${socket.address} ${socket.port}`, socket);
    });
    const sockets = [...seen.values()].sort((a, b) => compareText(a.protocol, b.protocol) || a.port - b.port || compareText(a.address, b.address));
    const isLoopback = (address: string) => address.startsWith("127.") || address === "::1";
    const ports = (list: ListeningSocket[]) => [...new Set(list.map((socket) => `${socket.protocol}/${socket.port}`))];
    return {
      facts: {
        "network.listening": sockets as unknown as JsonObject[],
        "network.listeningPorts": ports(sockets),
        "network.externalListeningPorts": ports(sockets.filter((socket) => !isLoopback(socket.address))),
      },
    };
  },
});
