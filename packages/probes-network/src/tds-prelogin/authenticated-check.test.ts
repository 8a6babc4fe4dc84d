/**
 * The authenticated SQL Server check against the TDS specification fixture (not a live SQL Server):
 * the real mssql library (tedious 19 underneath) logs in through TLS inside PRELOGIN and queries the
 * fixture's session, so the fixture's LOGIN7 and token encoding is the real client's.
 */
import { type ProbeDeps, parseEndpoint } from "@hardcheck/core";
import { createTestPki } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeTestDeps } from "../support/probe-test-deps.js";
import { authenticatedCheck, MSSQL_CREDENTIALS } from "./authenticated-check.js";
import { startTdsFixture, type TdsFixture } from "./fixtures/tds-fixture.js";
import { readLogin7 } from "./fixtures/tds-session.js";
import { type TdsPreloginFacts, tdsPreloginProbe } from "./tds-prelogin.probe.js";

const pki = createTestPki({ caCommonName: "hardcheck TDS session test CA" });
const leaf = pki.issueLeaf({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"] });
const account = { user: "hardcheck-audit", password: "Audit-Pass-Only-In-Tests-7" };
const fixtures = new Map<string, TdsFixture>();

beforeAll(async () => {
  process.env.HC_TEST_MSSQL_USER = account.user;
  process.env.HC_TEST_MSSQL_PASSWORD = account.password;
  process.env.HC_TEST_MSSQL_WRONG = "not-the-password";
  fixtures.set("forced", await startTdsFixture("forced", leaf, { account, sessions: { total: 5, encrypted: 3 }, forceEncryption: 1 }));
  fixtures.set("optional", await startTdsFixture("optional", leaf, { account, sessions: { total: 2, encrypted: 2 }, forceEncryption: null }));
  fixtures.set("unsupported", await startTdsFixture("unsupported", leaf));
});

afterAll(async () => {
  for (const fixture of fixtures.values()) await fixture.close();
});

function deps(password = "env:HC_TEST_MSSQL_PASSWORD", trusted = true): ProbeDeps {
  const base = probeTestDeps({ trust: { caCertificates: trusted ? [pki.caPem] : [] }, limits: { connectTimeoutMs: 2_000 } });
  return {
    ...base,
    target: { ...base.target, credentials: { [MSSQL_CREDENTIALS.username]: "env:HC_TEST_MSSQL_USER", [MSSQL_CREDENTIALS.password]: password } },
  };
}

const endpoint = (name: string) => parseEndpoint(`mssql://127.0.0.1:${fixtures.get(name)?.port}`);

describe("mssql.sessions: a login through the mssql library (specification fixture, not a live SQL Server)", () => {
  it("reads its own session's, every session's encryption and ForceEncryption", async () => {
    const fact = await authenticatedCheck(endpoint("forced"), deps(), "forced");

    expect(fact).toEqual({
      outcome: "checked",
      detail: null,
      ownSessionEncrypted: true,
      sessions: { total: 5, encrypted: 3, unencrypted: 2 },
      forceEncryption: true,
    });
  });

  it("leaves ForceEncryption null when the login may not read the registry", async () => {
    const fact = await authenticatedCheck(endpoint("optional"), deps(), "login-only");

    expect(fact).toMatchObject({ outcome: "checked", sessions: { total: 2, encrypted: 2, unencrypted: 0 }, forceEncryption: null });
  });

  it("reports a refused login without the password or the user name", async () => {
    const fact = await authenticatedCheck(endpoint("forced"), deps("env:HC_TEST_MSSQL_WRONG"), "forced");

    expect(fact).toMatchObject({ outcome: "rejected", detail: "login refused", ownSessionEncrypted: null });
    expect(JSON.stringify(fact)).not.toMatch(/not-the-password|hardcheck-audit/);
  });

  it("sends no credentials to a server whose certificate is not trusted", async () => {
    const fixture = fixtures.get("forced") as TdsFixture;
    const before = fixture.nextSteps.length;
    const fact = await authenticatedCheck(endpoint("forced"), deps(undefined, false), "forced");

    expect(fact.outcome).toBe("tls-failed");
    expect(fixture.nextSteps.slice(before)).toEqual(["tls-handshake-in-prelogin"]);
  });

  // tedious, even with encrypt: true, answers ENCRYPT_NOT_SUP by sending LOGIN7 in clear text: the check must not get that far.
  it("sends no credentials to a server without TLS", async () => {
    const fixture = fixtures.get("unsupported") as TdsFixture;
    const before = fixture.nextSteps.length;
    const outcome = await tdsPreloginProbe.collect(endpoint("unsupported"), {}, deps());
    if (!("facts" in outcome)) throw new Error("expected facts");

    expect((outcome.facts as unknown as TdsPreloginFacts)["mssql.sessions"]).toMatchObject({
      outcome: "tls-failed",
      detail: expect.stringMatching(/credentials withheld/),
    });
    expect(fixture.nextSteps.slice(before)).toEqual(["closed"]);
  });

  it("is part of the tds-prelogin facts, and not-configured without credentials", async () => {
    const withLogin = await tdsPreloginProbe.collect(endpoint("forced"), {}, deps());
    const without = await tdsPreloginProbe.collect(endpoint("forced"), {}, probeTestDeps());
    if (!("facts" in withLogin) || !("facts" in without)) throw new Error("expected facts");

    expect((withLogin.facts as unknown as TdsPreloginFacts)["mssql.sessions"].outcome).toBe("checked");
    expect((without.facts as unknown as TdsPreloginFacts)["mssql.sessions"]).toEqual({
      outcome: "not-configured",
      detail: null,
      ownSessionEncrypted: null,
      sessions: null,
      forceEncryption: null,
    });
  });

  it("decodes the LOGIN7 password obfuscation (MS-TDS §2.2.6.4) as tedious encodes it", () => {
    const password = Buffer.from("Pw!", "utf16le").map((byte) => (((byte & 0x0f) << 4) | (byte >> 4)) ^ 0xa5);
    const user = Buffer.from("sa", "utf16le");
    const payload = Buffer.alloc(94 + user.length + password.length);
    payload.writeUInt16LE(94, 40);
    payload.writeUInt16LE(2, 42);
    payload.writeUInt16LE(94 + user.length, 44);
    payload.writeUInt16LE(3, 46);
    user.copy(payload, 94);
    Buffer.from(password).copy(payload, 94 + user.length);

    expect(readLogin7(payload)).toEqual({ user: "sa", password: "Pw!" });
  });
});
