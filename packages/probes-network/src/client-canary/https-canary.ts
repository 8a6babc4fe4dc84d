/**
 * The HTTPS canary: TLS from the first byte, then one request read and answered 503 with an empty
 * body. An Authorization header travels inside TLS by construction; only its scheme is noted.
 */
import type { CanaryConversation } from "./conversation.js";

const MAX_HEAD_BYTES = 32 * 1024;

/** Frames a request head (request line and headers, up to the blank line). */
export function frameHttpHead(buffered: Buffer): { value: string; length: number } | null {
  const end = buffered.indexOf("\r\n\r\n");
  if (end < 0) {
    if (buffered.length > MAX_HEAD_BYTES) throw new Error(`request head longer than ${MAX_HEAD_BYTES} bytes`);
    return null;
  }
  return { value: buffered.subarray(0, end).toString("latin1"), length: end + 4 };
}

/** The HTTPS dialogue: one request, one 503. */
export async function httpsCanary(conversation: CanaryConversation): Promise<void> {
  await conversation.startTls();
  const head = await conversation.read(frameHttpHead);
  conversation.wentOn();
  const [requestLine = "", ...headers] = head.split("\r\n");
  const [method = "", target = ""] = requestLine.split(" ");
  // The query string may carry tokens: only the path is kept.
  conversation.note("C", `${method} ${target.split("?")[0] ?? ""}${target.includes("?") ? "?[query]" : ""}`);
  for (const header of headers) {
    const [name = "", ...value] = header.split(":");
    if (name.trim().toLowerCase() === "authorization") conversation.note("C", `Authorization: ${value.join(":").trim().split(/\s+/)[0] ?? ""} [secret]`);
  }
  conversation.note("S", "503 Service Unavailable");
  await conversation.finish("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}
