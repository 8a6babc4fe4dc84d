/**
 * The TDS canary (SQL Server's protocol, MS-TDS): PRELOGIN in clear, then the TLS handshake inside
 * PRELOGIN packets as SQL Server runs it, or TLS from the first byte (TDS 8.0 strict). It offers
 * encryption to a client that asks for it and, to one that only accepts it (ENCRYPT_OFF), answers as a
 * server without a certificate would (ENCRYPT_NOT_SUP): a client that does not insist on encryption
 * then shows whether it sends its login in clear. Every login is refused (error 18456); the password
 * in LOGIN7 is never decoded or kept.
 */
import { Duplex } from "node:stream";
import {
  ENCRYPTION_VALUES,
  frameTdsPacket,
  PRELOGIN_OPTION,
  parsePreloginOptions,
  preloginPayload,
  TDS_HEADER_BYTES,
  TDS_PACKET,
  tdsMessage,
  tdsPacket,
} from "../codecs/tds/prelogin.js";
import { type ClientHelloMessage, readClientHello } from "../codecs/tls/client-hello-reader.js";
import { HandshakeEndTracker } from "../codecs/tls/handshake-end-tracker.js";
import type { CanaryConversation } from "./conversation.js";

const ENCRYPT = { off: 0x00, on: 0x01, notSupported: 0x02, required: 0x03 } as const;
/** SQL Server 2022 as the VERSION option encodes it. */
const VERSION_2022 = Buffer.from([16, 0, 0x03, 0xe8, 0x00, 0x00]);
const TOKEN = { error: 0xaa, done: 0xfd } as const;

/** One TDS packet: type, payload, end-of-message. */
type TdsPacket = { readonly type: number; readonly payload: Buffer; readonly endOfMessage: boolean };

function frameTds(buffered: Buffer): { value: TdsPacket; length: number } | null {
  const length = frameTdsPacket(buffered);
  if (length === null) return null;
  return {
    value: {
      type: buffered.readUInt8(0),
      payload: Buffer.from(buffered.subarray(TDS_HEADER_BYTES, length)),
      endOfMessage: (buffered.readUInt8(1) & 0x01) === 1,
    },
    length,
  };
}

/** `first byte 0x16`: the client starts with TLS (TDS 8.0 strict), not a PRELOGIN packet. */
function frameStart(buffered: Buffer): { value: "tls" | "tds"; length: number } | null {
  if (buffered.length === 0) return null;
  return { value: buffered[0] === 0x16 ? "tls" : "tds", length: 0 };
}

/** The server's ENCRYPTION answer: encryption to a client that asks for it, none to one that would do without. */
export function canaryEncryptionAnswer(client: number): number {
  return client === ENCRYPT.on || client === ENCRYPT.required ? ENCRYPT.on : ENCRYPT.notSupported;
}

const usVarChar = (text: string) => {
  const bytes = Buffer.from(text, "utf16le");
  return Buffer.concat([Buffer.from([text.length & 0xff, text.length >> 8]), bytes]);
};
const bVarChar = (text: string) => Buffer.concat([Buffer.from([text.length]), Buffer.from(text, "utf16le")]);

/** ERROR 18456 (Login failed) and a final DONE with the error bit, as SQL Server answers a refused login (MS-TDS §2.2.7.10, §2.2.7.6). */
export function loginFailedResponse(): Buffer {
  const head = Buffer.alloc(6);
  head.writeInt32LE(18456, 0);
  head.writeUInt8(1, 4);
  head.writeUInt8(14, 5);
  const body = Buffer.concat([head, usVarChar("Login failed."), bVarChar("hardcheck-canary"), bVarChar(""), Buffer.alloc(4)]);
  const error = Buffer.concat([Buffer.from([TOKEN.error, body.length & 0xff, body.length >> 8]), body]);
  const done = Buffer.alloc(13);
  done.writeUInt8(TOKEN.done, 0);
  done.writeUInt16LE(0x0002, 1);
  return tdsPacket(TDS_PACKET.tabularResult, Buffer.concat([error, done]));
}

