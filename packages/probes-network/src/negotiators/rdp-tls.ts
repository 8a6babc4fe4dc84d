/**
 * RDP enhanced security (MS-RDPBCGR §5.4.5): an X.224 Connection Request offering TLS and CredSSP;
 * when the Connection Confirm selects one of them, the TLS handshake starts on the same socket
 * (CredSSP runs inside that TLS session, after it). Standard RDP security has no TLS at all.
 */
import {
  type ConnectionConfirm,
  connectionRequest,
  frameTpkt,
  parseConnectionConfirm,
  RDP_FAILURE_NAMES,
  RDP_PROTOCOL,
  SELECTED_PROTOCOL_NAMES,
} from "../codecs/rdp/x224.js";
import { TlsRecordFollower } from "../codecs/tls/record-follower.js";
import { NegotiationError, type PreTlsNegotiator, readNegotiationReply, TlsNotOfferedError } from "../connection/negotiation.js";
import { SocketDuplex } from "../connection/socket-duplex.js";

const ID = "rdp-tls";
/** TLS, CredSSP and CredSSP with early user authorization: a server that requires NLA still selects one, and each starts with TLS. */
const REQUESTED = RDP_PROTOCOL.ssl | RDP_PROTOCOL.hybrid | RDP_PROTOCOL.hybridEx;
const STARTS_WITH_TLS = new Set<number>([RDP_PROTOCOL.ssl, RDP_PROTOCOL.hybrid, RDP_PROTOCOL.hybridEx]);

/** TPKT's version byte: no TLS record starts with it (content types are 0x14–0x18). */
const TPKT_VERSION = 0x03;

/**
 * The socket as TLS sees it, except that an X.224 packet where a TLS record should start reads as
 * the end of the stream: xrdp answers a ClientHello it refuses with a clear-text MCS Disconnect
 * Provider Ultimatum, with or without a TLS alert before it — a refusal, not garbage.
 */
export class RdpTlsStream extends SocketDuplex {
  readonly #records = new TlsRecordFollower();
  #ended = false;

  protected override receive(chunk: Buffer): void {
    if (this.#ended) return;
    const tlsBytes = this.#records.take(chunk, { beforeRecord: (contentType) => contentType === TPKT_VERSION });
    this.deliver(chunk.subarray(0, tlsBytes));
    if (tlsBytes < chunk.length) {
      this.socketEnded();
      this.socket.destroy();
    }
  }

  protected override socketEnded(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.push(null);
  }
}

/** Upgrades an RDP connection to TLS; fails naming the server's choice when it selects no TLS-based protocol. */
export const rdpTls: PreTlsNegotiator = {
  id: ID,
  description: "RDP: sends an X.224 Connection Request offering TLS, CredSSP and CredSSP-EX, and expects a Connection Confirm selecting one of them",
  async negotiate(socket, context) {
    socket.write(connectionRequest(REQUESTED));
    const confirm = await readNegotiationReply(socket, context, ID, "Connection Request", (buffered): { value: ConnectionConfirm; length: number } | null => {
      try {
        const length = frameTpkt(buffered);
        return length === null ? null : { value: parseConnectionConfirm(buffered.subarray(0, length)), length };
      } catch (error) {
        throw new NegotiationError(ID, `Connection Confirm: ${(error as Error).message} — the server is not speaking RDP on this port`);
      }
    });
    if (confirm.kind === "no-negotiation") {
      throw new TlsNotOfferedError(
        ID,
        "Connection Confirm carries no negotiation data: the server predates RDP 5.2 and speaks only standard RDP security, without TLS",
      );
    }
    if (confirm.kind === "failure") {
      const name = RDP_FAILURE_NAMES[confirm.failureCode] ?? `UNKNOWN_${confirm.failureCode}`;
      throw new TlsNotOfferedError(ID, `Connection Confirm: server refused TLS and CredSSP with ${name}`);
    }
    if (!STARTS_WITH_TLS.has(confirm.selectedProtocol)) {
      const name = SELECTED_PROTOCOL_NAMES[confirm.selectedProtocol] ?? `0x${confirm.selectedProtocol.toString(16)}`;
      throw new TlsNotOfferedError(ID, `Connection Confirm: server selected ${name}, not TLS — set the RDP security layer to TLS (SSL) or Negotiate`);
    }
    return new RdpTlsStream(socket);
  },
};
