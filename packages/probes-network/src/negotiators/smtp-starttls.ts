/** SMTP STARTTLS (RFC 3207): greeting, EHLO, STARTTLS, then TLS on the same socket. */
import type { Socket } from "node:net";
import { abortedError } from "../support/socket-errors.js";
import { type NegotiationContext, NegotiationError, type PreTlsNegotiator } from "./negotiator.js";

const ID = "smtp-starttls";
/** Longest reply accepted; a server sending more is not speaking SMTP. */
const MAX_REPLY_BYTES = 64 * 1024;

/** One SMTP reply: its code and text lines. */
type SmtpReply = { readonly code: number; readonly lines: readonly string[] };

/**
 * Reads one (possibly multi-line) reply. Bytes after the reply are pushed back onto the socket, so
 * the TLS layer sees exactly what the server sent after its `220` to STARTTLS.
 */
function readReply(socket: Socket, context: NegotiationContext, step: string): Promise<SmtpReply> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const lines: string[] = [];
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("error", onError);
      context.signal.removeEventListener("abort", onAbort);
      socket.pause();
      settle();
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (let newline = buffered.indexOf(0x0a); newline >= 0; newline = buffered.indexOf(0x0a)) {
        const line = buffered.subarray(0, newline).toString("latin1").replace(/\r$/, "");
        buffered = buffered.subarray(newline + 1);
        const match = /^(\d{3})([ -])(.*)$/.exec(line);
        if (!match) {
          finish(() => reject(new NegotiationError(ID, `${step}: "${line.slice(0, 80)}" is not an SMTP reply line`)));
          return;
        }
        lines.push(match[3] ?? "");
        if (match[2] === " ") {
          const rest = buffered;
          finish(() => {
            if (rest.length > 0) socket.unshift(rest);
            resolve({ code: Number(match[1]), lines });
          });
          return;
        }
      }
      if (buffered.length > MAX_REPLY_BYTES) finish(() => reject(new NegotiationError(ID, `${step}: reply longer than ${MAX_REPLY_BYTES} bytes`)));
    };
    const onEnd = () => finish(() => reject(new NegotiationError(ID, `${step}: server closed the connection`)));
    const onError = (error: Error) => finish(() => reject(new NegotiationError(ID, `${step}: ${error.message}`, { cause: error })));
    const onAbort = () => finish(() => reject(abortedError(`SMTP ${step}`, context.signal)));
    const timer = setTimeout(
      () => finish(() => reject(new NegotiationError(ID, `${step}: no reply within ${context.replyTimeoutMs} ms`))),
      context.replyTimeoutMs,
    );
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("error", onError);
    context.signal.addEventListener("abort", onAbort, { once: true });
    socket.resume();
  });
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
      throw new NegotiationError(ID, "EHLO: server does not offer STARTTLS — enable TLS on the SMTP service or scan its smtps port");
    }
    socket.write("STARTTLS\r\n");
    const ready = await readReply(socket, context, "STARTTLS");
    if (ready.code !== 220) throw new NegotiationError(ID, `STARTTLS: server answered ${ready.code}, expected 220`);
    return socket;
  },
};
