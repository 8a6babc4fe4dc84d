// A lower bound for any Node.js program that opens as many connections as hardcheck does on one
// endpoint: start, open `count` TCP connections to 127.0.0.1:`port` (four at a time, as hardcheck's
// probes do), send each a TLS 1.2 ClientHello, read the server's first record, close, exit. Every
// connection hardcheck opens does at least this much (most of its hellos are written by hand and
// read only the first answer; a few complete a handshake, which costs more). It decides nothing.
import { randomBytes } from "node:crypto";
import { connect } from "node:net";

const port = Number(process.argv[2]);
const count = Number(process.argv[3] ?? 1);

/** A TLS extension: type, then its body with a 2-byte length. */
const extension = (type, body) => Buffer.concat([Buffer.from([type >> 8, type & 255, body.length >> 8, body.length & 255]), body]);
/** A list with a 2-byte length. */
const list16 = (bytes) => Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 255]), bytes]);

function clientHello() {
  // ECDHE, DHE and RSA suites with AES-GCM, ChaCha20, AES-CBC and 3DES, so every lab server answers with a ServerHello or an alert.
  const suites = [0xc02f, 0xc030, 0xc02b, 0xc02c, 0xcca8, 0xcca9, 0x009e, 0x009f, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035, 0x000a];
  const suiteBytes = Buffer.alloc(suites.length * 2);
  for (const [i, suite] of suites.entries()) suiteBytes.writeUInt16BE(suite, i * 2);
  const groups = list16(Buffer.from([0x00, 0x1d, 0x00, 0x17, 0x00, 0x18]));
  const signatures = list16(Buffer.from([0x04, 0x01, 0x05, 0x01, 0x08, 0x04, 0x04, 0x03, 0x02, 0x01]));
  const extensions = list16(Buffer.concat([extension(10, groups), extension(11, Buffer.from([1, 0])), extension(13, signatures)]));
  const body = Buffer.concat([Buffer.from([3, 3]), randomBytes(32), Buffer.from([0]), list16(suiteBytes), Buffer.from([1, 0]), extensions]);
  const handshake = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 255]), body]);
  return Buffer.concat([Buffer.from([0x16, 3, 1, handshake.length >> 8, handshake.length & 255]), handshake]);
}

function exchange() {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write(clientHello()));
    socket.setTimeout(3000, () => socket.destroy());
    socket.once("data", () => socket.destroy());
    socket.on("error", () => resolve());
    socket.on("close", () => resolve());
  });
}

let left = count;
async function worker() {
  while (left-- > 0) await exchange();
}
await Promise.all(Array.from({ length: Math.min(4, count) }, worker));