/** The user name of a LOGIN7 and whether it carries a password (never decoded); null when the payload is not a LOGIN7. */
export function login7Summary(payload: Buffer): { user: string; hasPassword: boolean } | null {
  if (payload.length < 48) return null;
  const field = (at: number) => ({ offset: payload.readUInt16LE(at), bytes: payload.readUInt16LE(at + 2) * 2 });
  const user = field(40);
  const password = field(44);
  if (user.offset + user.bytes > payload.length || password.offset + password.bytes > payload.length) return null;
  return { user: payload.subarray(user.offset, user.offset + user.bytes).toString("utf16le"), hasPassword: password.bytes > 0 };
}

/** Reads one whole TDS message (packets until end-of-message). */
async function readMessage(conversation: CanaryConversation): Promise<{ type: number; payload: Buffer }> {
  const parts: Buffer[] = [];
  for (;;) {
    const packet = await conversation.read(frameTds);
    parts.push(packet.payload);
    if (packet.endOfMessage) return { type: packet.type, payload: Buffer.concat(parts) };
    if (parts.length > 64) throw new Error("TDS message longer than 64 packets");
  }
}

/** LOGIN7 (over TLS or in clear): noted without its secret, then refused. */
async function refuseLogin(conversation: CanaryConversation): Promise<void> {
  const message = await readMessage(conversation);
  if (message.type !== TDS_PACKET.login7) {
    conversation.note("C", `TDS packet type 0x${message.type.toString(16)}`);
    await conversation.finish();
    return;
  }
  conversation.wentOn();
  const login = login7Summary(message.payload);
  conversation.note("C", `LOGIN7 user "${login?.user ?? "?"}"${login?.hasPassword ? " [secret]" : " (no password: integrated login)"}`);
  if (login?.hasPassword) conversation.secretBeforeTls("SQL login");
  conversation.note("S", "error 18456 Login failed");
  await conversation.finish(loginFailedResponse());
}

/** The TDS dialogue. */
export async function tdsCanary(conversation: CanaryConversation): Promise<void> {
  if ((await conversation.read(frameStart)) === "tls") {
    conversation.upgraded = null;
    conversation.note("-", "TLS from the first byte (TDS 8.0 strict)");
    await conversation.startTls();
    await readMessage(conversation).then((prelogin) => conversation.note("C", `packet type 0x${prelogin.type.toString(16)} over TLS`));
    conversation.write(preloginAnswer(ENCRYPT.notSupported));
    await refuseLogin(conversation);
    return;
  }
  const prelogin = await readMessage(conversation);
  if (prelogin.type !== TDS_PACKET.preLogin) throw new Error(`first TDS packet has type 0x${prelogin.type.toString(16)}, expected PRELOGIN`);
  const offered = parsePreloginOptions(prelogin.payload).encryption;
  const clientEncryption = Number(Object.entries(ENCRYPTION_VALUES).find(([, name]) => name === offered)?.[0] ?? ENCRYPT.off);
  const answer = canaryEncryptionAnswer(clientEncryption);
  conversation.note("C", `PRELOGIN ENCRYPTION=${offered ?? "absent"}`);
  conversation.note("S", `PRELOGIN ENCRYPTION=${ENCRYPTION_VALUES[answer as keyof typeof ENCRYPTION_VALUES]}`);
  conversation.write(preloginAnswer(answer));
  if (answer === ENCRYPT.notSupported) {
    await refuseLogin(conversation);
    return;
  }
  // The ClientHello arrives inside PRELOGIN packets.
  let handshake = Buffer.alloc(0);
  let hello: ClientHelloMessage | null = null;
  while (hello === null) {
    const packet = await conversation.read(frameTds);
    if (packet.type !== TDS_PACKET.preLogin) {
      conversation.note("C", `TDS packet type 0x${packet.type.toString(16)} instead of the TLS handshake`);
      await conversation.finish();
      return;
    }
    handshake = Buffer.concat([handshake, packet.payload]);
    hello = readClientHello(handshake)?.hello ?? null;
  }
  const wire = new PreloginTlsWire(conversation.socket, handshake);
  await conversation.startTlsOver(wire, hello, () => wire.start(), { maxVersion: "TLSv1.2" });
  await refuseLogin(conversation);
}

