import { createSocket, type Socket } from "node:dgram";
import { factsFrom, parseEndpoint } from "@hardcheck/core";
import { type KamailioLab, probeTestDeps, startKamailioLab } from "@hardcheck/labs";
import { type LoopbackServer, startGarbageServer, startRefusingPort, startResettingServer, startTarpitServer } from "@hardcheck/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SipFacts, sipFacts, sipProbe } from "./sip.probe.js";
import { frameSipResponse, optionsRequest, parseSipResponse } from "./sip-message.js";

let kamailio: KamailioLab;
const hostile = new Map<string, LoopbackServer>();
let udpGarbage: { port: number; close(): Promise<void> };

beforeAll(async () => {
  kamailio = await startKamailioLab();
  hostile.set("refused", await startRefusingPort());
  hostile.set("reset", await startResettingServer());
  hostile.set("tarpit", await startTarpitServer());
  hostile.set("garbage", await startGarbageServer("SSH-2.0-OpenSSH_9.6\r\n"));
  hostile.set("oversized", await startGarbageServer(`SIP/2.0 200 OK\r\nX-Filler: ${"x".repeat(70_000)}\r\n\r\n`));
  const socket: Socket = createSocket("udp4");
  socket.on("message", (_message, remote) => socket.send("HTTP/1.1 400 Bad Request\r\n\r\n", remote.port, remote.address));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  udpGarbage = { port: socket.address().port, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}, 30_000);

afterAll(async () => {
  await kamailio?.close();
  for (const server of hostile.values()) await server.close();
  await udpGarbage?.close();
});

async function factsOf(port: number, connectTimeoutMs = 2_000): Promise<SipFacts> {
  const outcome = await sipProbe.collect(parseEndpoint(`sip://127.0.0.1:${port}`), {}, probeTestDeps({ limits: { connectTimeoutMs } }));
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(sipFacts, outcome);
}

describe("sip against Kamailio", () => {
  it("sees OPTIONS answered over TCP and UDP", async () => {
    const facts = await factsOf(kamailio.port);
    const expected = { answered: true, status: 200, reason: "OK", server: kamailio.serverHeader, allow: ["INVITE", "ACK", "CANCEL", "OPTIONS", "BYE"] };

    expect(facts["sip.tcp"]).toEqual({ state: "open", ...expected });
    expect(facts["sip.udp"]).toEqual({ state: "answered", ...expected });
  });

  it("reports a closed port as closed on both transports", async () => {
    const facts = await factsOf(hostile.get("refused")?.port ?? 0);

    expect(facts["sip.tcp"]).toMatchObject({ state: "closed", answered: false });
    expect(facts["sip.udp"]).toMatchObject({ state: "closed", answered: false });
  });
});

describe("sip against hostile servers", () => {
  it.each([
    { server: "reset", reason: /ECONNRESET|closed/ },
    { server: "tarpit", reason: /SIP OPTIONS over TCP: no complete reply within 300 ms/ },
    { server: "garbage", reason: /"SSH-2\.0-OpenSSH_9\.6\?\?" is not a SIP response/ },
    { server: "oversized", reason: /longer than 65536/ },
  ])("fails with a reason for a $server TCP server", async ({ server, reason }) => {
    const started = performance.now();
    await expect(factsOf(hostile.get(server)?.port ?? 0, 300)).rejects.toThrow(reason);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("fails with a reason when UDP answers with something that is not SIP", async () => {
    await expect(factsOf(udpGarbage.port, 300)).rejects.toThrow(/SIP OPTIONS over UDP: "HTTP\/1\.1 400 Bad Request" is not a SIP status line/);
  });
});

describe("SIP messages", () => {
  it("writes an OPTIONS request with Via rport and an empty body", () => {
    const request = optionsRequest("::1", 5060, { transport: "UDP", localAddress: "::1", localPort: 40000 });

    expect(request).toMatch(/^OPTIONS sip:\[::1\]:5060 SIP\/2\.0\r\nVia: SIP\/2\.0\/UDP \[::1\]:40000;branch=z9hG4bK[0-9a-f]{16};rport\r\n/);
    expect(request.endsWith("Content-Length: 0\r\n\r\n")).toBe(true);
  });

  it("frames a response with a body by its compact Content-Length", () => {
    const wire = Buffer.from("SIP/2.0 200 OK\r\nl: 4\r\nAllow: OPTIONS\r\n\r\nbodyNEXT");
    expect(frameSipResponse(wire)).toBe(wire.length - 4);
    expect(parseSipResponse(wire.subarray(0, wire.length - 4)).headers).toEqual({ "content-length": "4", allow: "OPTIONS" });
  });

  it("never throws anything but an Error and never over-reads (fuzz)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.boolean(), (text, sipPrefix) => {
        const buffer = Buffer.from(sipPrefix ? `SIP/2.0 ${text}` : text, "latin1");
        try {
          const length = frameSipResponse(buffer);
          if (length !== null) {
            expect(length).toBeLessThanOrEqual(buffer.length);
            parseSipResponse(buffer.subarray(0, length));
          }
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
