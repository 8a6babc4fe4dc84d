/** TDS packet framing and the PRELOGIN message (MS-TDS §2.2.3.1 packet header, §2.2.6.5 PRELOGIN). */

/** Packet types used here. */
export const TDS_PACKET = { preLogin: 0x12, tabularResult: 0x04, login7: 0x10 } as const;
/** PRELOGIN option tokens. */
export const PRELOGIN_OPTION = {
  version: 0x00,
  encryption: 0x01,
  instOpt: 0x02,
  threadId: 0x03,
  mars: 0x04,
  traceId: 0x05,
  fedAuthRequired: 0x06,
  terminator: 0xff,
} as const;
/** ENCRYPTION option values. */
export const ENCRYPTION_VALUES = { 0: "ENCRYPT_OFF", 1: "ENCRYPT_ON", 2: "ENCRYPT_NOT_SUP", 3: "ENCRYPT_REQ", 32: "ENCRYPT_CLIENT_CERT" } as const;
/** The header every TDS packet starts with. */
export const TDS_HEADER_BYTES = 8;
/** The largest packet a server may send before login (negotiated size is unknown yet); larger is hostile. */
export const MAX_TDS_PACKET_BYTES = 32_767;

/** The ENCRYPTION byte as its spec name (`ENCRYPT_REQ`), or `0xNN` for values the spec does not define. */
export type EncryptionName = (typeof ENCRYPTION_VALUES)[keyof typeof ENCRYPTION_VALUES] | `0x${string}`;

/** What a PRELOGIN response says. */
export type PreloginResponse = {
  /** `major.minor.build.subbuild` of the server, or null without a VERSION option. */
  version: string | null;
  encryption: EncryptionName | null;
  /** INSTOPT answer: 0 means the instance name matched (or none was sent). */
  instanceAccepted: boolean | null;
  mars: boolean | null;
  fedAuthRequired: boolean | null;
};

/** The packet size both sides use before LOGIN7 negotiates another (MS-TDS §2.2.6.4, PacketSize default). */
export const PRELOGIN_PACKET_BYTES = 4096;

/** Wraps a payload in one TDS packet (status EOM unless `endOfMessage` is false). */
export function tdsPacket(type: number, payload: Buffer, packetId = 1, endOfMessage = true): Buffer {
  const header = Buffer.alloc(TDS_HEADER_BYTES);
  header.writeUInt8(type, 0);
  header.writeUInt8(endOfMessage ? 0x01 : 0x00, 1);
  header.writeUInt16BE(payload.length + TDS_HEADER_BYTES, 2);
  header.writeUInt16BE(0, 4);
  header.writeUInt8(packetId & 0xff, 6);
  header.writeUInt8(0, 7);
  return Buffer.concat([header, payload]);
}

/**
 * Splits one message into packets of at most {@link PRELOGIN_PACKET_BYTES}, numbered from 1, the last
 * marked end-of-message: how TLS handshake bytes travel during login (MS-TDS §2.2.6.5).
 */
export function tdsMessage(type: number, payload: Buffer): Buffer {
  const room = PRELOGIN_PACKET_BYTES - TDS_HEADER_BYTES;
  const packets: Buffer[] = [];
  for (let offset = 0, id = 1; offset < payload.length || packets.length === 0; offset += room, id++) {
    const end = Math.min(offset + room, payload.length);
    packets.push(tdsPacket(type, payload.subarray(offset, end), id, end === payload.length));
  }
  return Buffer.concat(packets);
}

/** Builds a PRELOGIN payload from options, in token order, with the offset table first. */
export function preloginPayload(options: ReadonlyArray<readonly [token: number, data: Buffer]>): Buffer {
  const tableBytes = options.length * 5 + 1;
  const table = Buffer.alloc(tableBytes);
  let offset = tableBytes;
  options.forEach(([token, data], index) => {
    table.writeUInt8(token, index * 5);
    table.writeUInt16BE(offset, index * 5 + 1);
    table.writeUInt16BE(data.length, index * 5 + 3);
    offset += data.length;
  });
  table.writeUInt8(PRELOGIN_OPTION.terminator, tableBytes - 1);
  return Buffer.concat([table, ...options.map(([, data]) => data)]);
}

