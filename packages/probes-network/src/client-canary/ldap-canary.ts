/**
 * The LDAP canary (StartTLS on a clear-text port, or LDAPS). Binds with a password are refused
 * (invalidCredentials) and their password never kept, anonymous binds succeed, searches return
 * nothing, and StartTLS is granted; the canary holds no directory data.
 */
import { LDAP_STARTTLS_OID } from "../codecs/ldap/start-tls.js";
import type { CanaryConversation } from "./conversation.js";

/** One BER element. */
type Element = { readonly tag: number; readonly value: Buffer; readonly end: number };

/** Reads the BER element at `offset` of a complete buffer; throws on encodings LDAP never uses or on truncation. */
function element(buffer: Buffer, offset: number): Element {
  if (buffer.length < offset + 2) throw new Error("BER element truncated");
  const tag = buffer[offset] as number;
  const first = buffer[offset + 1] as number;
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (octets === 0 || octets > 4) throw new Error(`BER length form 0x${first.toString(16)} is not valid LDAP`);
    if (buffer.length < offset + 2 + octets) throw new Error("BER length truncated");
    length = buffer.readUIntBE(offset + 2, octets);
    header += octets;
  }
  const end = offset + header + length;
  if (buffer.length < end) throw new Error("BER element truncated");
  return { tag, value: buffer.subarray(offset + header, end), end };
}

/** Frames one LDAPMessage (an outer SEQUENCE) at the start of `buffered`, or null while it is incomplete. */
export function frameLdapMessage(buffered: Buffer): { value: Buffer; length: number } | null {
  if (buffered.length === 0) return null;
  if (buffered[0] !== 0x30) throw new Error(`starts with tag 0x${(buffered[0] as number).toString(16)}, not an LDAPMessage`);
  if (buffered.length < 2) return null;
  const first = buffered[1] as number;
  const octets = first & 0x80 ? first & 0x7f : 0;
  if (first & 0x80 && (octets === 0 || octets > 4)) throw new Error(`BER length form 0x${first.toString(16)} is not valid LDAP`);
  if (buffered.length < 2 + octets) return null;
  const length = octets === 0 ? first : buffered.readUIntBE(2, octets);
  const end = 2 + octets + length;
  if (buffered.length < end) return null;
  return { value: buffered.subarray(0, end), length: end };
}

const tlv = (tag: number, value: Buffer): Buffer => {
  const length =
    value.length < 0x80
      ? Buffer.from([value.length])
      : value.length < 0x100
        ? Buffer.from([0x81, value.length])
        : Buffer.from([0x82, value.length >> 8, value.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, value]);
};

/** `LDAPMessage { messageID, <tag> { resultCode, matchedDN "", diagnosticMessage, extra } }`. */
function ldapResult(messageId: Buffer, tag: number, resultCode: number, diagnostic: string, extra: Buffer = Buffer.alloc(0)): Buffer {
  const result = Buffer.concat([tlv(0x0a, Buffer.from([resultCode])), tlv(0x04, Buffer.alloc(0)), tlv(0x04, Buffer.from(diagnostic, "utf8")), extra]);
  return tlv(0x30, Buffer.concat([tlv(0x02, messageId), tlv(tag, result)]));
}

/** Responses to the update operations a canary refuses: request tag → response tag. */
const REFUSED_OPERATIONS: Readonly<Record<number, [number, string]>> = {
  102: [0x67, "modify"],
  104: [0x69, "add"],
  74: [0x6b, "delete"],
  108: [0x6d, "modify DN"],
  110: [0x6f, "compare"],
};

/** SASL mechanisms that carry no secret of the client's own. */
const SASL_WITHOUT_SECRET = new Set(["EXTERNAL", "ANONYMOUS"]);

/** The LDAP dialogue. */
export async function ldapCanary(conversation: CanaryConversation): Promise<void> {
  if (conversation.protocol === "ldaps") await conversation.startTls();
  const send = (summary: string, bytes: Buffer) => {
    conversation.note("S", summary);
    conversation.write(bytes);
  };
  for (;;) {
    const message = await conversation.read(frameLdapMessage);
    const outer = element(message, 0);
    const messageIdElement = element(outer.value, 0);
    if (messageIdElement.tag !== 0x02 || messageIdElement.value.length === 0 || messageIdElement.value.length > 4) throw new Error("no messageID");
    const messageId = messageIdElement.value;
    const operation = element(outer.value, messageIdElement.end);
    // Unbind and abandon are how a client leaves; anything else is going on over TLS.
    if (operation.tag !== 0x42 && operation.tag !== 0x50) conversation.wentOn();
    switch (operation.tag) {
      case 0x60: {
        const version = element(operation.value, 0);
        const name = element(operation.value, version.end);
        const authentication = element(operation.value, name.end);
        const dn = name.value.toString("utf8");
        if (authentication.tag === 0x80) {
          const anonymous = authentication.value.length === 0;
          conversation.note("C", `bind simple "${dn}"${anonymous ? " (no password)" : " [secret]"}`);
          if (anonymous) {
            send("bind success (anonymous)", ldapResult(messageId, 0x61, 0, ""));
            break;
          }
          conversation.secretBeforeTls("simple bind");
        } else if (authentication.tag === 0xa3) {
          const mechanism = element(authentication.value, 0)
            .value.toString("latin1")
            .replace(/[^A-Za-z0-9_-]/g, "")
            .slice(0, 20)
            .toUpperCase();
          const hasCredentials = authentication.value.length > element(authentication.value, 0).end;
          conversation.note("C", `bind SASL ${mechanism} "${dn}"${hasCredentials ? " [secret]" : ""}`);
          if (!SASL_WITHOUT_SECRET.has(mechanism) && hasCredentials) conversation.secretBeforeTls(`SASL ${mechanism} bind`);
        } else {
          conversation.note("C", `bind with authentication tag 0x${authentication.tag.toString(16)}`);
        }
        send("bind invalidCredentials (49)", ldapResult(messageId, 0x61, 49, "hardcheck canary: no bind succeeds here"));
        break;
      }
      case 0x63: {
        const base = element(operation.value, 0).value.toString("utf8");
        conversation.note("C", `search "${base}"`);
        send("search done, no entries", ldapResult(messageId, 0x65, 0, ""));
        break;
      }
      case 0x77: {
        const requestName = element(operation.value, 0).value.toString("latin1");
        conversation.note("C", `extended ${requestName}`);
        if (requestName !== LDAP_STARTTLS_OID) {
          send("extended protocolError (2)", ldapResult(messageId, 0x78, 2, "unsupported extended operation"));
          break;
        }
        if (conversation.tls) {
          send("StartTLS operationsError (1)", ldapResult(messageId, 0x78, 1, "TLS already active"));
          break;
        }
        send("StartTLS success", ldapResult(messageId, 0x78, 0, "", tlv(0x8a, Buffer.from(LDAP_STARTTLS_OID, "latin1"))));
        await conversation.startTls();
        break;
      }
      case 0x42:
        conversation.note("C", "unbind");
        await conversation.finish();
        return;
      case 0x50:
        conversation.note("C", "abandon");
        break;
      default: {
        const refused = REFUSED_OPERATIONS[operation.tag];
        if (refused === undefined) {
          conversation.note("C", `operation tag 0x${operation.tag.toString(16)}`);
          await conversation.finish();
          return;
        }
        conversation.note("C", refused[1]);
        send(`${refused[1]} unwillingToPerform (53)`, ldapResult(messageId, refused[0], 53, "hardcheck canary: read-only and empty"));
      }
    }
  }
}
