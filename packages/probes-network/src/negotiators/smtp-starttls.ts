/** SMTP STARTTLS (RFC 3207): greeting, EHLO, STARTTLS, then TLS on the same socket. */
import type { Socket } from "node:net";
import { printable } from "../smtp-capabilities/smtp-reply.js";
import { type NegotiationContext, NegotiationError, type PreTlsNegotiator, readNegotiationReply, TlsNotOfferedError } from "./negotiator.js";

const ID = "smtp-starttls";

/** One SMTP reply: its code and text lines. */
type SmtpReply = { readonly code: number; readonly lines: readonly string[] };

/** A complete (possibly multi-line) reply at the start of `buffered`, or null while it is still short. */
function parseSmtpReply(buffered: Buffer, step: string): { value: SmtpReply; length: number } | null {
  const lines: string[] = [];
  let offset = 0;
  for (let newline = buffered.indexOf(0x0a, offset); newline >= 0; newline = buffered.indexOf(0x0a, offset)) {
    const line = buffered.subarray(offset, newline).toString("latin1").replace(/\r$/, "");
    offset = newline + 1;
    const match = /^(\d{3})([ -])(.*)$/.exec(line);
    if (!match) throw new NegotiationError(ID, `${step}: "${printable(line)}" is not an SMTP reply line`);
    lines.push(match[3] ?? "");
    if (match[2] === " ") return { value: { code: Number(match[1]), lines }, length: offset };
  }
  return null;
}

/** Reads one reply; bytes after it stay on the socket for the TLS layer. */
function readReply(socket: Socket, context: NegotiationContext, step: string): Promise<SmtpReply> {
  return readNegotiationReply(socket, context, ID, step, (buffered) => parseSmtpReply(buffered, step));
}

/** Upgrades an SMTP session to TLS; fails when the server does not advertise or accept STARTTLS. */
export const smtpStartTls: PreTlsNegotiator = {
  id: ID,
  description: "SMTP: reads the 220 greeting, sends EHLO, checks the STARTTLS capability, sends STARTTLS and expects 220",
  async negotiate(socket, context) {
    const greeting = await readReply(socket, context, "greeting");
    if (greeting.code !== 220) throw new NegotiationError(ID, `greeting: server answered ${greeting.code}, expected 220`);
    socket.write("EHLO hardcheck.invalid\r\n");
    const ehlo = await readReply(socket, context, "EHLO");
    if (ehlo.code !== 250) throw new NegotiationError(ID, `EHLO: server answered ${ehlo.code}, expected 250`);
    if (!ehlo.lines.some((line) => /^STARTTLS\b/i.test(line))) {
      throw new TlsNotOfferedError(ID, "EHLO: server does not offer STARTTLS — enable TLS on the SMTP service or scan its smtps port");
    }
    socket.write("STARTTLS\r\n");
    const ready = await readReply(socket, context, "STARTTLS");
    if (ready.code !== 220) throw new NegotiationError(ID, `STARTTLS: server answered ${ready.code}, expected 220`);
    return socket;
  },
};
