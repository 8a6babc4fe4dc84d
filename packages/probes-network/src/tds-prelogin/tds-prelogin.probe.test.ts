import { execFile } from "node:child_process";
import { type Endpoint, factsFrom, parseEndpoint } from "@hardcheck/core";
import { probeTestDeps, tediousLogin } from "@hardcheck/labs";
import { createTestPki, type LoopbackServer, startGarbageServer, startResettingServer, startTarpitServer } from "@hardcheck/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientPrelogin, frameTdsPacket, parsePreloginResponse, TDS_HEADER_BYTES } from "../codecs/tds/prelogin.js";
import { FIXTURE_ENCRYPTION, startTdsFixture, type TdsFixture, type TdsFixtureMode } from "./fixtures/tds-fixture.js";
import { type TdsPreloginFacts, tdsPreloginFacts, tdsPreloginProbe } from "./tds-prelogin.probe.js";

const fixtures = new Map<TdsFixtureMode, TdsFixture>();
const hostile = new Map<string, LoopbackServer>();

beforeAll(async () => {
  const leaf = createTestPki().issueLeaf({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"] });
  for (const mode of ["forced", "optional", "unsupported", "strict"] as const) fixtures.set(mode, await startTdsFixture(mode, leaf));
  hostile.set("reset", await startResettingServer());
  hostile.set("tarpit", await startTarpitServer());
  hostile.set("garbage", await startGarbageServer("HTTP/1.1 400 Bad Request\r\n\r\n"));
  // A header announcing 65 000 bytes: more than any pre-login packet may be.
  hostile.set("oversized", await startGarbageServer(Buffer.from([0x04, 0x01, 0xfd, 0xe8, 0, 0, 1, 0])));
});

afterAll(async () => {
  for (const fixture of fixtures.values()) await fixture.close();
  for (const server of hostile.values()) await server.close();
});

function endpointOf(mode: TdsFixtureMode): Endpoint {
  return parseEndpoint(`mssql://127.0.0.1:${fixtures.get(mode)?.port}`);
}

async function factsOf(endpoint: Endpoint): Promise<TdsPreloginFacts> {
  const outcome = await tdsPreloginProbe.collect(endpoint, {}, probeTestDeps({ limits: { connectTimeoutMs: 500 } }));
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(tdsPreloginFacts, outcome);
}

describe("tds-prelogin against the specification fixture (not a live SQL Server)", () => {
  it.each([
    { mode: "forced", encryptionMode: "forced" },
    { mode: "optional", encryptionMode: "login-only" },
    { mode: "unsupported", encryptionMode: "not-supported" },
  ] as const)("reads $mode encryption", async ({ mode, encryptionMode }) => {
    const facts = await factsOf(endpointOf(mode));

    expect(facts["mssql.prelogin"]).toEqual({
      answered: true,
      response: { version: "16.0.1000.0", encryption: FIXTURE_ENCRYPTION[mode], instanceAccepted: true, mars: false, fedAuthRequired: null },
      error: null,
    });
    expect(facts["mssql.encryptionMode"]).toBe(encryptionMode);
    expect(facts["mssql.strict"].tls).toBe(false);
  });

  it("recognises TDS 8.0 strict", async () => {
    const facts = await factsOf(endpointOf("strict"));

    expect(facts["mssql.encryptionMode"]).toBe("strict-only");
    expect(facts["mssql.prelogin"].answered).toBe(false);
    expect(facts["mssql.strict"]).toMatchObject({ tls: true, alpn: "tds/8.0", error: null });
  });
});

describe("the fixture agrees with real TDS clients", () => {
  // tedious reads the fixture's answer as a real server's: with encrypt=false it gives up on ENCRYPT_REQ
  // ("server requires encryption") and sends LOGIN7 in clear on ENCRYPT_NOT_SUP.
  it.each([
    { mode: "forced", next: "closed", message: /requires encryption/i },
    { mode: "unsupported", next: "login7-in-clear", message: /./ },
  ] as const)("tedious: $mode → $next", async ({ mode, next, message }) => {
    const fixture = fixtures.get(mode);
    if (!fixture) throw new Error("no fixture");
    const before = fixture.nextSteps.length;
    const failure = await tediousLogin(fixture.port, { encrypt: false, trustServerCertificate: true });
    expect(fixture.nextSteps.slice(before)).toEqual([next]);
    expect(failure).toMatch(message);
  });

  // tsql requests encryption when the server offers it: on a forced server it completes the TLS handshake inside PRELOGIN with the fixture and sends LOGIN7 through TLS.
  it.each([
    { mode: "forced", next: ["tls-handshake-in-prelogin", "login7-over-tls"] },
    { mode: "unsupported", next: ["login7-in-clear"] },
  ] as const)("FreeTDS tsql: $mode → $next", async ({ mode, next }) => {
    const fixture = fixtures.get(mode);
    if (!fixture) throw new Error("no fixture");
    const before = fixture.nextSteps.length;
    await new Promise<void>((resolve) => {
      const child = execFile(
        "tsql",
        ["-H", "127.0.0.1", "-p", String(fixture.port), "-U", "probe", "-P", "not-a-secret"],
        { timeout: 5_000, env: { ...process.env, TDSVER: "7.4" } },
        () => resolve(),
      );
      child.stdin?.end("quit\n");
    });
    expect(fixture.nextSteps.slice(before)).toEqual(next);
  });
});

describe("tds-prelogin against hostile servers", () => {
  it.each(["reset", "tarpit", "garbage", "oversized"])("fails with a reason for a %s server", async (name) => {
    const started = performance.now();
    await expect(
      tdsPreloginProbe.collect(parseEndpoint(`mssql://127.0.0.1:${hostile.get(name)?.port}`), {}, probeTestDeps({ limits: { connectTimeoutMs: 300 } })),
    ).rejects.toThrow(/TDS PRELOGIN: .+; TDS 8.0 strict: .+|ECONNRESET/);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("PRELOGIN parsing", () => {
  it("round-trips the client's own PRELOGIN table", () => {
    const packet = clientPrelogin();
    expect(frameTdsPacket(packet)).toBe(packet.length);
    const asResponse = Buffer.from(packet);
    asResponse.writeUInt8(0x04, 0);
    expect(parsePreloginResponse(asResponse)).toMatchObject({ version: "0.0.0.0", encryption: "ENCRYPT_OFF" });
  });

  it("never throws anything but an Error on arbitrary packets (fuzz)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const header = Buffer.from([0x04, 0x01, 0, 0, 0, 0, 1, 0]);
        header.writeUInt16BE(bytes.length + TDS_HEADER_BYTES, 2);
        try {
          parsePreloginResponse(Buffer.concat([header, Buffer.from(bytes)]));
          frameTdsPacket(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 3_000 },
    );
  });
});
