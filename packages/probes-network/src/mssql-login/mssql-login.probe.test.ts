/**
 * mssql-login against the TDS specification fixture (not a live SQL Server): the real mssql library
 * (tedious 19 underneath) logs in through TLS inside PRELOGIN and queries the fixture's session, so
 * the fixture's LOGIN7 and token encoding is the real client's.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { configFromObject, factsFrom, Hardcheck, type ProbeDeps, parseEndpoint } from "@hardcheck/core";
import { probeTestDeps, tediousLogin } from "@hardcheck/labs";
import { createTestPki, type LoopbackServer, startScriptedServer } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRELOGIN_OPTION, parsePreloginOptions, preloginPayload, TDS_HEADER_BYTES, TDS_PACKET, tdsPacket } from "../codecs/tds/prelogin.js";
import { register } from "../index.js";
import { startTdsFixture, type TdsFixture } from "../tds-prelogin/fixtures/tds-fixture.js";
import { readLogin7 } from "../tds-prelogin/fixtures/tds-session.js";
import { loadMssql, MSSQL_CREDENTIALS, type MssqlLoginFacts, mssqlLoginFacts, mssqlLoginProbe } from "./mssql-login.probe.js";

/** Answers a PRELOGIN asking for no encryption with ENCRYPT_OFF, and one asking for encryption (a client about to log in) with ENCRYPT_NOT_SUP — which MS-TDS does not allow — and records every LOGIN7 that arrives. */
async function startFickleServer(): Promise<LoopbackServer & { readonly logins: number }> {
  const state = { logins: 0 };
  const server = await startScriptedServer((socket) => {
    socket.on("data", (chunk: Buffer) => {
      if (chunk[0] === TDS_PACKET.login7) state.logins++;
      if (chunk[0] !== TDS_PACKET.preLogin) {
        socket.destroy();
        return;
      }
      const asked = parsePreloginOptions(chunk.subarray(TDS_HEADER_BYTES)).encryption;
      const answer = asked === "ENCRYPT_ON" ? 0x02 : 0x00;
      socket.write(tdsPacket(TDS_PACKET.tabularResult, preloginPayload([[PRELOGIN_OPTION.encryption, Buffer.from([answer])]])));
    });
  });
  return {
    port: server.port,
    close: server.close,
    get logins() {
      return state.logins;
    },
  };
}

const pki = createTestPki({ caCommonName: "hardcheck TDS session test CA" });
const leaf = pki.issueLeaf({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"] });
const account = { user: "hardcheck-audit", password: "Audit-Pass-Only-In-Tests-7" };
const fixtures = new Map<string, TdsFixture>();
const keyDir = mkdtempSync(join(tmpdir(), "hardcheck-mssql-login-"));

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
  rmSync(keyDir, { recursive: true, force: true });
});

function deps(password = "env:HC_TEST_MSSQL_PASSWORD", trusted = true): ProbeDeps {
  const base = probeTestDeps({ trust: { caCertificates: trusted ? [pki.caPem] : [] }, limits: { connectTimeoutMs: 2_000 } });
  return {
    ...base,
    target: { ...base.target, credentials: { [MSSQL_CREDENTIALS.username]: "env:HC_TEST_MSSQL_USER", [MSSQL_CREDENTIALS.password]: password } },
  };
}

// The lab certificate names localhost; the login checks the certificate against that name.
const endpoint = (name: string) => parseEndpoint(`mssql://127.0.0.1:${fixtures.get(name)?.port}`, { servername: "localhost" });

async function sessionsOf(name: string, probeDeps: ProbeDeps = deps()): Promise<MssqlLoginFacts["mssql.sessions"]> {
  const outcome = await mssqlLoginProbe.collect(endpoint(name), {}, probeDeps);
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(mssqlLoginFacts, outcome)["mssql.sessions"];
}