function preloginAnswer(encryption: number): Buffer {
  return tdsPacket(
    TDS_PACKET.tabularResult,
    preloginPayload([
      [PRELOGIN_OPTION.version, VERSION_2022],
      [PRELOGIN_OPTION.encryption, Buffer.from([encryption])],
      [PRELOGIN_OPTION.instOpt, Buffer.from([0x00])],
      [PRELOGIN_OPTION.threadId, Buffer.alloc(0)],
      [PRELOGIN_OPTION.mars, Buffer.from([0x00])],
    ]),
  );
}

/**
 * The server side's transport for TLS inside PRELOGIN: unwraps the client's PRELOGIN packets for
 * node:tls and wraps each of the canary's handshake flights in one PRELOGIN message; once a side has
 * sent its Finished, its records travel bare (MS-TDS §2.2.6.5).
 */
class PreloginTlsWire extends Duplex {
  readonly #socket: import("node:net").Socket;
  readonly #fromClient = new HandshakeEndTracker();
  readonly #fromCanary = new HandshakeEndTracker();
  #inbound = Buffer.alloc(0);
  #flight: Buffer[] = [];
  #flushQueued = false;
  readonly #first: Buffer;

  constructor(socket: import("node:net").Socket, firstHandshakeBytes: Buffer) {
    super();
    this.#socket = socket;
    this.#first = firstHandshakeBytes;
  }

  /** Starts feeding node:tls: the handshake bytes read so far, then the socket. */
  start(): void {
    this.#fromClient.handshakeBytes(this.#first);
    this.push(this.#first);
    this.#socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    this.#socket.on("end", () => this.push(null));
    this.#socket.on("close", () => this.destroy());
    this.#socket.resume();
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const framed = this.#fromCanary.handshakeBytes(chunk);
    if (framed > 0) {
      this.#flight.push(chunk.subarray(0, framed));
      if (!this.#flushQueued) {
        this.#flushQueued = true;
        setImmediate(() => this.#flush());
      }
    }
    if (framed < chunk.length) {
      this.#flush();
      if (!this.#socket.destroyed) this.#socket.write(chunk.subarray(framed));
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#flush();
    this.#socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#socket.destroy();
    callback(error);
  }

  #flush(): void {
    this.#flushQueued = false;
    if (this.#flight.length === 0 || this.#socket.destroyed) return;
    this.#socket.write(tdsMessage(TDS_PACKET.preLogin, Buffer.concat(this.#flight)));
    this.#flight = [];
  }

  #receive(chunk: Buffer): void {
    if (this.#fromClient.ended) {
      this.push(chunk);
      return;
    }
    this.#inbound = Buffer.concat([this.#inbound, chunk]);
    while (!this.#fromClient.ended) {
      let framed: ReturnType<typeof frameTds>;
      try {
        framed = frameTds(this.#inbound);
      } catch (error) {
        this.destroy(error as Error);
        return;
      }
      if (framed === null) return;
      this.#inbound = this.#inbound.subarray(framed.length);
      if (framed.value.type !== TDS_PACKET.preLogin) {
        this.destroy(new Error(`TDS packet type 0x${framed.value.type.toString(16)} during the TLS handshake`));
        return;
      }
      this.#fromClient.handshakeBytes(framed.value.payload);
      this.push(framed.value.payload);
    }
    const rest = this.#inbound;
    this.#inbound = Buffer.alloc(0);
    if (rest.length > 0) this.push(rest);
  }
}
