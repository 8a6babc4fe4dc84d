/**
 * Runs inside `unshare --net --pid`: brings loopback up, starts the server given on the command
 * line, waits until it listens, then relays each connection from a Unix socket (which crosses
 * network namespaces) to it. As PID 1 of its namespace, its death takes the server with it.
 * argv: <unix socket path> <server port> <command> [args…]
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";

const [socketPath, portText, command, ...args] = process.argv.slice(2);
const port = Number(portText);
if (!socketPath || !command || !Number.isInteger(port)) {
  console.error("usage: netns-bridge-inner.mjs <socket> <port> <command> [args…]");
  process.exit(2);
}
execFileSync("ip", ["link", "set", "lo", "up"]);
const server = spawn(command, args, { stdio: ["ignore", "ignore", "inherit"] });
server.on("exit", (code) => {
  console.error(`${command} exited with ${code}`);
  process.exit(1);
});

const deadline = Date.now() + 8_000;
/**
 * Waits for the server's listening socket in /proc/net (this namespace's view) rather than by
 * connecting: a single-connection server such as `openssl ocsp` would take a probe connection as
 * its client and fail on it.
 */
function isListening() {
  const portHex = port.toString(16).toUpperCase().padStart(4, "0");
  return ["/proc/net/tcp", "/proc/net/tcp6"].some((file) => {
    let table = "";
    try {
      table = readFileSync(file, "utf8");
    } catch {
      return false;
    }
    return table.split("\n").some((line) => {
      const fields = line.trim().split(/\s+/);
      return fields[1]?.endsWith(`:${portHex}`) && fields[3] === "0A";
    });
  });
}

function probe() {
  if (isListening()) {
    listen();
    return;
  }
  if (Date.now() > deadline) {
    console.error(`${command} did not listen on ${port}`);
    process.exit(1);
  }
  setTimeout(probe, 20);
}

function listen() {
  createServer((client) => {
    const upstream = createConnection({ host: "127.0.0.1", port });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end);
    upstream.on("error", end);
    client.on("close", end);
    upstream.on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
  }).listen(socketPath, () => console.log("BRIDGE READY"));
}

process.on("SIGTERM", () => {
  server.kill("SIGKILL");
  process.exit(0);
});
probe();
