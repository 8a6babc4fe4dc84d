// Negotiators are registrations of one instance: a third-party negotiator makes that instance's TLS probes apply to its scheme, and no other's.
import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { Hardcheck, isEndpointProbe, type PluginContext, parseEndpoint } from "@hardcheck/core";
import { probeTestDeps } from "@hardcheck/labs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PreTlsNegotiator, TlsNotOfferedError } from "../connection/negotiation.js";
import { register as networkProbes } from "../index.js";
import { registerNegotiator } from "./registry.js";

const TLS_PROBES = ["tls-chain", "tls-handshake", "tls-ocsp", "tls-versions-suites"];

/** Reads the IMAP greeting and gives up: enough to show the TLS probes ran over this negotiator. */
const imapStartTls: PreTlsNegotiator = {
  id: "imap-starttls",
  description: "IMAP: reads the greeting (test negotiator)",
  async negotiate(socket) {
    const [greeting] = (await once(socket, "data")) as [Buffer];
    throw new TlsNotOfferedError("imap-starttls", `greeting "${greeting.toString("latin1").trim()}" offers no STARTTLS`);
  },
};

function imapPlugin(context: PluginContext): void {
  context.registerScheme({ name: "imap", defaultPort: 143 });
  registerNegotiator(context, "imap", imapStartTls);
}

let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((socket) => socket.end("* OK IMAP4rev1 ready\r\n"));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as { port: number }).port;
});

afterAll(() => {
  server.close();
});

describe("negotiators registered per instance", () => {
  it("make only their own instance's TLS probes serve the scheme", async () => {
    const withImap = await Hardcheck.create({ plugins: [networkProbes, imapPlugin] });
    const without = await Hardcheck.create({ plugins: [networkProbes] });
    for (const id of TLS_PROBES) {
      expect(withImap.registry.probes.get(id)?.meta).toMatchObject({ schemes: expect.arrayContaining(["imap", "smtp", "ldap", "mssql", "rdp", "tls"]) });
      expect(without.registry.probes.get(id)?.meta).not.toMatchObject({ schemes: expect.arrayContaining(["imap"]) });
    }
    // The built-in order stays: implicit-TLS schemes, then the negotiated ones as registered.
    expect(without.registry.probes.get("tls-handshake")?.meta).toMatchObject({
      schemes: ["tls", "https", "smtps", "ldaps", "sips", "smtp", "ldap", "mssql", "rdp"],
    });
    expect(withImap.registry.schemes.has("imap")).toBe(true);
    expect(without.registry.schemes.has("imap")).toBe(false);
  });

  it("run the instance's TLS probes over the third-party negotiator", async () => {
    const withImap = await Hardcheck.create({ plugins: [networkProbes, imapPlugin] });
    const handshake = withImap.registry.probes.get("tls-handshake");
    if (!handshake || !isEndpointProbe(handshake)) throw new Error("tls-handshake is not registered as an endpoint probe");
    const endpoint = parseEndpoint(`imap://127.0.0.1:${port}`, {}, withImap.registry.schemes);
    const outcome = await handshake.collect(endpoint, {}, probeTestDeps());
    expect(outcome).toMatchObject({ notApplicable: expect.stringContaining('imap-starttls: greeting "* OK IMAP4rev1 ready" offers no STARTTLS') });
  });
});
