/** The LDAP StartTLS extended operation on the wire (RFC 4511 §4.14): the request, and the ExtendedResponse that answers it. */

/** Longest StartTLS response accepted; a server sending more is not speaking LDAP. */
export const MAX_LDAP_RESPONSE_BYTES = 64 * 1024;

/** Bytes that cannot be the LDAP message expected; the message says what was wrong. */
export class LdapCodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LdapCodecError";
  }
}

/** The StartTLS extended operation's OID (RFC 4511 §4.14.1). */
export const LDAP_STARTTLS_OID = "1.3.6.1.4.1.1466.20037";
/** The messageID of the request; the answer carries the same. */
export const STARTTLS_MESSAGE_ID = 1;

/** BER tags used here: SEQUENCE, INTEGER, ENUMERATED, ExtendedRequest [APPLICATION 23], ExtendedResponse [APPLICATION 24], requestName [0]. */
const TAG = { sequence: 0x30, integer: 0x02, enumerated: 0x0a, extendedRequest: 0x77, extendedResponse: 0x78, requestName: 0x80 } as const;

/** DER short-form length suffices: the whole request is 31 bytes. */
function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag, value.length]), value]);
}

/** `LDAPMessage { messageID 1, ExtendedRequest { requestName StartTLS-OID } }`, encoded by hand because it never varies. */
export function ldapStartTlsRequest(): Buffer {
  const extendedRequest = tlv(TAG.extendedRequest, tlv(TAG.requestName, Buffer.from(LDAP_STARTTLS_OID, "latin1")));
  return tlv(TAG.sequence, Buffer.concat([tlv(TAG.integer, Buffer.from([STARTTLS_MESSAGE_ID])), extendedRequest]));
}

/** One BER element: its tag, value and where the next element starts; null while the buffer is still short. */
type BerElement = { readonly tag: number; readonly value: Buffer; readonly end: number };

/** Reads the element at `offset`; throws an {@link LdapCodecError} on an encoding LDAP never uses (indefinite or > 4-byte lengths). */
function readElement(buffer: Buffer, offset: number): BerElement | null {
  if (buffer.length < offset + 2) return null;
  const tag = buffer[offset] as number;
  const first = buffer[offset + 1] as number;
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (octets === 0 || octets > 4) throw new LdapCodecError(`StartTLS response: BER length form 0x${first.toString(16)} is not valid LDAP`);
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
  const malformed = (what: string) => new LdapCodecError(`StartTLS response: ${what} — the server is not speaking LDAP on this port`);
  // Judged on the first byte: a wrong tag followed by a large "length" would otherwise wait out the timeout.
  if (buffer.length > 0 && buffer[0] !== TAG.sequence) throw malformed(`starts with tag 0x${(buffer[0] as number).toString(16)}, not an LDAPMessage`);
  const message = readElement(buffer, 0);
  if (message === null) {
    if (buffer.length > MAX_LDAP_RESPONSE_BYTES) throw new LdapCodecError(`StartTLS response: longer than ${MAX_LDAP_RESPONSE_BYTES} bytes`);
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
