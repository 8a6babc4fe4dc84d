/** LDAP StartTLS (RFC 4511 §4.14): the StartTLS extended operation, then TLS on the same socket. */
import type { Socket } from "node:net";
import {
  MAX_NEGOTIATION_REPLY_BYTES,
  type NegotiationContext,
  NegotiationError,
  type PreTlsNegotiator,
  readNegotiationReply,
  TlsNotOfferedError,
} from "./negotiator.js";

const ID = "ldap-starttls";
/** The StartTLS extended operation's OID (RFC 4511 §4.14.1). */
export const LDAP_STARTTLS_OID = "1.3.6.1.4.1.1466.20037";
const MESSAGE_ID = 1;

/** BER tags used here: SEQUENCE, INTEGER, ENUMERATED, ExtendedRequest [APPLICATION 23], ExtendedResponse [APPLICATION 24], requestName [0]. */
const TAG = { sequence: 0x30, integer: 0x02, enumerated: 0x0a, extendedRequest: 0x77, extendedResponse: 0x78, requestName: 0x80 } as const;

/** DER short-form length suffices: the whole request is 31 bytes. */
function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag, value.length]), value]);
}

/** `LDAPMessage { messageID 1, ExtendedRequest { requestName StartTLS-OID } }`, encoded by hand because it never varies. */
export function ldapStartTlsRequest(): Buffer {
  const extendedRequest = tlv(TAG.extendedRequest, tlv(TAG.requestName, Buffer.from(LDAP_STARTTLS_OID, "latin1")));
  return tlv(TAG.sequence, Buffer.concat([tlv(TAG.integer, Buffer.from([MESSAGE_ID])), extendedRequest]));
}

/** One BER element: its tag, value and where the next element starts; null while the buffer is still short. */
type BerElement = { readonly tag: number; readonly value: Buffer; readonly end: number };

/** Reads the element at `offset`; throws a NegotiationError on an encoding LDAP never uses (indefinite or > 4-byte lengths). */
function readElement(buffer: Buffer, offset: number): BerElement | null {
  if (buffer.length < offset + 2) return null;
  const tag = buffer[offset] as number;
  const first = buffer[offset + 1] as number;
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (octets === 0 || octets > 4) throw new NegotiationError(ID, `StartTLS response: BER length form 0x${first.toString(16)} is not valid LDAP`);
    if (buffer.length < offset + 2 + octets) return null;
    length = buffer.readUIntBE(offset + 2, octets);
    header += octets;
  }
  const end = offset + header + length;
  if (buffer.length < end) return null;
  return { tag, value: buffer.subarray(offset + header, end), end };
}

/** The parts of an ExtendedResponse this negotiator acts on. */
export type LdapExtendedResult = { readonly messageId: number; readonly resultCode: number; readonly diagnosticMessage: string };

/**
 * Parses one complete LDAPMessage carrying an ExtendedResponse. Returns null when `buffer` does not
 * yet hold the whole message, else the result and the message's length (bytes after it are TLS).
 */
export function parseExtendedResponse(buffer: Buffer): { result: LdapExtendedResult; length: number } | null {
  const malformed = (what: string) => new NegotiationError(ID, `StartTLS response: ${what} — the server is not speaking LDAP on this port`);
  // Judged on the first byte: a wrong tag followed by a large "length" would otherwise wait out the timeout.
  if (buffer.length > 0 && buffer[0] !== TAG.sequence) throw malformed(`starts with tag 0x${(buffer[0] as number).toString(16)}, not an LDAPMessage`);
  const message = readElement(buffer, 0);
  if (message === null) {
    if (buffer.length > MAX_NEGOTIATION_REPLY_BYTES) throw new NegotiationError(ID, `StartTLS response: longer than ${MAX_NEGOTIATION_REPLY_BYTES} bytes`);
    return null;
  }
  const messageId = readElement(message.value, 0);
  if (messageId?.tag !== TAG.integer || messageId.value.length === 0 || messageId.value.length > 4) throw malformed("no messageID");
  const operation = readElement(message.value, messageId.end);
  if (operation?.tag !== TAG.extendedResponse) throw malformed(`operation tag 0x${(operation?.tag ?? 0).toString(16)} is not an ExtendedResponse`);
  const resultCode = readElement(operation.value, 0);
  if (resultCode?.tag !== TAG.enumerated || resultCode.value.length === 0 || resultCode.value.length > 4) throw malformed("no resultCode");
  const matchedDn = readElement(operation.value, resultCode.end);
  const diagnostic = matchedDn === null ? null : readElement(operation.value, matchedDn.end);
  return {
    result: {
      messageId: messageId.value.readUIntBE(0, messageId.value.length),
      resultCode: resultCode.value.readUIntBE(0, resultCode.value.length),
      diagnosticMessage: diagnostic?.value.toString("utf8").slice(0, 200) ?? "",
    },
    length: message.end,
  };
}

/** Reads the ExtendedResponse; bytes after it (the server's first TLS record) stay on the socket. */
function readExtendedResponse(socket: Socket, context: NegotiationContext): Promise<LdapExtendedResult> {
  return readNegotiationReply(socket, context, ID, "StartTLS", (buffered) => {
    const parsed = parseExtendedResponse(buffered);
    return parsed && { value: parsed.result, length: parsed.length };
  });
}

/** Upgrades an LDAP connection to TLS; fails when the server answers the StartTLS request with anything but success (0). */
export const ldapStartTls: PreTlsNegotiator = {
  id: ID,
  description: `LDAP: sends the StartTLS extended request (${LDAP_STARTTLS_OID}) and expects resultCode 0 (success)`,
  async negotiate(socket, context) {
    socket.write(ldapStartTlsRequest());
    const result = await readExtendedResponse(socket, context);
    // messageID 0 is an unsolicited notification (notice of disconnection), never the answer to our request.
    if (result.messageId !== MESSAGE_ID) {
      throw new NegotiationError(
        ID,
        `StartTLS: server sent an unsolicited notice (resultCode ${result.resultCode}${describeDiagnostic(result)}) instead of an answer`,
      );
    }
    if (result.resultCode !== 0) {
      throw new TlsNotOfferedError(
        ID,
        `StartTLS: server refused with resultCode ${result.resultCode}${describeDiagnostic(result)} — configure a certificate for StartTLS on the directory or scan its ldaps port`,
      );
    }
    return socket;
  },
};

function describeDiagnostic(result: LdapExtendedResult): string {
  return result.diagnosticMessage === "" ? "" : `: "${result.diagnosticMessage}"`;
}
