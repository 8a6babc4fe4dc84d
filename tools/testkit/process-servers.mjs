/**
 * Real servers for TLS tests, run as child processes and stopped by their own PID: `openssl s_server`
 * on 127.0.0.1, servers that can only bind every interface (`gnutls-serv`, `openssl ocsp`) inside a
 * private network namespace reached through a Unix-socket bridge, and an SMTP STARTTLS front that
 * hands the upgraded connection to a TLS server.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { closeServer, freePortBelowEphemeral, listenOnLoopback } from "./loopback.mjs";

const START_TIMEOUT_MS = 10_000;

/**
 * @typedef {object} ProcessServer
 * @property {number} port Port on 127.0.0.1.
 * @property {number} pid PID of the child process.
 * @property {() => number} connections TCP connections accepted so far (bridged servers only; others report -1).
 * @property {() => Promise<void>} close Kills the child by its PID and frees everything it held.
 */

/**
 * A port on 127.0.0.1 that was free a moment ago (for configs and certificates that must name the
 * port before the server starts). It comes from below the kernel's ephemeral range, so a server
 * another test starts on port 0, or an outgoing connection, cannot take it in between.
 */
export function reserveLoopbackPort() {
  return freePortBelowEphemeral();
}

/**
 * Waits for a line matching `pattern` on the child's stdout or stderr.
 * @param {import("node:child_process").ChildProcess} child
 * @param {RegExp} pattern
 * @param {string} what
 * @returns {Promise<RegExpMatchArray>}
 */
function waitForOutput(child, pattern, what) {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (/** @type {Buffer} */ chunk) => {
      seen += chunk.toString("utf8");
      const match = pattern.exec(seen);
      if (match) finish(() => resolve(match));
    };
    const onExit = (/** @type {number | null} */ code) => finish(() => reject(new Error(`${what} exited (${code}) before it was ready: ${seen.slice(-500)}`)));
    const timer = setTimeout(() => finish(() => reject(new Error(`${what} not ready within ${START_TIMEOUT_MS} ms: ${seen.slice(-500)}`))), START_TIMEOUT_MS);
    const finish = (/** @type {() => void} */ settle) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      // Keep draining: a child blocked on a full pipe stops serving.
      child.stdout?.resume();
      child.stderr?.resume();
      settle();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

/** @param {import("node:child_process").ChildProcess} child */
function killChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve(undefined);
      return;
    }
    child.once("exit", () => resolve(undefined));
    child.kill("SIGKILL");
  });
}

/**
 * Starts `openssl s_server -www` on 127.0.0.1 with an ephemeral port.
 *
 * @param {{ certPath: string, keyPath: string, chainPath?: string, args?: string[] }} options
 *   `args` adds s_server options, e.g. `["-cipher", "ALL:@SECLEVEL=0", "-tls1"]`.
 * @returns {Promise<ProcessServer>}
 */
export async function startOpensslServer(options) {
  const args = ["s_server", "-accept", "127.0.0.1:0", "-www", "-cert", options.certPath, "-key", options.keyPath];
  if (options.chainPath) args.push("-cert_chain", options.chainPath);
  args.push(...(options.args ?? []));
  const child = spawn("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const match = await waitForOutput(child, /ACCEPT 127\.0\.0\.1:(\d+)/, "openssl s_server");
    const pid = /** @type {number} */ (child.pid);
    return { port: Number(match[1]), pid, connections: () => -1, close: () => killChild(child) };
  } catch (error) {
    await killChild(child);
    throw error;
  }
}

const BRIDGE_INNER = fileURLToPath(new URL("./netns-bridge-inner.mjs", import.meta.url));

/**
 * Runs a server that can only bind every interface inside a private network namespace (`unshare
 * --net --pid`: only loopback, and every process in it dies with the bridge), and makes it
 * reachable on 127.0.0.1 through a Unix socket. Counts the TCP connections it relays.
 *
 * @param {{ command: string, args: string[], innerPort: number, outerPort?: number }} options
 *   `innerPort` is where the server listens inside the namespace; `outerPort` fixes the port on 127.0.0.1.
 * @returns {Promise<ProcessServer>}
 */
export async function startNamespacedServer(options) {
  const dir = mkdtempSync(join(tmpdir(), "hardcheck-netns-"));
  const socketPath = join(dir, "bridge.sock");
  const child = spawn(
    "unshare",
    ["--net", "--pid", "--fork", "--kill-child", process.execPath, BRIDGE_INNER, socketPath, String(options.innerPort), options.command, ...options.args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  /** @type {Set<import("node:net").Socket>} */
  const sockets = new Set();
  let connections = 0;
  const front = createServer((client) => {
    connections++;
    sockets.add(client);
    const upstream = createConnection(socketPath);
    sockets.add(upstream);
    for (const socket of [client, upstream]) {
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const close = async () => {
    await closeServer(front, sockets);
    await killChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForOutput(child, /BRIDGE READY/, `${options.command} in a network namespace`);
    const port =
      options.outerPort === undefined
        ? await listenOnLoopback(front)
        : await new Promise((resolve, reject) => {
            front.once("error", reject);
            front.listen({ host: "127.0.0.1", port: options.outerPort }, () => resolve(options.outerPort));
          });
    return { port: /** @type {number} */ (port), pid: /** @type {number} */ (child.pid), connections: () => connections, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * An SMTP server front: greets, answers EHLO with STARTTLS, and after `STARTTLS` relays the raw
 * connection to `tlsPort` — so the TLS that follows is the real TLS server's. `offerStartTls: false`
 * leaves STARTTLS out of the EHLO reply.
 *
 * @param {{ tlsPort: number, offerStartTls?: boolean }} options
 * @returns {Promise<import("./loopback.mjs").LoopbackServer>}
 */
export async function startSmtpStartTlsFront(options) {
  /** @type {Set<import("node:net").Socket>} */
  const sockets = new Set();
  const server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    client.write("220 lab.invalid ESMTP hardcheck test front\r\n");
    let buffered = "";
    const onData = (/** @type {Buffer} */ chunk) => {
      buffered += chunk.toString("latin1");
      for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
        const line = buffered.slice(0, newline).replace(/\r$/, "").toUpperCase();
        buffered = buffered.slice(newline + 1);
        if (line.startsWith("EHLO")) {
          client.write(`250-lab.invalid\r\n250-PIPELINING\r\n${options.offerStartTls === false ? "" : "250-STARTTLS\r\n"}250 8BITMIME\r\n`);
        } else if (line === "STARTTLS" && options.offerStartTls !== false) {
          client.off("data", onData);
          client.write("220 2.0.0 ready to start TLS\r\n");
          const upstream = createConnection({ host: "127.0.0.1", port: options.tlsPort });
          sockets.add(upstream);
          upstream.on("error", () => client.destroy());
          upstream.on("close", () => {
            sockets.delete(upstream);
            client.destroy();
          });
          client.on("close", () => upstream.destroy());
          if (buffered.length > 0) upstream.write(Buffer.from(buffered, "latin1"));
          client.pipe(upstream);
          upstream.pipe(client);
          return;
        } else if (line === "QUIT") {
          client.end("221 bye\r\n");
        } else {
          client.write("502 5.5.2 not implemented\r\n");
        }
      }
    };
    client.on("data", onData);
  });
  const port = await listenOnLoopback(server);
  return { port, close: () => closeServer(server, sockets) };
}
