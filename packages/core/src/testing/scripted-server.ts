/**
 * A fake endpoint for probe tests: a loopback TCP server that plays one side of a line-based
 * dialogue (SMTP, POP3, FTP, a banner) from a script, and records what the probe said.
 */
import { createServer, type Socket } from "node:net";
import type { Endpoint } from "../index.js";
import { testEndpoint } from "./test-endpoint.js";

/**
 * One step of a script, played in order on every connection:
 * - `send`: the server writes these bytes (add the line ending yourself: `"220 ready\r\n"`);
 * - `expect`: the server reads one line from the client (without its line ending) and checks it:
 *   equal to the string, or matching the expression. A line that does not match ends the
 *   connection and is recorded as the connection's mismatch.
 */
export type ScriptStep = { readonly send: string | Uint8Array } | { readonly expect: string | RegExp };

/** What happens once a connection has played the whole script. */
export type ScriptEnd =
  /** The server closes its side, as a server that said its last word does (default). */
  | "end"
  /** The server keeps the connection open and silent until the client closes it, to test a probe's timeout. */
  | "hold";

/** Options of {@link startScriptedServer}. */
export interface ScriptedServerOptions {
  /** What happens after the last step (default `end`). */
  readonly afterScript?: ScriptEnd;
  /** Longest line the server accepts from the client before it calls the connection a mismatch (default 8192 bytes). */
  readonly maxLineBytes?: number;
}

/** One line of a dialogue, as the server saw it. */
export interface ScriptedLine {
  readonly from: "server" | "client";
  /** The text (for the server, what it sent; for the client, the line without its line ending). */
  readonly text: string;
}

/** What happened on one connection. */
export interface ScriptedConnection {
  readonly lines: readonly ScriptedLine[];
  /** Why the dialogue left the script (a line that did not match, the client closing early); absent when it kept to it. */
  readonly mismatch?: string;
  /** True once the whole script was played. */
  readonly completed: boolean;
}

/** A running scripted server on 127.0.0.1. */
export interface ScriptedServer {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** The server as an endpoint of `scheme` (`tcp`, `smtp`, your plugin's own …). */
  endpoint(scheme: string, options?: { readonly tags?: readonly string[] }): Endpoint;
  /** Every connection so far, in the order they arrived. */
  connections(): readonly ScriptedConnection[];
  /** Stops listening and closes every connection still open. */
  close(): Promise<void>;
}

/**
 * Starts a loopback TCP server that replays `script` on each connection: a fake endpoint for an
 * endpoint probe, with no real server needed.
 *
 * @example
 * ```ts
 * const server = await startScriptedServer([{ send: "220 mail.example ESMTP\r\n" }, { expect: /^EHLO / }, { send: "250 mail.example\r\n" }]);
 * afterAll(() => server.close());
 * const facts = await new ProbeTester().facts(smtpGreetingProbe, server.endpoint("smtp"));
 * expect(server.connections()[0]?.mismatch).toBeUndefined();
 * ```
 */
export async function startScriptedServer(script: readonly ScriptStep[], options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const maxLineBytes = options.maxLineBytes ?? 8_192;
  const sockets = new Set<Socket>();
  const log: ScriptedConnectionLog[] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // A client hanging up mid-dialogue is something the log records, not a test failure.
    socket.on("error", () => {});
    const entry: ScriptedConnectionLog = { lines: [], completed: false };
    log.push(entry);
    void play(socket, script, entry, options.afterScript ?? "end", maxLineBytes);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the scripted server has no TCP address");
  const port = address.port;
  return {
    host: "127.0.0.1",
    port,
    endpoint: (scheme, endpointOptions = {}) => testEndpoint(`${scheme}://127.0.0.1:${port}`, endpointOptions),
    connections: () => log.map((entry) => ({ ...entry, lines: [...entry.lines] })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface ScriptedConnectionLog {
  lines: ScriptedLine[];
  mismatch?: string;
  completed: boolean;
}

async function play(socket: Socket, script: readonly ScriptStep[], entry: ScriptedConnectionLog, afterScript: ScriptEnd, maxLineBytes: number) {
  const lines = lineReader(socket, maxLineBytes);
  for (const step of script) {
    if ("send" in step) {
      entry.lines.push({ from: "server", text: typeof step.send === "string" ? step.send : Buffer.from(step.send).toString("latin1") });
      socket.write(step.send);
      continue;
    }
    const line = await lines.next();
    if (line.kind !== "line") {
      entry.mismatch = `expected ${describeExpectation(step.expect)}, but ${line.reason}`;
      socket.destroy();
      return;
    }
    entry.lines.push({ from: "client", text: line.text });
    const matches = typeof step.expect === "string" ? line.text === step.expect : step.expect.test(line.text);
    if (!matches) {
      entry.mismatch = `expected ${describeExpectation(step.expect)}, got ${JSON.stringify(line.text)}`;
      socket.destroy();
      return;
    }
  }
  entry.completed = true;
  if (afterScript === "end") socket.end();
}

function describeExpectation(expectation: string | RegExp): string {
  return typeof expectation === "string" ? JSON.stringify(expectation) : `a line matching ${String(expectation)}`;
}

type LineResult = { readonly kind: "line"; readonly text: string } | { readonly kind: "closed"; readonly reason: string };

/** Reads CRLF- or LF-terminated lines from a socket, one `next()` at a time. */
function lineReader(socket: Socket, maxLineBytes: number): { next(): Promise<LineResult> } {
  let buffered = Buffer.alloc(0);
  let closedReason: string | undefined;
  let waiting: (() => void) | undefined;
  const wake = () => {
    const resume = waiting;
    waiting = undefined;
    resume?.();
  };
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    wake();
  });
  socket.on("end", () => {
    closedReason ??= "the client closed the connection";
    wake();
  });
  socket.on("close", () => {
    closedReason ??= "the connection closed";
    wake();
  });
  return {
    async next() {
      for (;;) {
        const newline = buffered.indexOf(0x0a);
        if (newline >= 0) {
          const text = buffered.subarray(0, newline).toString("latin1").replace(/\r$/, "");
          buffered = buffered.subarray(newline + 1);
          return { kind: "line", text };
        }
        if (buffered.length > maxLineBytes) return { kind: "closed", reason: `the client sent more than ${maxLineBytes} bytes without a line ending` };
        if (closedReason !== undefined) return { kind: "closed", reason: closedReason };
        await new Promise<void>((resolve) => {
          waiting = resolve;
        });
      }
    },
  };
}