describe("mssql-login: a login through the mssql library (specification fixture, not a live SQL Server)", () => {
  it("reads its own session's and every session's encryption, and ForceEncryption", async () => {
    expect(await sessionsOf("forced")).toEqual({ ownSessionEncrypted: true, sessions: { total: 5, encrypted: 3, unencrypted: 2 }, forceEncryption: true });
  });

  it("leaves ForceEncryption null when the login may not read the registry", async () => {
    expect(await sessionsOf("optional")).toEqual({ ownSessionEncrypted: true, sessions: { total: 2, encrypted: 2, unencrypted: 0 }, forceEncryption: null });
  });

  it("is not applicable without credentials", async () => {
    const outcome = await mssqlLoginProbe.collect(endpoint("forced"), {}, probeTestDeps());

    expect(outcome).toMatchObject({ notApplicable: expect.stringContaining("mssql.username") });
  });

  it("fails on a refused login without quoting the password or the user name", async () => {
    const failure = mssqlLoginProbe.collect(endpoint("forced"), {}, deps("env:HC_TEST_MSSQL_WRONG"));

    await expect(failure).rejects.toThrow(/the server refused the login/);
    await expect(failure).rejects.not.toThrow(/not-the-password|hardcheck-audit/);
  });

  it("sends no credentials to a server whose certificate is not trusted", async () => {
    const fixture = fixtures.get("forced") as TdsFixture;
    const before = fixture.nextSteps.length;

    await expect(mssqlLoginProbe.collect(endpoint("forced"), {}, deps(undefined, false))).rejects.toThrow(/TLS failed .* credentials were not sent/);
    // The PRELOGIN look (no TLS started), then the login attempt that stopped in the handshake.
    expect(fixture.nextSteps.slice(before)).toEqual(["closed", "tls-handshake-in-prelogin"]);
  });

  // tedious, even with encrypt: true, answers ENCRYPT_NOT_SUP by sending LOGIN7 in clear text: the probe must not get that far.
  it("sends no credentials to a server without TLS", async () => {
    const fixture = fixtures.get("unsupported") as TdsFixture;
    const before = fixture.nextSteps.length;

    await expect(mssqlLoginProbe.collect(endpoint("unsupported"), {}, deps())).rejects.toThrow(/offers no TLS in PRELOGIN, so the credentials were not sent/);
    expect(fixture.nextSteps.slice(before)).not.toContain("login7-in-clear");
  });

  it("withholds the credentials when the server refuses TLS on the login's own connection", async () => {
    const fickle = await startFickleServer();
    try {
      // The hole being closed: tedious, encrypt: true, sends LOGIN7 in clear text after ENCRYPT_NOT_SUP.
      await tediousLogin(fickle.port, { encrypt: true, trustServerCertificate: true });
      expect(fickle.logins).toBe(1);

      await expect(mssqlLoginProbe.collect(parseEndpoint(`mssql://127.0.0.1:${fickle.port}`, { servername: "localhost" }), {}, deps())).rejects.toThrow(
        /answered the login's PRELOGIN with ENCRYPT_NOT_SUP instead of agreeing to TLS, so the credentials were not sent/,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fickle.logins).toBe(1);
    } finally {
      await fickle.close();
    }
  });

  it("withholds the credentials from a server named only by its IP address, and says to name it", async () => {
    const steps = fixtures.get("optional")?.nextSteps ?? [];
    const before = steps.length;
    await expect(mssqlLoginProbe.collect(parseEndpoint(`mssql://127.0.0.1:${fixtures.get("optional")?.port}`), {}, deps())).rejects.toThrow(
      /names the server only by its address 127\.0\.0\.1, .* \(servername: sql\.example\); the credentials were not sent/,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Only the PRELOGIN read that found TLS on offer; no login connection at all.
    expect(steps.slice(before).filter((step) => step.startsWith("login7"))).toEqual([]);
  });

  it("names the package to install when the optional mssql library is missing", async () => {
    const missing = Object.assign(new Error("Cannot find package 'mssql'"), { code: "ERR_MODULE_NOT_FOUND" });
    await expect(loadMssql(() => Promise.reject(missing))).rejects.toThrow(/the mssql package is not installed — run `npm install mssql@12`/);
    const broken = new Error("a bug inside the library");
    await expect(loadMssql(() => Promise.reject(broken))).rejects.toBe(broken);
    expect(typeof (await loadMssql()).ConnectionPool).toBe("function");
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

describe("NET-MSSQL-SESSIONS-ENCRYPTED through a scan", () => {
  it("fails where connections are unencrypted, passes where none are, and is not applicable without credentials", async () => {
    const packFile = fileURLToPath(new URL("../../../checklists/packs/network-baseline.yaml", import.meta.url));
    const caFile = join(keyDir, "ca.pem");
    writeFileSync(caFile, pki.caPem);
    const credentials = { [MSSQL_CREDENTIALS.username]: "env:HC_TEST_MSSQL_USER", [MSSQL_CREDENTIALS.password]: "env:HC_TEST_MSSQL_PASSWORD" };
    const config = configFromObject(
      {
        packs: [packFile],
        trust: { caFile },
        targets: [
          { id: "some-clear", endpoints: [{ url: `mssql://127.0.0.1:${fixtures.get("forced")?.port}`, servername: "localhost" }], credentials },
          { id: "all-encrypted", endpoints: [{ url: `mssql://127.0.0.1:${fixtures.get("optional")?.port}`, servername: "localhost" }], credentials },
          { id: "no-login", endpoints: [{ url: `mssql://127.0.0.1:${fixtures.get("optional")?.port}`, servername: "localhost" }] },
        ],
        limits: { connectTimeoutMs: 2_000 },
      },
      { baseDir: keyDir },
    );
    const report = await (await Hardcheck.create({ plugins: [register], config })).scan(config);
    const verdict = (target: string) => report.results.find((result) => result.target === target && result.ruleId === "NET-MSSQL-SESSIONS-ENCRYPTED");

    expect(verdict("some-clear")).toMatchObject({ status: "fail" });
    expect(verdict("all-encrypted")).toMatchObject({ status: "pass" });
    expect(verdict("no-login")?.status).toBe("not-applicable");
    expect(JSON.stringify(report)).not.toContain(account.password);
  });
});
