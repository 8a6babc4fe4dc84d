/** SIP OPTIONS requests and the framing and reading of SIP responses (RFC 3261 §7, §11, §18.3). */
import { randomBytes } from "node:crypto";

/** The parts of a SIP response the probe reports. */
export type SipResponse = {
  status: number;
  reason: string;
  /** Header values by lower-cased long name (compact forms expanded); repeated headers joined with `, `. */
  headers: Record<string, string>;
};

/** Longest SIP answer accepted; an OPTIONS reply is a few hundred bytes. */
export const MAX_SIP_RESPONSE_BYTES = 64 * 1024;

const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d) ?([^\r\n]*)$/;
const PREFIX = "SIP/2.0 ";
/** RFC 3261 §7.3.3 compact header names. */
const COMPACT: Readonly<Record<string, string>> = {
  l: "content-length",
  v: "via",
  f: "from",
  t: "to",
  i: "call-id",
  m: "contact",
  c: "content-type",
  k: "supported",
};

/** Where an OPTIONS request comes from, for its Via and Contact headers. */
export type SipOrigin = { transport: "TCP" | "UDP"; localAddress: string; localPort: number };

/** An OPTIONS request for `sip:host:port` with fresh branch, tag and Call-ID (RFC 3261 §11.1). */
export function optionsRequest(host: string, port: number, origin: SipOrigin): string {
  const target = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const local = `${origin.localAddress.includes(":") ? `[${origin.localAddress}]` : origin.localAddress}:${origin.localPort}`;
  const random = () => randomBytes(8).toString("hex");
  return [
    `OPTIONS sip:${target} SIP/2.0`,
    // rport (RFC 3581) makes UDP answers come back to the port we actually sent from.
    `Via: SIP/2.0/${origin.transport} ${local};branch=z9hG4bK${random()};rport`,
    "Max-Forwards: 70",
    `From: <sip:hardcheck@hardcheck.invalid>;tag=${random()}`,
    `To: <sip:${target}>`,
    `Call-ID: ${random()}@hardcheck.invalid`,
    "CSeq: 1 OPTIONS",
    `Contact: <sip:hardcheck@${local};transport=${origin.transport.toLowerCase()}>`,
    "Accept: application/sdp",
    "User-Agent: hardcheck",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

/** Frames one SIP response on a stream: its length once head and body are complete, null while incomplete; throws for non-SIP bytes. */
export function frameSipResponse(buffered: Buffer): number | null {
  const start = buffered.subarray(0, PREFIX.length).toString("latin1");
  if (!PREFIX.startsWith(start)) throw new Error(`${JSON.stringify(printable(buffered.subarray(0, 40).toString("latin1")))} is not a SIP response`);
  const headEnd = buffered.indexOf("\r\n\r\n");
  if (headEnd < 0) return null;
  const length = contentLength(buffered.subarray(0, headEnd).toString("latin1"));
  const total = headEnd + 4 + length;
  // Checked here too: a long reply that arrives in one read is complete before the session's size check sees it.
  if (total > MAX_SIP_RESPONSE_BYTES) throw new Error(`response of ${total} bytes is longer than ${MAX_SIP_RESPONSE_BYTES}`);
  return buffered.length >= total ? total : null;
}

/** Reads one complete SIP response (a framed stream message or a whole datagram). */
export function parseSipResponse(message: Buffer): SipResponse {
  const text = message.toString("latin1");
  const headEnd = text.indexOf("\r\n\r\n");
  const lines = (headEnd < 0 ? text : text.slice(0, headEnd)).split("\r\n");
  const match = STATUS_LINE.exec(lines[0] ?? "");
  if (!match) throw new Error(`${JSON.stringify(printable((lines[0] ?? "").slice(0, 40)))} is not a SIP status line`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const rawName = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[rawName] ?? rawName;
    const value = printable(line.slice(colon + 1).trim());
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(match[1]), reason: printable(match[2] ?? ""), headers };
}

function contentLength(head: string): number {
  const match = /\r\n(?:content-length|l)[ \t]*:[ \t]*(\d{1,9})[ \t]*(?:\r\n|$)/i.exec(head);
  return match ? Number(match[1]) : 0;
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 256);
}
