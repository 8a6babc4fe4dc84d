/**
 * The SIP-over-TLS canary (`sips`): TLS from the first byte, then every request answered
 * `503 Service Unavailable` with the request's own Via, From, To, Call-ID and CSeq, as RFC 3261 §8.2.6
 * asks. Digest credentials (Authorization, Proxy-Authorization) travel inside TLS; only their scheme is noted.
 */
import type { CanaryConversation } from "./conversation.js";

const MAX_HEAD_BYTES = 32 * 1024;
/** Headers a response copies from its request (RFC 3261 §8.2.6.2), compact forms included. */
const COPIED_HEADERS = new Set(["via", "v", "from", "f", "to", "t", "call-id", "i", "cseq"]);

/** One SIP request: its head and how many body bytes follow (Content-Length). */
export type SipRequest = { readonly lines: readonly string[]; readonly bodyLength: number };

/** Frames a SIP request (head up to the blank line, then Content-Length bytes of body); keep-alive CRLFs are skipped. */
export function frameSipRequest(buffered: Buffer): { value: SipRequest; length: number } | null {
  let start = 0;
  // RFC 5626 keep-alives: a CRLF pair between requests.
  while (buffered[start] === 0x0d && buffered[start + 1] === 0x0a) start += 2;
  const end = buffered.indexOf("\r\n\r\n", start);
  if (end < 0) {
    if (buffered.length > MAX_HEAD_BYTES) throw new Error(`SIP request head longer than ${MAX_HEAD_BYTES} bytes`);
    return null;
  }
  const lines = buffered.subarray(start, end).toString("utf8").split("\r\n");
  const lengthHeader = lines.find((line) => /^(content-length|l)\s*:/i.test(line));
  const bodyLength = lengthHeader === undefined ? 0 : Number(lengthHeader.split(":")[1]?.trim());
  if (!Number.isInteger(bodyLength) || bodyLength < 0 || bodyLength > MAX_HEAD_BYTES) throw new Error("SIP request has an invalid Content-Length");
  const total = end + 4 + bodyLength;
  if (buffered.length < total) return null;
  return { value: { lines, bodyLength }, length: total };
}

/** The SIP dialogue: every request refused with 503 until the client closes. */
export async function sipCanary(conversation: CanaryConversation): Promise<void> {
  await conversation.startTls();
  for (;;) {
    const request = await conversation.read(frameSipRequest);
    const [requestLine = "", ...headers] = request.lines;
    const [method = "", uri = ""] = requestLine.split(" ");
    conversation.wentOn();
    conversation.note("C", `${method} ${uri}`);
    for (const header of headers) {
      const [name = "", ...value] = header.split(":");
      if (/^(proxy-)?authorization$/i.test(name.trim())) conversation.note("C", `${name.trim()}: ${value.join(":").trim().split(/\s+/)[0] ?? ""} [secret]`);
    }
    if (method.toUpperCase() === "ACK") continue;
    const copied = headers.filter((header) => COPIED_HEADERS.has((header.split(":")[0] ?? "").trim().toLowerCase()));
    conversation.note("S", "SIP/2.0 503 Service Unavailable");
    conversation.write(`${["SIP/2.0 503 Service Unavailable", ...copied, "Retry-After: 3600", "Content-Length: 0"].join("\r\n")}\r\n\r\n`);
  }
}
