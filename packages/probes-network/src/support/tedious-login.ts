/** Test-only: one login attempt by tedious, the real TDS client the fixtures are cross-checked with. */
import { Connection, type ConnectionOptions } from "tedious";

/**
 * Connects to 127.0.0.1:`port` as user `probe` with `options` and resolves, after the server has had
 * 50 ms to record what arrived, with tedious' connect error message ("" when it logged in).
 */
export async function tediousLogin(port: number, options: Omit<ConnectionOptions, "port">): Promise<string> {
  const failure = await new Promise<string>((resolve) => {
    const connection = new Connection({
      server: "127.0.0.1",
      options: { ...options, port, connectTimeout: 2_000 },
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
