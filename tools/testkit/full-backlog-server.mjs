/**
 * A port that swallows SYNs, as a filtering firewall does, made on loopback without privileges: a
 * listener (in a worker thread) that never accepts, with its small accept queue filled up front.
 */
import { connect } from "node:net";
import { Worker } from "node:worker_threads";

const QUEUE_PROBE_MS = 200;
const MAX_FILLERS = 16;

/**
 * Starts the server and fills its accept queue, so that further connects hang until they time out.
 *
 * @returns {Promise<import("./loopback.mjs").LoopbackServer>}
 */
export async function startFullBacklogServer() {
  const release = new SharedArrayBuffer(4);
  const worker = new Worker(new URL("./full-backlog-worker.mjs", import.meta.url), { workerData: { release } });
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  /** @type {number} */
  const port = await new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  /** @type {import("node:net").Socket[]} */
  const fillers = [];
  const close = async () => {
    for (const socket of fillers) socket.destroy();
    Atomics.store(new Int32Array(release), 0, 1);
    Atomics.notify(new Int32Array(release), 0);
    await exited;
  };
  // Connect until one attempt hangs: from then on the queue is full and every SYN is dropped.
  for (let attempt = 0; attempt < MAX_FILLERS; attempt++) {
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("error", () => {});
    fillers.push(socket);
    const connected = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), QUEUE_PROBE_MS);
      socket.once("connect", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!connected) return { port, close };
  }
  await close();
  throw new Error(`accept queue of 127.0.0.1:${port} did not fill after ${MAX_FILLERS} connections`);
}
