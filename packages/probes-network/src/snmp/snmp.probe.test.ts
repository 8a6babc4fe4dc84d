import { createSocket, type Socket } from "node:dgram";
import { factsFrom, type ProbeDeps, parseEndpoint } from "@hardcheck/core";
import { probeTestDeps, reserveLoopbackUdpPort, type SnmpdLab, startSnmpdLab } from "@hardcheck/labs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SnmpFacts, snmpFacts, snmpProbe } from "./snmp.probe.js";

let communityAgent: SnmpdLab;
let v3Agent: SnmpdLab;
const hostile = new Map<string, { port: number; close(): Promise<void> }>();

/** A UDP responder on 127.0.0.1 that answers every datagram with `reply` (or stays silent when null). */
async function startUdpResponder(reply: Buffer | null): Promise<{ port: number; close(): Promise<void> }> {
  const socket: Socket = createSocket("udp4");
  socket.on("message", (_message, remote) => {
    if (reply !== null) socket.send(reply, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  return { port: socket.address().port, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

beforeAll(async () => {
  [communityAgent, v3Agent] = await Promise.all([startSnmpdLab("community"), startSnmpdLab("v3-only")]);
  hostile.set("silent", await startUdpResponder(null));
  hostile.set("garbage", await startUdpResponder(Buffer.from("SSH-2.0-OpenSSH_9.6\r\n")));
  // Starts like a BER SEQUENCE with a length far past the datagram: a parser that trusts lengths would over-read.
  hostile.set("oversized", await startUdpResponder(Buffer.concat([Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff]), Buffer.alloc(60_000, 0x41)])));
  const closedPort = await reserveLoopbackUdpPort();
  hostile.set("closed", { port: closedPort, close: async () => {} });
}, 30_000);

afterAll(async () => {
  await communityAgent?.close();
  await v3Agent?.close();
  for (const server of hostile.values()) await server.close();
});

function depsWith(credentials?: Record<string, string>): ProbeDeps {
  const base = probeTestDeps({ limits: { connectTimeoutMs: 800 } });
  return { ...base, target: { ...base.target, ...(credentials ? { credentials } : {}) } };
}

async function factsOf(port: number, deps: ProbeDeps, params = {}): Promise<SnmpFacts> {
  const outcome = await snmpProbe.collect(parseEndpoint(`snmp://127.0.0.1:${port}`), params, deps);
  if (!("facts" in outcome)) throw new Error(`expected facts, got ${JSON.stringify(outcome)}`);
  return factsFrom(snmpFacts, outcome);
}

function v3Credentials(): Record<string, string> {
  process.env.HC_TEST_SNMP_USER = v3Agent.v3.user;
  process.env.HC_TEST_SNMP_AUTH = v3Agent.v3.authKey;
  process.env.HC_TEST_SNMP_PRIV = v3Agent.v3.privKey;
  return { "snmp.user": "env:HC_TEST_SNMP_USER", "snmp.authKey": "env:HC_TEST_SNMP_AUTH", "snmp.privKey": "env:HC_TEST_SNMP_PRIV" };
}

describe("snmp against Debian snmpd", () => {
  it("reports public answered over v1 and v2c, private and listed communities unanswered", async () => {
    const facts = await factsOf(communityAgent.port, depsWith(), { communities: ["s3cret-lab", "public"] });

    expect(facts["snmp.communities"]).toEqual({
      tried: ["public", "private", "s3cret-lab"],
      accepted: ["public"],
      v1Accepted: ["public"],
      v2cAccepted: ["public"],
    });
    expect(facts["snmp.sysDescr"]).toBe(communityAgent.sysDescr);
    // A net-snmp agent answers v3 discovery even when it has no v3 user.
    expect(facts["snmp.v3"].engineDiscovered).toBe(true);
    expect(facts["snmp.v3"].noAuthNoPrivAccepted).toBe(false);
    expect(facts["snmp.v3"].noAuthNoPriv).toEqual([{ user: "initial", outcome: "refused", detail: "Unknown User Name" }]);
    expect(facts["snmp.v3"].authPriv).toEqual({ user: "(configured user)", outcome: "not-configured", detail: null });
    expect(facts["snmp.v3"].authNoPrivAccepted).toBeNull();
  });

  it("reports the v3-only agent: no community, engine id, noAuthNoPriv and authNoPriv refused, authPriv accepted", async () => {
    const facts = await factsOf(v3Agent.port, depsWith(v3Credentials()));

    expect(facts["snmp.communities"].accepted).toEqual([]);
    const v3 = facts["snmp.v3"];
    // net-snmp text engine ids: enterprise 8072 with the text format (0x80001f8804) followed by the text.
    expect(v3.engineId).toBe(`80001f8804${Buffer.from(v3Agent.engineIdText).toString("hex")}`);
    expect(v3.engineDiscovered).toBe(true);
    expect(v3.noAuthNoPrivAccepted).toBe(false);
    expect(v3.noAuthNoPriv.map((entry) => [entry.user, entry.outcome])).toEqual([
      ["(configured user)", "refused"],
      ["initial", "refused"],
    ]);
    expect(v3.authNoPrivAccepted).toBe(false);
    expect(v3.authNoPriv.outcome).toBe("refused");
    expect(v3.authPriv).toEqual({ user: "(configured user)", outcome: "accepted", detail: null });
    expect(facts["snmp.sysDescr"]).toBe(v3Agent.sysDescr);
    const serialized = JSON.stringify(facts);
    for (const secret of [v3Agent.v3.user, v3Agent.v3.authKey, v3Agent.v3.privKey]) expect(serialized).not.toContain(secret);
  });

  it("reports a wrong authentication pass phrase as authPriv refused", async () => {
    const credentials = v3Credentials();
    process.env.HC_TEST_SNMP_WRONG_AUTH = "not-the-auth-phrase";
    const facts = await factsOf(v3Agent.port, depsWith({ ...credentials, "snmp.authKey": "env:HC_TEST_SNMP_WRONG_AUTH" }));

    expect(facts["snmp.v3"].authPriv.outcome).toBe("refused");
    expect(facts["snmp.v3"].authPriv.detail).toMatch(/Wrong Digest/);
    expect(JSON.stringify(facts)).not.toContain("not-the-auth-phrase");
  });
});

describe("snmp against hostile or absent agents", () => {
  it.each([
    { server: "silent", reason: /no answer from 127\.0\.0\.1:\d+ within 300 ms/ },
    { server: "closed", reason: /no answer from 127\.0\.0\.1:\d+ within 300 ms/ },
    { server: "garbage", reason: /answered with datagrams that are not SNMP messages/ },
    { server: "oversized", reason: /answered with datagrams that are not SNMP messages/ },
  ])("fails with a reason for a $server port", async ({ server, reason }) => {
    const port = hostile.get(server)?.port ?? 0;
    const started = performance.now();
    await expect(snmpProbe.collect(parseEndpoint(`snmp://127.0.0.1:${port}`), {}, probeTestDeps({ limits: { connectTimeoutMs: 300 } }))).rejects.toThrow(
      reason,
    );
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("stops at once when the scan aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("probe timeout")), 100);
    const started = performance.now();
    await expect(
      snmpProbe.collect(parseEndpoint(`snmp://127.0.0.1:${hostile.get("silent")?.port}`), {}, probeTestDeps({ signal: controller.signal })),
    ).rejects.toThrow(/aborted: probe timeout/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("refuses communities given as anything but a list of strings", async () => {
    await expect(snmpProbe.collect(parseEndpoint(`snmp://127.0.0.1:${communityAgent.port}`), { communities: "public" }, depsWith())).rejects.toThrow(
      /lists of strings/,
    );
  });
});
