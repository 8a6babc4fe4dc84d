// The connection layer on its own: the one connect-with-timeout and the one reply reader, against loopback servers that misbehave on purpose.
import { type Socket, connect as startTcpConnection } from "node:net";
import { connect as startTlsConnection } from "node:tls";
import { type LoopbackServer, startFullBacklogServer, startRefusingPort, startScriptedServer, startTarpitServer } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConnectFailure, connectWithin } from "./connect.js";
import { type ReplyFailure, type ReplyParser, ReplyReader } from "./reply-reader.js";

/** Frames one CRLF-terminated line. */
const line: ReplyParser<string> = (buffered) => {
  const end = buffered.indexOf("\r\n");
  return end < 0 ? null : { value: buffered.subarray(0, end).toString("latin1"), length: end + 2 };
};

/** Words each failure by its kind, so the tests see which one came. */
const kindOf = (failure: ConnectFailure | ReplyFailure) => new Error(failure.kind);

const servers: LoopbackServer[] = [];
let refusing: LoopbackServer;
let backlog: LoopbackServer;
let tarpit: LoopbackServer;
let talker: LoopbackServer;

beforeAll(async () => {
  refusing = await startRefusingPort();
  backlog = await startFullBacklogServer();
  tarpit = await startTarpitServer();
  // Sends two lines at once, a partial third, then 100 KiB without a line end; closes when asked.
  talker = await startScriptedServer((socket) => {
    socket.on("data", (command: Buffer) => {
      const text = command.toString("latin1");
      if (text === "LINES") socket.write("first\r\nsecond\r\nthi");
      if (text === "FLOOD") socket.write(Buffer.alloc(100 * 1024, 0x41));
      if (text === "BYE") socket.end("rd\r\n");
    });
  });
  servers.push(refusing, backlog, tarpit, talker);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

const tcpTo = (port: number) => () => startTcpConnection({ host: "127.0.0.1", port });

/** Connects to `port`, runs `talk` with a reader on the socket, and destroys the socket whatever happens. */
async function withReader(port: number, talk: (reader: ReplyReader, socket: Socket) => Promise<void>): Promise<void> {
  const socket = await connectWithin({ start: tcpTo(port), readyEvent: "connect", timeoutMs: 2_000, signal: new AbortController().signal, fail: kindOf });
  try {
    await talk(new ReplyReader(socket), socket);
  } finally {
    socket.destroy();
  }
}

describe("connectWithin", () => {
  it.each([
    { name: "a refused port", server: () => refusing, readyEvent: "connect" as const, expected: "error" },
    { name: "a port whose SYNs go unanswered", server: () => backlog, readyEvent: "connect" as const, expected: "timeout" },
    { name: "a TLS handshake nobody answers", server: () => tarpit, readyEvent: "secureConnect" as const, expected: "timeout" },
  ])("rejects $name with the caller's wording ($expected)", async ({ server, readyEvent, expected }) => {
    const port = server().port;
    const start = readyEvent === "connect" ? tcpTo(port) : () => startTlsConnection({ host: "127.0.0.1", port, rejectUnauthorized: false });
    await expect(connectWithin({ start, readyEvent, timeoutMs: 300, signal: new AbortController().signal, fail: kindOf })).rejects.toThrow(expected);
  });

  it("tells whether TCP was connected when the handshake timed out", async () => {
    const failures: ConnectFailure[] = [];
    const start = () => startTlsConnection({ host: "127.0.0.1", port: tarpit.port, rejectUnauthorized: false });
    const fail = (failure: ConnectFailure) => {
      failures.push(failure);
      return new Error(failure.kind);
    };
    await expect(connectWithin({ start, readyEvent: "secureConnect", timeoutMs: 300, signal: new AbortController().signal, fail })).rejects.toThrow("timeout");
    expect(failures).toEqual([{ kind: "timeout", timeoutMs: 300, connected: true }]);
  });

  it("rejects at once when the signal fires, and before starting when it already has", async () => {
    const controller = new AbortController();
    const pending = connectWithin({ start: tcpTo(backlog.port), readyEvent: "connect", timeoutMs: 10_000, signal: controller.signal, fail: kindOf });
    controller.abort(new Error("scan cancelled"));
    await expect(pending).rejects.toThrow("aborted");
    let started = false;
    const start = () => {
      started = true;
      return tcpTo(talker.port)();
    };
    await expect(connectWithin({ start, readyEvent: "connect", timeoutMs: 1_000, signal: controller.signal, fail: kindOf })).rejects.toThrow("aborted");
    expect(started).toBe(false);
  });

  it("reports options that make the start throw", async () => {
    const start = () => startTcpConnection({ host: "127.0.0.1", port: 70_000 });
    await expect(connectWithin({ start, readyEvent: "connect", timeoutMs: 1_000, signal: new AbortController().signal, fail: kindOf })).rejects.toThrow(
      "start",
    );
  });
});

describe("ReplyReader", () => {
  const options = { timeoutMs: 1_000, signal: new AbortController().signal, fail: kindOf };

  it("hands out one framed reply at a time, and the rest once the server sends it", async () => {
    await withReader(talker.port, async (reader, socket) => {
      socket.write("LINES");
      expect(await reader.read(line, options)).toBe("first");
      expect(await reader.read(line, options)).toBe("second");
      socket.write("BYE");
      expect(await reader.read(line, options)).toBe("third");
      await expect(reader.read(line, options)).rejects.toThrow("closed");
    });
  });

  it("refuses a reply longer than the cap, framed or not", async () => {
    await withReader(talker.port, async (reader, socket) => {
      socket.write("FLOOD");
      await expect(reader.read(line, { ...options, maxBytes: 64 * 1024 })).rejects.toThrow("too-long");
      const whole: ReplyParser<number> = (buffered) => (buffered.length >= 10 ? { value: 10, length: 10 } : null);
      await expect(reader.read(whole, { ...options, maxBytes: 5 })).rejects.toThrow("too-long");
    });
  });

  it("gives up after the timeout, and on a parser that throws", async () => {
    await withReader(tarpit.port, async (reader) => {
      await expect(reader.read(line, { ...options, timeoutMs: 200 })).rejects.toThrow("timeout");
      const throwing: ReplyParser<never> = () => {
        throw new Error("not this protocol");
      };
      await expect(reader.read(throwing, options)).rejects.toThrow("malformed");
    });
  });

  it("hands the socket on with the unread bytes pushed back", async () => {
    await withReader(talker.port, async (reader, socket) => {
      socket.write("LINES");
      expect(await reader.read(line, options)).toBe("first");
      reader.release();
      // Paused until its next reader asks, as a TLS layer taking the socket over does.
      expect(socket.isPaused()).toBe(true);
      const next = new Promise<Buffer>((resolve) => socket.once("data", resolve));
      socket.resume();
      expect((await next).toString("latin1")).toBe("second\r\nthi");
    });
  });
});
