import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { factsFrom, isHardcheckError, type JsonObject, type ProbeDeps, parseEndpoint } from "@hardcheck/core";
import { type NginxLab, probeTestDeps, SLAPD_ROOT_DN, type SlapdLab, type SnmpdLab, startNginxLab, startSlapdLab, startSnmpdLab } from "@hardcheck/labs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DefaultCredentialsFact, defaultCredentialsFacts, defaultCredentialsProbe, parseAccounts } from "./default-credentials.probe.js";

const ROOT_PASSWORD = "lab-Root-91c2";
const NGINX_PASSWORD = "lab-password";
let slapd: SlapdLab;
let snmpd: SnmpdLab;
let nginx: NginxLab;
/** Counts Authorization headers it receives: proof of how many tries reached a server. */
let countingServer: { server: Server; port: number; authorizations: string[] };

beforeAll(async () => {
  [slapd, snmpd, nginx] = await Promise.all([startSlapdLab("open", { rootPassword: ROOT_PASSWORD }), startSnmpdLab("community"), startNginxLab()]);
  const authorizations: string[] = [];
  const server = createServer((request, response) => {
    if (request.headers.authorization) authorizations.push(request.headers.authorization);
    response.writeHead(401, { "www-authenticate": 'Basic realm="lab"' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  countingServer = { server, port: (server.address() as AddressInfo).port, authorizations };
}, 30_000);

afterAll(async () => {
  await Promise.all([slapd?.close(), snmpd?.close(), nginx?.close()]);
  await new Promise<void>((resolve) => (countingServer ? countingServer.server.close(() => resolve()) : resolve()));
});

function depsFor(allowCredentialTries: boolean | undefined): ProbeDeps {
  const base = probeTestDeps({ limits: { connectTimeoutMs: 800 } });
  return { ...base, target: { ...base.target, ...(allowCredentialTries === undefined ? {} : { allowCredentialTries }) } };
}

async function factOf(url: string, params: JsonObject, deps: ProbeDeps): Promise<DefaultCredentialsFact> {
  const outcome = await defaultCredentialsProbe.collect(parseEndpoint(url), params, deps);
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(defaultCredentialsFacts, outcome).defaultCredentials;
}

const ldapAccounts = [
  { protocol: "ldap", label: "directory admin (vendor default)", user: "cn=admin,{base}", password: ROOT_PASSWORD },
  { protocol: "ldap", label: "directory manager", user: "cn=Manager,{base}", password: "secret" },
];

describe("default-credentials", () => {
  it("stays off unless the target allows credential tries, and sends nothing", async () => {
    for (const allowed of [undefined, false]) {
      const outcome = await defaultCredentialsProbe.collect(
        parseEndpoint(`http://127.0.0.1:${countingServer.port}`),
        { accounts: [{ protocol: "http", label: "admin", user: "admin", password: "admin" }] },
        depsFor(allowed),
      );
      expect(outcome).toEqual({ notApplicable: expect.stringContaining("allowCredentialTries") });
    }
    expect(countingServer.authorizations).toEqual([]);
  });

  it("binds to slapd once per account, fills {base}, and records no password", async () => {
    const fact = await factOf(`ldap://127.0.0.1:${slapd.ldapPort}`, { accounts: ldapAccounts }, depsFor(true));
    expect(fact).toEqual({
      protocol: "ldap",
      tries: [
        { label: "directory admin (vendor default)", account: SLAPD_ROOT_DN, outcome: "accepted", detail: null },
        { label: "directory manager", account: "cn=Manager,dc=lab,dc=test", outcome: "refused", detail: "invalidCredentials (49)" },
      ],
      accepted: ["directory admin (vendor default)"],
    });
    expect(JSON.stringify(fact)).not.toContain(ROOT_PASSWORD);
  });

  it("never tries one account twice in a scan, across ldap:// and ldaps:// and across parameter sets", async () => {
    const deps = depsFor(true);
    const first = await factOf(`ldaps://127.0.0.1:${slapd.ldapsPort}`, { accounts: ldapAccounts }, deps);
    expect(first.tries.map((entry) => entry.outcome)).toEqual(["accepted", "refused"]);
    // Same directory over ldap://, the admin listed again with another password: nothing is sent.
    const second = await factOf(
      `ldap://127.0.0.1:${slapd.ldapPort}`,
      { accounts: [{ protocol: "ldap", label: "admin, second guess", user: "cn=admin,{base}", password: "admin" }] },
      deps,
    );
    expect(second.tries).toEqual([
      { label: "admin, second guess", account: "cn=admin,{base}", outcome: "not-attempted", detail: "this account was already tried in this scan" },
    ]);
    expect(second.accepted).toEqual([]);
    // A new scan (new secret resolver) may try again.
    const nextScan = await factOf(`ldap://127.0.0.1:${slapd.ldapPort}`, { accounts: ldapAccounts.slice(0, 1) }, depsFor(true));
    expect(nextScan.accepted).toEqual(["directory admin (vendor default)"]);
  });

  it("tries SNMP communities once each over v2c and shows none of them", async () => {
    const fact = await factOf(
      `snmp://127.0.0.1:${snmpd.port}`,
      {
        accounts: [
          { protocol: "snmp", label: "factory read community", password: "public" },
          { protocol: "snmp", label: "factory write community", password: "lab-unknown-community" },
          { protocol: "ldap", label: "not for SNMP", user: "cn=x", password: "y" },
        ],
      },
      depsFor(true),
    );
    expect(fact).toEqual({
      protocol: "snmp",
      tries: [
        { label: "factory read community", account: "(community)", outcome: "accepted", detail: null },
        { label: "factory write community", account: "(community)", outcome: "no-answer", detail: expect.any(String) },
      ],
      accepted: ["factory read community"],
    });
    expect(JSON.stringify(fact)).not.toMatch(/public|lab-unknown-community/);
  });

  it("tries HTTP Basic against nginx only where Basic is asked for", async () => {
    const accounts = [
      { protocol: "http", label: "lab account", user: "lab", password: NGINX_PASSWORD },
      { protocol: "http", label: "appliance admin", user: "admin", password: "admin" },
    ];
    const fact = await factOf(`http://127.0.0.1:${nginx.ports.plain}`, { accounts, httpPath: "/ews/" }, depsFor(true));
    expect(fact.tries).toEqual([
      { label: "lab account", account: "lab", outcome: "accepted", detail: "status 200" },
      { label: "appliance admin", account: "admin", outcome: "refused", detail: "status 401" },
    ]);
    expect(fact.accepted).toEqual(["lab account"]);
    expect(JSON.stringify(fact)).not.toContain(NGINX_PASSWORD);

    // HTTPS, and a path without Basic: no password is sent at all.
    const open = await factOf(`https://127.0.0.1:${nginx.ports.tls}`, { accounts, httpPath: "/" }, depsFor(true));
    expect(open.tries.map((entry) => entry.outcome)).toEqual(["not-attempted", "not-attempted"]);
    expect(open.tries[0]?.detail).toBe("/ asks for no Basic authentication (status 200)");
  });

  it("sends exactly one Authorization per account, however often the account is listed", async () => {
    countingServer.authorizations.length = 0;
    const deps = depsFor(true);
    const accounts = [
      { protocol: "http", label: "admin/admin", user: "admin", password: "admin" },
      { protocol: "http", label: "admin/password", user: "admin", password: "password" },
    ];
    const url = `http://127.0.0.1:${countingServer.port}`;
    const [first, second] = await Promise.all([factOf(url, { accounts }, deps), factOf(url, { accounts, httpPath: "/admin" }, deps)]);
    expect(countingServer.authorizations).toHaveLength(1);
    expect([...first.tries, ...second.tries].filter((entry) => entry.outcome === "refused")).toHaveLength(1);
  });

  it("makes an unreachable directory an error, not an empty list of accepted accounts", async () => {
    await slapd.close();
    await expect(factOf(`ldap://127.0.0.1:${slapd.ldapPort}`, { accounts: ldapAccounts }, depsFor(true))).rejects.toThrow(/LDAP ldap:\/\/127\.0\.0\.1/);
  });

  it("refuses malformed account lists with a configuration error", () => {
    for (const bad of ["admin", [{ protocol: "ftp", label: "x", user: "a", password: "b" }], [{ protocol: "http", label: "x", password: "b" }]]) {
      let thrown: unknown;
      try {
        parseAccounts(bad);
      } catch (error) {
        thrown = error;
      }
      expect(isHardcheckError(thrown) && thrown.code).toBe("HC_CONFIG_INVALID");
    }
    expect(parseAccounts(undefined)).toEqual([]);
  });
});