/**
 * The PRELOGIN a client opens with. ENCRYPT_OFF (the default) asks for the least, so the answer shows
 * whether the server forces encryption; ENCRYPT_ON asks for TLS on the whole session.
 */
export function clientPrelogin(encryption: 0x00 | 0x01 = 0x00): Buffer {
  return tdsPacket(
    TDS_PACKET.preLogin,
    preloginPayload([
      [PRELOGIN_OPTION.version, Buffer.from([0x00, 0x00, 0x00, 0x00, 0x00, 0x00])],
      [PRELOGIN_OPTION.encryption, Buffer.from([encryption])],
      [PRELOGIN_OPTION.instOpt, Buffer.from([0x00])],
      [PRELOGIN_OPTION.threadId, Buffer.alloc(4)],
      [PRELOGIN_OPTION.mars, Buffer.from([0x00])],
    ]),
  );
}

/** Frames one TDS packet at the start of `buffered`: its length, or null while incomplete. Throws for a header no TDS server sends. */
export function frameTdsPacket(buffered: Buffer): number | null {
  if (buffered.length < TDS_HEADER_BYTES) return null;
  const length = buffered.readUInt16BE(2);
  if (length < TDS_HEADER_BYTES) throw new Error(`TDS packet length ${length} is shorter than its header`);
  if (length > MAX_TDS_PACKET_BYTES) throw new Error(`TDS packet length ${length} exceeds ${MAX_TDS_PACKET_BYTES}`);
  return buffered.length >= length ? length : null;
}

/** Parses a server's PRELOGIN response packet (type 0x04). Throws an Error naming the defect. */
export function parsePreloginResponse(packet: Buffer): PreloginResponse {
  if (packet.length < TDS_HEADER_BYTES) throw new Error("TDS packet shorter than its header");
  const type = packet.readUInt8(0);
  if (type !== TDS_PACKET.tabularResult) throw new Error(`expected a PRELOGIN response (packet type 0x04), got 0x${type.toString(16).padStart(2, "0")}`);
  return parsePreloginOptions(packet.subarray(TDS_HEADER_BYTES, packet.readUInt16BE(2)));
}

/** Reads the option table of a PRELOGIN payload (either direction). Throws an Error naming the defect. */
export function parsePreloginOptions(payload: Buffer): PreloginResponse {
  const response: PreloginResponse = { version: null, encryption: null, instanceAccepted: null, mars: null, fedAuthRequired: null };
  for (let position = 0; ; position += 5) {
    if (position >= payload.length) throw new Error("PRELOGIN option table has no terminator");
    const token = payload.readUInt8(position);
    if (token === PRELOGIN_OPTION.terminator) break;
    if (position + 5 > payload.length) throw new Error("PRELOGIN option table is truncated");
    const offset = payload.readUInt16BE(position + 1);
    const length = payload.readUInt16BE(position + 3);
    if (offset + length > payload.length) throw new Error(`PRELOGIN option 0x${token.toString(16)} points past the payload`);
    const data = payload.subarray(offset, offset + length);
    if (token === PRELOGIN_OPTION.version && length >= 6) {
      response.version = `${data.readUInt8(0)}.${data.readUInt8(1)}.${data.readUInt16BE(2)}.${data.readUInt16LE(4)}`;
    } else if (token === PRELOGIN_OPTION.encryption && length >= 1) {
      const value = data.readUInt8(0);
      response.encryption = ENCRYPTION_VALUES[value as keyof typeof ENCRYPTION_VALUES] ?? `0x${value.toString(16).padStart(2, "0")}`;
    } else if (token === PRELOGIN_OPTION.instOpt && length >= 1) {
      response.instanceAccepted = data.readUInt8(0) === 0;
    } else if (token === PRELOGIN_OPTION.mars && length >= 1) {
      response.mars = data.readUInt8(0) === 1;
    } else if (token === PRELOGIN_OPTION.fedAuthRequired && length >= 1) {
      response.fedAuthRequired = data.readUInt8(0) === 1;
    }
  }
  return response;
}
