/**
 * The SMTP canary (STARTTLS on a clear-text port, or implicit TLS for smtps). It offers STARTTLS and
 * AUTH, so a careless client shows whether it authenticates in clear text; it accepts no mail:
 * MAIL, RCPT and DATA get 554, AUTH gets 535, and the secret an AUTH carries is never kept.
 */
import type { CanaryConversation } from "./conversation.js";

const MAX_LINE_BYTES = 4_096;

/** One command line (up to LF), without its line ending. */
export function frameSmtpLine(buffered: Buffer): { value: string; length: number } | null {
  const newline = buffered.indexOf(0x0a);
  if (newline < 0) {
    if (buffered.length > MAX_LINE_BYTES) throw new Error(`command line longer than ${MAX_LINE_BYTES} bytes`);
    return null;
  }
  return { value: buffered.subarray(0, newline).toString("latin1").replace(/\r$/, ""), length: newline + 1 };
}

/** The SMTP dialogue; `hostname` is the name the canary greets with. */
export async function smtpCanary(conversation: CanaryConversation, hostname: string): Promise<void> {
  if (conversation.protocol === "smtps") await conversation.startTls();
  const reply = (text: string) => {
    conversation.note("S", text.split("\r\n")[0] ?? "");
    conversation.write(`${text}\r\n`);
  };
  reply(`220 ${hostname} ESMTP hardcheck canary`);
  for (;;) {
    const line = await conversation.read(frameSmtpLine);
    const [verb = "", ...rest] = line.trim().split(/\s+/);
    const command = verb.toUpperCase();
    if (command !== "QUIT") conversation.wentOn();
    if (command === "AUTH") {
      await authenticate(conversation, rest, reply);
      continue;
    }
    conversation.note("C", line);
    switch (command) {
      case "EHLO": {
        const extensions = [...(conversation.tls ? [] : ["STARTTLS"]), "AUTH PLAIN LOGIN", "8BITMIME"];
        reply([`250-${hostname}`, ...extensions.map((extension, index) => `250${index === extensions.length - 1 ? " " : "-"}${extension}`)].join("\r\n"));
        break;
      }
      case "HELO":
        reply(`250 ${hostname}`);
        break;
      case "STARTTLS":
        if (conversation.tls) {
          reply("503 5.5.1 TLS already active");
          break;
        }
        reply("220 2.0.0 Ready to start TLS");
        await conversation.startTls();
        break;
      case "MAIL":
      case "RCPT":
      case "DATA":
      case "BDAT":
        reply("554 5.7.1 hardcheck canary: no mail is accepted here");
        break;
      case "RSET":
      case "NOOP":
        reply("250 2.0.0 OK");
        break;
      case "QUIT":
        conversation.note("S", "221 2.0.0 Bye");
        await conversation.finish("221 2.0.0 Bye\r\n");
        return;
      default:
        reply("502 5.5.2 Command not recognized");
    }
  }
}

/** AUTH: records the mechanism (before TLS: as credentials sent in clear), reads the exchange without keeping it, refuses. */
async function authenticate(conversation: CanaryConversation, args: readonly string[], reply: (text: string) => void): Promise<void> {
  const mechanism = (args[0] ?? "")
    .toUpperCase()
    .replace(/[^A-Z0-9_-]/g, "")
    .slice(0, 20);
  conversation.note("C", `AUTH ${mechanism}${args.length > 1 ? " [secret]" : ""}`);
  conversation.secretBeforeTls(`AUTH ${mechanism}`);
  // The challenges of each mechanism until the client has sent its secret; PLAIN may carry it on the AUTH line.
  const challenges = mechanism === "LOGIN" ? ["VXNlcm5hbWU6", "UGFzc3dvcmQ6"].slice(args.length > 1 ? 1 : 0) : args.length > 1 ? [] : [""];
  for (const challenge of challenges) {
    reply(`334 ${challenge}`);
    const answer = await conversation.read(frameSmtpLine);
    conversation.note("C", answer.trim() === "*" ? "*" : "[secret]");
    if (answer.trim() === "*") {
      reply("501 5.7.0 Authentication cancelled");
      return;
    }
  }
  reply("535 5.7.8 Authentication credentials invalid");
}
