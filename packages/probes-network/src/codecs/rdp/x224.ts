/**
 * The first RDP exchange (MS-RDPBCGR §2.2.1.1 and §2.2.1.2): a TPKT-framed X.224 Connection Request
 * carrying RDP_NEG_REQ, and the server's X.224 Connection Confirm carrying RDP_NEG_RSP or
 * RDP_NEG_FAILURE (or nothing, from servers that predate negotiation).
 */

/** requestedProtocols / selectedProtocol flags (§2.2.1.1.1). */
export const RDP_PROTOCOL = { rdp: 0x0, ssl: 0x1, hybrid: 0x2, rdstls: 0x4, hybridEx: 0x8 } as const;

/** Names of the selectedProtocol values, as facts report them. */
export const SELECTED_PROTOCOL_NAMES: Readonly<Record<number, string>> = {
  0: "standard-rdp-security",
  1: "tls",
  2: "credssp",
  4: "rdstls",
  8: "credssp-early-user-auth",
};

/** RDP_NEG_FAILURE failureCode values (§2.2.1.2.2). */
export const RDP_FAILURE_NAMES: Readonly<Record<number, string>> = {
  1: "SSL_REQUIRED_BY_SERVER",
  2: "SSL_NOT_ALLOWED_BY_SERVER",
  3: "SSL_CERT_NOT_ON_SERVER",
  4: "INCONSISTENT_FLAGS",
  5: "HYBRID_REQUIRED_BY_SERVER",
  6: "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
};

const TPKT_VERSION = 3;
const X224_CONNECTION_REQUEST = 0xe0;
const X224_CONNECTION_CONFIRM = 0xd0;
const TYPE_RDP_NEG_REQ = 0x01;
const TYPE_RDP_NEG_RSP = 0x02;
const TYPE_RDP_NEG_FAILURE = 0x03;
/** TPKT header (4) + X.224 fixed part (LI, code, DST-REF, SRC-REF, class = 7). */
const X224_FIXED_BYTES = 11;
const NEG_BYTES = 8;
/** A Connection Confirm is 11 or 19 bytes; anything much larger is not one. */
export const MAX_CONFIRM_BYTES = 512;

/** What the server answered to one Connection Request. */
export type ConnectionConfirm =
  | { kind: "response"; flags: number; selectedProtocol: number }
  | { kind: "failure"; failureCode: number }
  /** A Connection Confirm without negotiation data: the server only knows standard RDP security. */
  | { kind: "no-negotiation" };

/** An X.224 Connection Request with RDP_NEG_REQ asking for `requestedProtocols` (§2.2.1.1). */
export function connectionRequest(requestedProtocols: number): Buffer {
  const length = X224_FIXED_BYTES + NEG_BYTES;
  const packet = Buffer.alloc(length);
  packet.writeUInt8(TPKT_VERSION, 0);
  packet.writeUInt16BE(length, 2);
  packet.writeUInt8(length - 5, 4); // LI counts the X.224 header after itself, negotiation data included.
  packet.writeUInt8(X224_CONNECTION_REQUEST, 5);
  // DST-REF, SRC-REF and class option stay zero.
  packet.writeUInt8(TYPE_RDP_NEG_REQ, 11);
  packet.writeUInt8(0, 12);
  packet.writeUInt16LE(NEG_BYTES, 13);
  packet.writeUInt32LE(requestedProtocols >>> 0, 15);
  return packet;
}

/** Frames one TPKT packet: its length once complete, null while incomplete; throws for bytes that cannot be TPKT. */
export function frameTpkt(buffered: Buffer): number | null {
  if (buffered.length >= 1 && buffered[0] !== TPKT_VERSION) throw new Error(`first byte 0x${hex(buffered[0] ?? 0)} is not a TPKT version 3 header`);
  if (buffered.length < 4) return null;
  const length = buffered.readUInt16BE(2);
  if (length < X224_FIXED_BYTES) throw new Error(`TPKT length ${length} is shorter than an X.224 Connection Confirm`);
  if (length > MAX_CONFIRM_BYTES) throw new Error(`TPKT length ${length} is longer than an X.224 Connection Confirm can be (${MAX_CONFIRM_BYTES})`);
  return buffered.length >= length ? length : null;
}

