/** The shape every negotiated stream shares: a Duplex over the connected socket, ending and failing with it. */
import type { Socket } from "node:net";
import { Duplex } from "node:stream";

/**
 * A Duplex in front of a socket: writes pass through unless a subclass frames them, what arrives
 * goes to {@link receive}, and the socket's end, error and close become the stream's. Reading is
 * paced: the socket resumes when the consumer asks for more.
 */
export abstract class SocketDuplex extends Duplex {
  protected readonly socket: Socket;

  constructor(socket: Socket) {
    super();
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.once("end", () => this.socketEnded());
    socket.once("error", (error) => this.destroy(error));
    socket.once("close", () => this.destroy());
  }

  /** Bytes from the server; push what the TLS layer should see with {@link deliver}. */
  protected abstract receive(chunk: Buffer): void;

  /** The server ended its side: end the readable side too. */
  protected socketEnded(): void {
    this.push(null);
  }

  /** Hands bytes to the reader, pausing the socket while the reader is full. */
  protected deliver(bytes: Buffer): void {
    if (bytes.length > 0 && !this.push(bytes)) this.socket.pause();
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.socket.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}
