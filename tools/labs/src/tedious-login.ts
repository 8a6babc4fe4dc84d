/** Test-only: one login attempt by tedious, the real TDS client the fixtures are cross-checked with. */
import { connect, type Socket } from "node:net";
import { Connection, type ConnectionOptions } from "tedious";

/**
 * Connects to 127.0.0.1:`port` as user `probe` with `options` and resolves, after the server has had
 * 50 ms to record what arrived, with tedious' connect error message ("" when it logged in). The server
 * is named `localhost` (the lab certificates carry it): tedious would send an IP address as SNI.
 */
export async function tediousLogin(port: number, options: Omit<ConnectionOptions, "port">): Promise<string> {
  const failure = await new Promise<string>((resolve) => {
    const connection = new Connection({
      server: "localhost",
      options: {
        ...options,
        port,
        connectTimeout: 2_000,
        connector: () =>
          new Promise<Socket>((resolveSocket, rejectSocket) => {
            const socket = connect({ host: "127.0.0.1", port }, () => resolveSocket(socket));
            socket.once("error", rejectSocket);
          }),
      },
      authentication: { type: "default", options: { userName: "probe", password: "not-a-secret" } },
    });
    connection.on("connect", (error) => {
      connection.close();
      resolve(error?.message ?? "");
    });
    connection.on("error", (error) => resolve(error.message));
    connection.on("end", () => resolve("connection ended"));
    connection.connect();
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  return failure;
}
