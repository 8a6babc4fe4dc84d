import { type Endpoint, parseEndpoint } from "@hardcheck/core";
import { probeTestDeps } from "@hardcheck/labs";
import { type LoopbackServer, startFullBacklogServer, startRefusingPort, startResettingServer, startTarpitServer } from "@hardcheck/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TCP_SCHEMES, type TcpState, tcpConnectProbe, tcpStateOfConnectError } from "./tcp-connect.probe.js";

type ServerKind = "listening" | "refusing" | "resetting" | "full-backlog";

const servers = new Map<ServerKind, LoopbackServer>();

function endpointOf(kind: ServerKind, scheme = "tcp"): Endpoint {
  const server = servers.get(kind);
  if (!server) throw new Error(`no ${kind} server`);
  return parseEndpoint(`${scheme}://127.0.0.1:${server.port}`);
}

beforeAll(async () => {
  servers.set("listening", await startTarpitServer());
  servers.set("refusing", await startRefusingPort());
  servers.set("resetting", await startResettingServer());
  servers.set("full-backlog", await startFullBacklogServer());
});

afterAll(async () => {
  for (const server of servers.values()) await server.close();
});

describe("tcp-connect", () => {
  // Given a loopback server of each kind, when the probe connects, then it reports the port state.
  it.each<{ server: ServerKind; state: TcpState; measured: boolean }>([
    { server: "listening", state: "open", measured: true },
    { server: "refusing", state: "closed", measured: false },
    // The kernel completed the handshake before the listener reset it.
    { server: "resetting", state: "open", measured: true },
    // SYNs go unanswered, so the connect timeout decides.
    { server: "full-backlog", state: "filtered", measured: false },
  ])("reports $state for a $server port", async ({ server, state, measured }) => {
    const outcome = await tcpConnectProbe.collect(endpointOf(server), {}, probeTestDeps({ limits: { connectTimeoutMs: 300 } }));

    expect(outcome).toEqual({ facts: { "tcp.state": state, "tcp.latencyMs": measured ? expect.any(Number) : null } });
    if (measured && "facts" in outcome) {
      const latencyMs = outcome.facts["tcp.latencyMs"] as number;
      expect(latencyMs).toBeGreaterThanOrEqual(0);
      expect(latencyMs).toBeLessThan(300);
      expect(latencyMs).toBe(Math.round(latencyMs * 10) / 10);
    }
  });

  it("gives up on an unanswered port within the connect timeout", async () => {
    const started = performance.now();
    await tcpConnectProbe.collect(endpointOf("full-backlog"), {}, probeTestDeps({ limits: { connectTimeoutMs: 300 } }));
    const elapsedMs = performance.now() - started;

    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it("rejects and closes the socket when the signal aborts mid-connect", async () => {
    const controller = new AbortController();
    const pending = tcpConnectProbe.collect(endpointOf("full-backlog"), {}, probeTestDeps({ signal: controller.signal, limits: { connectTimeoutMs: 10_000 } }));
    setTimeout(() => controller.abort(new Error("scan cancelled")), 50);

    await expect(pending).rejects.toThrow("TCP connect aborted: scan cancelled");
  });

  it("rejects at once when the signal has already fired", async () => {
    const controller = new AbortController();
    controller.abort(new Error("scan cancelled"));

    await expect(tcpConnectProbe.collect(endpointOf("listening"), {}, probeTestDeps({ signal: controller.signal }))).rejects.toThrow(
      "TCP connect aborted: scan cancelled",
    );
  });

  it("says not-applicable for a scheme that does not run over TCP", async () => {
    const snmp = { ...endpointOf("listening"), scheme: "snmp" };

    expect(await tcpConnectProbe.collect(snmp, {}, probeTestDeps())).toEqual({ notApplicable: "snmp does not run over TCP" });
  });

  it("declares every TCP scheme hardcheck knows", () => {
    expect([...tcpConnectProbe.meta.schemes].sort()).toEqual([...TCP_SCHEMES].sort());
    expect(tcpConnectProbe.meta.schemes).not.toContain("snmp");
  });
});

describe("tcpStateOfConnectError", () => {
  it.each<{ code: string | undefined; state: TcpState | undefined }>([
    { code: "ECONNREFUSED", state: "closed" },
    { code: "ECONNRESET", state: "open" },
    { code: "EHOSTUNREACH", state: "filtered" },
    { code: "ENETUNREACH", state: "filtered" },
    { code: "ETIMEDOUT", state: "filtered" },
    // Errors that say nothing about the port stay errors.
    { code: "ENOTFOUND", state: undefined },
    { code: "EACCES", state: undefined },
    { code: undefined, state: undefined },
  ])("maps $code to $state", ({ code, state }) => {
    expect(tcpStateOfConnectError(code)).toBe(state);
  });
});
