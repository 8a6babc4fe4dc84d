import { factsFrom, parseEndpoint } from "@hardcheck/core";
import { probeTestDeps } from "@hardcheck/labs";
import { type LoopbackServer, startGarbageServer, startResettingServer, startTarpitServer } from "@hardcheck/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConnectionConfirm,
  connectionRequest,
  encodeConnectionConfirm,
  frameTpkt,
  parseConnectionConfirm,
  requestedProtocolsOf,
} from "../codecs/rdp/x224.js";
import { type RdpFixture, type RdpFixturePolicy, startRdpFixture } from "./fixtures/rdp-fixture.js";
import { type RdpNegotiationFacts, rdpNegotiationFacts, rdpNegotiationProbe } from "./rdp-negotiation.probe.js";

const POLICIES: RdpFixturePolicy[] = ["nla-required", "tls-required", "negotiate", "rdp-only", "pre-negotiation"];
const fixtures = new Map<RdpFixturePolicy, RdpFixture>();
const hostile = new Map<string, LoopbackServer>();

beforeAll(async () => {
  for (const policy of POLICIES) fixtures.set(policy, await startRdpFixture(policy));
  hostile.set("reset", await startResettingServer());
  hostile.set("tarpit", await startTarpitServer());
  hostile.set("garbage", await startGarbageServer("SSH-2.0-OpenSSH_9.6\r\n"));
  // A TPKT header announcing 60 000 bytes, then the bytes: far beyond any Connection Confirm.
  hostile.set("oversized", await startGarbageServer(Buffer.concat([Buffer.from([3, 0, 0xea, 0x60]), Buffer.alloc(59_996, 0x41)])));
  // A well-framed TPKT whose X.224 code is a Data TPDU, not a Connection Confirm.
  hostile.set("wrong-tpdu", await startGarbageServer(Buffer.from([3, 0, 0, 11, 6, 0xf0, 0, 0, 0, 0, 0])));
});

afterAll(async () => {
  for (const fixture of fixtures.values()) await fixture.close();
  for (const server of hostile.values()) await server.close();
});

async function negotiationOf(port: number): Promise<RdpNegotiationFacts["rdp.negotiation"]> {
  const outcome = await rdpNegotiationProbe.collect(parseEndpoint(`rdp://127.0.0.1:${port}`), {}, probeTestDeps());
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(rdpNegotiationFacts, outcome)["rdp.negotiation"];
}

describe("rdp-negotiation against the MS-RDPBCGR fixture (specification, not a live RDP server)", () => {
  it.each<{
    policy: RdpFixturePolicy;
    selectedProtocol: string | null;
    nlaRequired: boolean;
    tlsOffered: boolean;
    legacyAccepted: boolean;
    failureCode: string | null;
  }>([
    { policy: "nla-required", selectedProtocol: "credssp-early-user-auth", nlaRequired: true, tlsOffered: true, legacyAccepted: false, failureCode: null },
    { policy: "tls-required", selectedProtocol: "credssp", nlaRequired: false, tlsOffered: true, legacyAccepted: false, failureCode: null },
    { policy: "negotiate", selectedProtocol: "credssp", nlaRequired: false, tlsOffered: true, legacyAccepted: true, failureCode: null },
    {
      policy: "rdp-only",
      selectedProtocol: null,
      nlaRequired: false,
      tlsOffered: false,
      legacyAccepted: true,
      failureCode: "SSL_NOT_ALLOWED_BY_SERVER",
    },
    { policy: "pre-negotiation", selectedProtocol: "standard-rdp-security", nlaRequired: false, tlsOffered: false, legacyAccepted: true, failureCode: null },
  ])("$policy", async ({ policy, ...expected }) => {
    const negotiation = await negotiationOf(fixtures.get(policy)?.port ?? 0);

    expect(negotiation).toMatchObject(expected);
    expect(negotiation.attempts).toHaveLength(3);
    expect(negotiation.attempts[0]?.requested).toEqual(["tls", "credssp", "credssp-early-user-auth"]);
  });

  it("records what each request asked for and got", async () => {
    const negotiation = await negotiationOf(fixtures.get("nla-required")?.port ?? 0);

    expect(negotiation.attempts).toEqual([
      { requested: ["tls", "credssp", "credssp-early-user-auth"], answer: "selected credssp-early-user-auth" },
      { requested: ["tls"], answer: "failure HYBRID_REQUIRED_BY_SERVER" },
      { requested: ["standard-rdp-security"], answer: "failure HYBRID_REQUIRED_BY_SERVER" },
    ]);
  });
});

describe("rdp-negotiation against hostile servers", () => {
  it.each([
    { server: "reset", reason: /ECONNRESET|closed/ },
    { server: "tarpit", reason: /no complete reply within 300 ms/ },
    { server: "garbage", reason: /first byte 0x53 is not a TPKT version 3 header/ },
    { server: "oversized", reason: /TPKT length 60000 is longer than an X\.224 Connection Confirm can be/ },
    { server: "wrong-tpdu", reason: /X\.224 code 0xf0 is not a Connection Confirm/ },
  ])("fails with a reason for a $server server", async ({ server, reason }) => {
    const port = hostile.get(server)?.port;
    const started = performance.now();
    await expect(
      rdpNegotiationProbe.collect(parseEndpoint(`rdp://127.0.0.1:${port}`), {}, probeTestDeps({ limits: { connectTimeoutMs: 300 } })),
    ).rejects.toThrow(reason);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("RDP negotiation wire format", () => {
  it("encodes the Connection Request laid out in MS-RDPBCGR §2.2.1.1 byte for byte", () => {
    // TPKT (version 3, length 19), X.224 CR (LI 14, code 0xe0, references and class zero), RDP_NEG_REQ for TLS|CredSSP; no cookie.
    expect(connectionRequest(0x3).toString("hex")).toBe("030000130ee000000000000100080003000000");
    expect(requestedProtocolsOf(connectionRequest(0xb))).toBe(0xb);
  });

  it("parses every well-formed Connection Confirm back to what was encoded (fuzz)", () => {
    const confirm: fc.Arbitrary<ConnectionConfirm> = fc.oneof(
      fc.record({ kind: fc.constant("response" as const), flags: fc.integer({ min: 0, max: 255 }), selectedProtocol: fc.nat() }),
      fc.record({ kind: fc.constant("failure" as const), failureCode: fc.nat() }),
      fc.constant({ kind: "no-negotiation" as const }),
    );
    fc.assert(
      fc.property(confirm, (value) => {
        const wire = encodeConnectionConfirm(value);
        expect(frameTpkt(wire)).toBe(wire.length);
        expect(parseConnectionConfirm(wire)).toEqual(value);
      }),
    );
  });

  it("never throws anything but an Error and never over-reads on arbitrary bytes (fuzz)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, tpktHeader) => {
        const buffer = Buffer.from(bytes);
        if (tpktHeader && buffer.length > 0) buffer[0] = 3;
        try {
          const length = frameTpkt(buffer);
          if (length !== null) {
            expect(length).toBeLessThanOrEqual(buffer.length);
            parseConnectionConfirm(buffer.subarray(0, length));
          }
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 3_000 },
    );
  });
});