/** Parses one framed TPKT packet as an X.224 Connection Confirm (§2.2.1.2); throws with the reason otherwise. */
export function parseConnectionConfirm(packet: Buffer): ConnectionConfirm {
  if (packet.length < X224_FIXED_BYTES) throw new Error(`packet of ${packet.length} bytes is shorter than an X.224 Connection Confirm`);
  const lengthIndicator = packet.readUInt8(4);
  if (lengthIndicator + 5 !== packet.length) throw new Error(`X.224 length indicator ${lengthIndicator} does not match the TPKT length ${packet.length}`);
  const code = packet.readUInt8(5) & 0xf0;
  if (code !== X224_CONNECTION_CONFIRM) throw new Error(`X.224 code 0x${hex(code)} is not a Connection Confirm (0xd0)`);
  if (packet.length === X224_FIXED_BYTES) return { kind: "no-negotiation" };
  if (packet.length !== X224_FIXED_BYTES + NEG_BYTES) throw new Error(`negotiation data of ${packet.length - X224_FIXED_BYTES} bytes, expected ${NEG_BYTES}`);
  const type = packet.readUInt8(11);
  const flags = packet.readUInt8(12);
  const length = packet.readUInt16LE(13);
  if (length !== NEG_BYTES) throw new Error(`negotiation length field ${length}, expected ${NEG_BYTES}`);
  const value = packet.readUInt32LE(15);
  if (type === TYPE_RDP_NEG_RSP) return { kind: "response", flags, selectedProtocol: value };
  if (type === TYPE_RDP_NEG_FAILURE) return { kind: "failure", failureCode: value };
  throw new Error(`negotiation type 0x${hex(type)} is neither RDP_NEG_RSP nor RDP_NEG_FAILURE`);
}

/** Encodes a Connection Confirm (for the fixture and for round-trip tests). */
export function encodeConnectionConfirm(confirm: ConnectionConfirm): Buffer {
  const length = confirm.kind === "no-negotiation" ? X224_FIXED_BYTES : X224_FIXED_BYTES + NEG_BYTES;
  const packet = Buffer.alloc(length);
  packet.writeUInt8(TPKT_VERSION, 0);
  packet.writeUInt16BE(length, 2);
  packet.writeUInt8(length - 5, 4);
  packet.writeUInt8(X224_CONNECTION_CONFIRM, 5);
  if (confirm.kind === "response") {
    packet.writeUInt8(TYPE_RDP_NEG_RSP, 11);
    packet.writeUInt8(confirm.flags, 12);
    packet.writeUInt16LE(NEG_BYTES, 13);
    packet.writeUInt32LE(confirm.selectedProtocol >>> 0, 15);
  } else if (confirm.kind === "failure") {
    packet.writeUInt8(TYPE_RDP_NEG_FAILURE, 11);
    packet.writeUInt16LE(NEG_BYTES, 13);
    packet.writeUInt32LE(confirm.failureCode >>> 0, 15);
  }
  return packet;
}

/** Reads requestedProtocols from a Connection Request (for the fixture); null when it carries no RDP_NEG_REQ. */
export function requestedProtocolsOf(packet: Buffer): number | null {
  if (packet.length < X224_FIXED_BYTES + NEG_BYTES || packet.readUInt8(5) !== X224_CONNECTION_REQUEST) return null;
  // RDP_NEG_REQ closes the request; a routing token or cookie may precede it.
  const negotiation = packet.subarray(packet.length - NEG_BYTES);
  return negotiation.readUInt8(0) === TYPE_RDP_NEG_REQ ? negotiation.readUInt32LE(4) : null;
}

function hex(value: number): string {
  return value.toString(16).padStart(2, "0");
}
