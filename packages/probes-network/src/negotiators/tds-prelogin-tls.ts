/**
 * SQL Server TLS before TDS 8.0 (MS-TDS §2.2.6.5, §3.2.5.2): the client sends PRELOGIN with
 * ENCRYPTION = ENCRYPT_ON, and when the server agrees the TLS handshake travels in the payload of
 * PRELOGIN packets (type 0x12) — each flight one TDS message — after which TLS records go bare on
 * the socket. TDS 8.0 strict needs no negotiator: it is TLS from the first byte.
 */
import type { Socket } from "node:net";
import {
  type EncryptionName,
  frameTdsPacket,
  parsePreloginResponse,
  clientPrelogin as preloginRequest,
  TDS_HEADER_BYTES,
  TDS_PACKET,
  tdsMessage,
} from "../codecs/tds/prelogin.js";
import {
  type HandshakeFramedStream,
  type NegotiationContext,
  NegotiationError,
  type PreTlsNegotiator,
  readNegotiationReply,
  TlsNotOfferedError,
} from "../connection/negotiation.js";
import { SocketDuplex } from "../connection/socket-duplex.js";

const ID = "tds-prelogin-tls";
const ENCRYPT_ON = 0x01;

/** ENCRYPTION answers after which the client starts the TLS handshake (§2.2.6.5: OFF still encrypts the login). */
const TLS_FOLLOWS: ReadonlySet<EncryptionName> = new Set<EncryptionName>(["ENCRYPT_ON", "ENCRYPT_REQ", "ENCRYPT_OFF", "ENCRYPT_CLIENT_CERT"]);

/**
 * The stream TLS runs on after PRELOGIN: what is written goes out as one PRELOGIN message per
 * flight (writes in the same turn of the event loop are one flight); what arrives is stripped of
 * its TDS headers. After {@link endHandshakeFraming} both directions pass through bare.
 */
export class TdsPreloginTlsStream extends SocketDuplex implements HandshakeFramedStream {
  #framing = true;
  #inbound: Buffer = Buffer.alloc(0);
  #flight: Buffer[] = [];
  #flushQueued = false;

  /** Ends the wrapping: the handshake is complete. Buffered flight bytes still go out framed first. */
  endHandshakeFraming(): void {
    if (!this.#framing) return;
    this.#flushFlight();
    this.#framing = false;
    const rest = this.#inbound;
    this.#inbound = Buffer.alloc(0);
    this.deliver(rest);
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.#framing) {
      super._write(chunk, encoding, callback);
      return;
    }
    this.#flight.push(chunk);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      setImmediate(() => this.#flushFlight());
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#flushFlight();
    super._final(callback);
  }

  #flushFlight(): void {
    this.#flushQueued = false;
    if (this.#flight.length === 0 || this.socket.destroyed) return;
    const payload = Buffer.concat(this.#flight);
    this.#flight = [];
    this.socket.write(tdsMessage(TDS_PACKET.preLogin, payload));
  }

  protected override receive(chunk: Buffer): void {
    if (!this.#framing) {
      this.deliver(chunk);
      return;
    }
    this.#inbound = Buffer.concat([this.#inbound, chunk]);
    for (;;) {
      let length: number | null;
      try {
        length = frameTdsPacket(this.#inbound);
      } catch (error) {
        this.destroy(new NegotiationError(ID, `TLS handshake: ${(error as Error).message}`));
        return;
      }
      if (length === null) return;
      const type = this.#inbound.readUInt8(0);
      // Servers answer handshake flights in PRELOGIN packets; a tabular-result packet here carries an error token, not TLS.
      if (type !== TDS_PACKET.preLogin) {
        this.destroy(
          new NegotiationError(ID, `TLS handshake: server sent TDS packet type 0x${type.toString(16).padStart(2, "0")} instead of PRELOGIN-wrapped TLS`),
        );
        return;
      }
      const payload = this.#inbound.subarray(TDS_HEADER_BYTES, length);
      this.#inbound = this.#inbound.subarray(length);
      this.deliver(payload);
    }
  }
}

/** The server hung up on a clear-text PRELOGIN: what a server that enforces TDS 8.0 strict encryption does. */
export class PreloginRefusedError extends NegotiationError {
  override readonly name = "PreloginRefusedError";
}

/** Sends PRELOGIN asking for encryption; on any answer but ENCRYPT_NOT_SUP hands back a `TdsPreloginTlsStream`. */
export const tdsPreloginTls: PreTlsNegotiator = {
  id: ID,
  description: "SQL Server: sends PRELOGIN with ENCRYPTION = ENCRYPT_ON, then carries the TLS handshake inside PRELOGIN packets (MS-TDS §2.2.6.5)",
  // TDS 8.0 strict: TLS from the first byte, as on tls:// — the TLS probes then assess the strict endpoint.
  implicitTlsFallback: (error) => error instanceof PreloginRefusedError,
  async negotiate(socket, context) {
    socket.write(preloginRequest(ENCRYPT_ON));
    let response: Awaited<ReturnType<typeof readPreloginResponse>>;
    try {
      response = await readPreloginResponse(socket, context);
    } catch (error) {
      // A server that enforces TDS 8.0 strict encryption hangs up on a clear-text PRELOGIN.
      if (error instanceof NegotiationError && error.message.includes("closed the connection before answering")) {
        throw new PreloginRefusedError(ID, "PRELOGIN: server closed the connection without answering (a TDS 8.0 strict-only server does)", { cause: error });
      }
      throw error;
    }
    if (response.encryption === "ENCRYPT_NOT_SUP") {
      throw new TlsNotOfferedError(
        ID,
        "PRELOGIN: server answered ENCRYPT_NOT_SUP — it has no certificate and offers no TLS; configure one and set Force Encryption",
      );
    }
    if (response.encryption === null || !TLS_FOLLOWS.has(response.encryption)) {
      throw new NegotiationError(ID, `PRELOGIN: server answered ENCRYPTION ${response.encryption ?? "(missing)"}, which starts no TLS handshake`);
    }
    return new TdsPreloginTlsStream(socket);
  },
};

function readPreloginResponse(socket: Socket, context: NegotiationContext) {
  return readNegotiationReply(socket, context, ID, "PRELOGIN", (buffered) => {
    // Judged on the first byte: other protocols' bytes read as a long TDS length would otherwise wait out the timeout.
    if (buffered.length > 0 && buffered[0] !== TDS_PACKET.tabularResult) {
      throw new NegotiationError(
        ID,
        `PRELOGIN: answer starts with 0x${(buffered[0] as number).toString(16).padStart(2, "0")}, not a TDS response packet (0x04) — the server is not speaking TDS on this port`,
      );
    }
    let length: number | null;
    try {
      length = frameTdsPacket(buffered);
    } catch (error) {
      throw new NegotiationError(ID, `PRELOGIN: ${(error as Error).message} — the server is not speaking TDS on this port`);
    }
    if (length === null) return null;
    try {
      return { value: parsePreloginResponse(buffered.subarray(0, length)), length };
    } catch (error) {
      throw new NegotiationError(ID, `PRELOGIN: ${(error as Error).message}`);
    }
  });
}
