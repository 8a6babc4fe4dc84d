// @ts-check
// A site-specific probe in one file: reads the greeting a TCP service sends first (SSH, SMTP, FTP
// and many appliances announce themselves) so that rules can judge what it discloses.
import { connect } from "node:net";
import { defineProbe } from "@hardcheck/core";

/** @type {import("@hardcheck/core").EndpointProbe} */
export const bannerProbe = defineProbe({
  meta: {
    id: "service-banner",
    description: "Reads the first line a TCP service sends after connecting",
    schemes: ["tcp"],
    facts: [{ name: "banner.greeting", description: "The first line the service sent, without the line ending; empty if it sent nothing" }],
  },
  collect(endpoint, params, deps) {
    const waitMs = typeof params.waitMs === "number" ? params.waitMs : 2000;
    return new Promise((resolve, reject) => {
      let received = "";
      const socket = connect({ host: endpoint.host, port: endpoint.port, timeout: deps.limits.connectTimeoutMs });
      const finish = (/** @type {Error | undefined} */ error) => {
        socket.destroy();
        deps.signal.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve({ facts: { "banner.greeting": received.split(/\r?\n/)[0] ?? "" } });
      };
      const onAbort = () => finish(new Error("cancelled"));
      deps.signal.addEventListener("abort", onAbort, { once: true });
      socket.setEncoding("utf8");
      socket.on("connect", () => socket.setTimeout(waitMs));
      socket.on("data", (chunk) => {
        received += chunk;
        if (received.includes("\n") || received.length > 4096) finish(undefined);
      });
      // A silent service is an observation (empty greeting), not a failure.
      socket.on("timeout", () => (socket.connecting ? finish(new Error(`connect timed out after ${deps.limits.connectTimeoutMs} ms`)) : finish(undefined)));
      socket.on("end", () => finish(undefined));
      socket.on("error", (error) => finish(error));
    });
  },
});

/** @param {import("@hardcheck/core").PluginContext} context */
export function register(context) {
  context.registerProbe(bannerProbe);
}
