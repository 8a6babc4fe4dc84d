import { type Endpoint, factsFrom, parseEndpoint } from "@hardcheck/core";
import { probeTestDeps, type SlapdLab, startSlapdLab } from "@hardcheck/labs";
import { type LoopbackServer, startGarbageServer, startTarpitServer } from "@hardcheck/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LDAP_STARTTLS_OID, LdapCodecError, ldapStartTlsRequest, parseExtendedResponse } from "../codecs/ldap/start-tls.js";
import { tlsProbeSchemes } from "../connection/tls-stream.js";
import { type TlsHandshakeFacts, tlsHandshakeFacts, tlsHandshakeProbe } from "../tls-handshake/tls-handshake.probe.js";
import { type TlsVersionsSuitesFacts, tlsVersionsSuitesFacts, tlsVersionsSuitesProbe } from "../tls-versions-suites/tls-versions-suites.probe.js";
import { BUILTIN_NEGOTIATOR_TABLE } from "./builtin.js";

let slapd: SlapdLab;
const hostile = new Map<string, LoopbackServer>();

/** An ExtendedResponse for messageID 1 with the given resultCode and diagnosticMessage. */
function extendedResponse(resultCode: number, diagnostic: string): Buffer {
  const text = Buffer.from(diagnostic, "latin1");
  const operation = Buffer.concat([Buffer.from([0x0a, 0x01, resultCode, 0x04, 0x00, 0x04, text.length]), text]);
  const body = Buffer.concat([Buffer.from([0x02, 0x01, 0x01, 0x78, operation.length]), operation]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function deps() {
  return probeTestDeps({ trust: { caCertificates: [slapd.caPem] }, limits: { connectTimeoutMs: 1_000 } });
}

async function handshakeFacts(endpoint: Endpoint): Promise<TlsHandshakeFacts> {
  return factsFrom(tlsHandshakeFacts, await tlsHandshakeProbe.collect(endpoint, {}, deps()));
}

async function suitesFacts(endpoint: Endpoint): Promise<TlsVersionsSuitesFacts> {
  return factsFrom(tlsVersionsSuitesFacts, await tlsVersionsSuitesProbe.collect(endpoint, {}, deps()));
}

function hostileEndpoint(name: string): Endpoint {
  const server = hostile.get(name);
  if (!server) throw new Error(`no ${name} server`);
  return parseEndpoint(`ldap://127.0.0.1:${server.port}`);
}

beforeAll(async () => {
  slapd = await startSlapdLab("open");
  hostile.set("refusing", await startGarbageServer(extendedResponse(52, "TLS not configured")));
  hostile.set("http", await startGarbageServer("HTTP/1.1 400 Bad Request\r\n\r\n"));
  hostile.set("tarpit", await startTarpitServer());
}, 30_000);

afterAll(async () => {
  await Promise.all([slapd?.close(), ...[...hostile.values()].map((server) => server.close())]);
});

describe("ldap-starttls against real slapd", () => {
  it("hands tls-handshake the StartTLS-upgraded socket: the facts are those of slapd's lab certificate", async () => {
    const overStartTls = await handshakeFacts(parseEndpoint(`ldap://127.0.0.1:${slapd.ldapPort}`));
    const overLdaps = await handshakeFacts(parseEndpoint(`ldaps://127.0.0.1:${slapd.ldapsPort}`));

    expect(overStartTls["tls.leaf"].subject).toContain("CN=localhost");
    expect(overStartTls["tls.leaf"].subjectAltNames).toEqual(expect.arrayContaining(["DNS:localhost", "IP Address:127.0.0.1"]));
    expect(overStartTls["tls.hostname"]).toEqual({ name: "127.0.0.1", matches: true });
    expect(overStartTls["tls.trust"]).toEqual({ trusted: true, error: null, detail: null });
    // Same slapd, same certificate on both ports.
    expect(overStartTls["tls.leaf"]).toEqual(overLdaps["tls.leaf"]);
    expect(overStartTls["tls.chain"]).toEqual(overLdaps["tls.chain"]);
    expect(overStartTls["tls.handshake"].protocol).toBe(overLdaps["tls.handshake"].protocol);
  });

  it("lets tls-versions-suites scan over StartTLS and find what it finds on ldaps", async () => {
    const [overStartTls, overLdaps] = await Promise.all([
      suitesFacts(parseEndpoint(`ldap://127.0.0.1:${slapd.ldapPort}`)),
      suitesFacts(parseEndpoint(`ldaps://127.0.0.1:${slapd.ldapsPort}`)),
    ]);

    expect(overStartTls["tls.versions"]).toEqual(overLdaps["tls.versions"]);
    expect(overStartTls["tls.versions"].accepted).toContain("TLSv1.3");
    expect(overStartTls["tls.suites"].names).toEqual(overLdaps["tls.suites"].names);
    expect(overStartTls["tls.suites"].names.length).toBeGreaterThan(0);
  });

  it("is among the built-in negotiated schemes and the tls-handshake schemes", () => {
    expect(tlsProbeSchemes(BUILTIN_NEGOTIATOR_TABLE)).toContain("ldap");
    expect(tlsHandshakeProbe.meta.schemes).toContain("ldap");
  });
});

describe("ldap-starttls refusals and hostile servers", () => {
  it("makes the TLS probes not applicable when StartTLS is refused, naming the resultCode and the server's message", async () => {
    const reason = expect.stringMatching(/^no TLS to assess: ldap-starttls: StartTLS: server refused with resultCode 52: "TLS not configured"/);
    expect(await tlsHandshakeProbe.collect(hostileEndpoint("refusing"), {}, deps())).toEqual({ notApplicable: reason });
    expect(await tlsVersionsSuitesProbe.collect(hostileEndpoint("refusing"), {}, deps())).toEqual({ notApplicable: reason });
  });

  it("says the port does not speak LDAP when the answer is not an LDAPMessage", async () => {
    await expect(handshakeFacts(hostileEndpoint("http"))).rejects.toThrow(/not an LDAPMessage/);
  });

  it("gives up on a silent server within the reply timeout", async () => {
    const started = Date.now();
    await expect(handshakeFacts(hostileEndpoint("tarpit"))).rejects.toThrow(/no reply within 1000 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("ldap-starttls encoding", () => {
  it("writes the 31-byte ExtendedRequest of RFC 4511 §4.14.1", () => {
    const oid = Buffer.from(LDAP_STARTTLS_OID, "latin1").toString("hex");
    expect(ldapStartTlsRequest().toString("hex")).toBe(`301d02010177188016${oid}`);
  });

  it("waits for a whole message and reports where TLS begins", () => {
    const response = extendedResponse(0, "");
    expect(parseExtendedResponse(response.subarray(0, response.length - 1))).toBeNull();
    const withTls = Buffer.concat([response, Buffer.from([0x16, 0x03, 0x03])]);
    expect(parseExtendedResponse(withTls)).toEqual({ result: { messageId: 1, resultCode: 0, diagnosticMessage: "" }, length: response.length });
  });

  it("reads long-form lengths", () => {
    const diagnostic = "x".repeat(200);
    const text = Buffer.from(diagnostic);
    const operation = Buffer.concat([Buffer.from([0x0a, 0x01, 0x02, 0x04, 0x00, 0x04, 0x81, text.length]), text]);
    const body = Buffer.concat([Buffer.from([0x02, 0x01, 0x01, 0x78, 0x81, operation.length]), operation]);
    const message = Buffer.concat([Buffer.from([0x30, 0x81, body.length]), body]);
    expect(parseExtendedResponse(message)?.result).toEqual({ messageId: 1, resultCode: 2, diagnosticMessage: diagnostic });
  });
});

describe("ldap-starttls parser fuzz", () => {
  it("never throws anything but an LdapCodecError, whatever the bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseExtendedResponse(Buffer.from(bytes));
        } catch (error) {
          if (!(error instanceof LdapCodecError)) throw error;
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it("never throws anything but an LdapCodecError for bytes behind an LDAPMessage tag", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseExtendedResponse(Buffer.concat([Buffer.from([0x30, bytes.length & 0x7f]), bytes]));
        } catch (error) {
          if (!(error instanceof LdapCodecError)) throw error;
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
