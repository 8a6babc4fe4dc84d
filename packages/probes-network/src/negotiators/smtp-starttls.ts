/** SMTP STARTTLS (RFC 3207): greeting, EHLO, STARTTLS, then TLS on the same socket. */
import type { Socket } from "node:net";
import { frameSmtpReply, parseSmtpReply, type SmtpReply } from "../codecs/smtp/reply.js";
import { type NegotiationContext, NegotiationError, type PreTlsNegotiator, readNegotiationReply, TlsNotOfferedError } from "../connection/negotiation.js";

const ID = "smtp-starttls";

/** A complete (possibly multi-line) reply at the start of `buffered`, or null while it is still short. */
function parseReplyAtStart(buffered: Buffer, step: string): { value: SmtpReply; length: number } | null {
  let length: number | null;
  let value: SmtpReply;
  try {
    length = frameSmtpReply(buffered);
    if (length === null) return null;
    value = parseSmtpReply(buffered.subarray(0, length));
  } catch (error) {
    throw new NegotiationError(ID, `${step}: ${(error as Error).message}`, { cause: error });
  }
  return { value, length };
}

/** Reads one reply; bytes after it stay on the socket for the TLS layer. */
function readReply(socket: Socket, context: NegotiationContext, step: string): Promise<SmtpReply> {
  return readNegotiationReply(socket, context, ID, step, (buffered) => parseReplyAtStart(buffered, step));
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
