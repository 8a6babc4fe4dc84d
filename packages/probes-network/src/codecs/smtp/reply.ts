/** SMTP reply framing and EHLO capability parsing (RFC 5321 §4.2, RFC 4954 for AUTH), shared by the STARTTLS negotiator and the smtp-capabilities probe. */
import { printable } from "../../connection/printable.js";

/** One SMTP reply: the three-digit code and the text of each line. */
export type SmtpReply = { readonly code: number; readonly lines: readonly string[] };

const REPLY_LINE = /^(\d{3})([ -])(.*)$/;

/**
 * Frames one complete (possibly multi-line) reply at the start of `buffered`: returns its byte
 * length, or null while it is incomplete. Throws when a line is not an SMTP reply line.
 */
export function frameSmtpReply(buffered: Buffer): number | null {
  let start = 0;
  let code: string | null = null;
  for (let newline = buffered.indexOf(0x0a, start); newline >= 0; newline = buffered.indexOf(0x0a, start)) {
    const line = buffered.subarray(start, newline).toString("latin1").replace(/\r$/, "");
    const match = REPLY_LINE.exec(line);
    if (!match) throw new Error(`"${printable(line)}" is not an SMTP reply line`);
    if (code !== null && match[1] !== code) throw new Error(`reply mixes codes ${code} and ${match[1]}`);
    code = match[1] ?? null;
    start = newline + 1;
    if (match[2] === " ") return start;
  }
  return null;
}

/** Parses a reply that {@link frameSmtpReply} framed. */
export function parseSmtpReply(bytes: Buffer): SmtpReply {
  const lines = bytes
    .toString("latin1")
    .split("\n")
    .filter((line) => line.length > 0);
  let code = 0;
  const texts: string[] = [];
  for (const raw of lines) {
    const match = REPLY_LINE.exec(raw.replace(/\r$/, ""));
    if (!match) throw new Error(`"${printable(raw)}" is not an SMTP reply line`);
    code = Number(match[1]);
    texts.push(match[3] ?? "");
  }
  if (texts.length === 0) throw new Error("empty SMTP reply");
  return { code, lines: texts };
}

/** What an EHLO reply advertises. */
export type EhloCapabilities = {
  /** Extension keywords in upper case, sorted (`AUTH`, `PIPELINING`, `STARTTLS`, …). */
  extensions: string[];
  /** SASL mechanisms from `AUTH` (and the obsolete `AUTH=` form), upper case, sorted. */
  authMechanisms: string[];
  startTls: boolean;
};

/** Reads the extensions of a 250 EHLO reply; the first line is the server's greeting name. */
export function ehloCapabilities(reply: SmtpReply): EhloCapabilities {
  const extensions = new Set<string>();
  const mechanisms = new Set<string>();
  for (const line of reply.lines.slice(1)) {
    const [keyword = "", ...rest] = line.trim().split(/[\s=]+/);
    if (keyword.length === 0) continue;
    const upper = keyword.toUpperCase();
    extensions.add(upper);
    if (upper === "AUTH") for (const mechanism of rest) if (mechanism.length > 0) mechanisms.add(mechanism.toUpperCase());
  }
  return { extensions: [...extensions].sort(), authMechanisms: [...mechanisms].sort(), startTls: extensions.has("STARTTLS") };
}
