/** Worker half of `startFullBacklogServer`: listens, reports its port, then blocks so nothing is ever accepted. */
import { createServer } from "node:net";
import { parentPort, workerData } from "node:worker_threads";

const server = createServer();
server.listen({ host: "127.0.0.1", port: 0, backlog: 1 }, () => {
  const address = server.address();
  parentPort?.postMessage(address !== null && typeof address === "object" ? address.port : 0);
  // A blocked event loop never calls accept(); the kernel queues a connection or two, then drops SYNs.
  Atomics.wait(new Int32Array(workerData.release), 0, 0);
  server.close();
});
