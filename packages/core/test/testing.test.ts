// @hardcheck/core/testing: the probe tester, the fake host, the scripted server and the declared-facts check.
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { defineProbe, type EndpointProbe, type HostProbe, type JsonValue } from "../src/index.js";
import {
  checkDeclaredFacts,
  factsOf,
  fakeHost,
  type HostSubject,
  PROBE_TEST_NOW,
  ProbeContractError,
  type ProbeTestCase,
  ProbeTester,
  type ScriptedServer,
  startScriptedServer,
  testEndpoint,
  testProbeDeps,
} from "../src/testing/index.js";

/** Reads /etc/motd and runs `uname -r`; says not-applicable when there is no motd. */
const motdProbe: HostProbe = defineProbe({
  meta: {
    id: "motd",
    description: "Reads the message of the day",
    transports: ["local", "root"],
    facts: [
      { name: "motd.text", description: "The motd" },
      { name: "motd.kernel", description: "uname -r, when the host can run commands" },
      { name: "motd.checkedAt", description: "The probe's clock" },
    ],
  },
  async collect(_host, _params, deps) {
    const text = await deps.transport.readFile("/etc/motd");
    if (text === undefined) return { notApplicable: "no /etc/motd on the host" };
    const kernel = deps.transport.canExec ? (await deps.transport.exec(["uname", "-r"])).stdout.trim() : null;
    return { facts: { "motd.text": text, "motd.kernel": kernel, "motd.checkedAt": deps.clock.now().toISOString() } };
  },
});

/** Reads the greeting line, then says HELO and reads the answer. */
const greetingProbe: EndpointProbe = defineProbe({
  meta: {
    id: "greeting",
    description: "Reads a line-based service's greeting and its answer to HELO",
    schemes: ["tcp", "acme"],
    facts: [
      { name: "greeting.first", description: "The first line" },
      { name: "greeting.helo", description: "The answer to HELO" },
    ],
  },
  collect: (endpoint, _params, deps) =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: endpoint.host, port: endpoint.port, timeout: deps.limits.connectTimeoutMs });
      const lines: string[] = [];
      let buffered = "";
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => {
        buffered += chunk;
        for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
          lines.push(buffered.slice(0, newline).replace(/\r$/, ""));
          buffered = buffered.slice(newline + 1);
          if (lines.length === 1) socket.write("HELO probe\r\n");
          if (lines.length === 2) {
            socket.end();
            resolve({ facts: { "greeting.first": lines[0] ?? "", "greeting.helo": lines[1] ?? "" } });
          }
        }
      });
      socket.on("timeout", () => {
        socket.destroy();
        reject(new Error("timed out"));
      });
      socket.on("error", reject);
      socket.on("end", () => resolve({ facts: { "greeting.first": lines[0] ?? "", "greeting.helo": lines[1] ?? "" } }));
    }),
});

/** A probe that returns whatever the test gives it. */
function returning(facts: Record<string, unknown>): HostProbe {
  return defineProbe({
    meta: { id: "returning", description: "Returns what it is given", transports: ["root"], facts: [{ name: "a.value", description: "A value" }] },
    collect: async () => ({ facts: facts as Record<string, JsonValue> }),
  });
}

describe("ProbeTester on a fake host", () => {
  const tester = new ProbeTester();
  const cases: ProbeTestCase<HostSubject>[] = [
    { name: "files only", subject: { files: { "/etc/motd": "hello\n" } }, facts: { "motd.text": "hello\n", "motd.kernel": null } },
    {
      name: "files and a recorded command",
      subject: { files: { "/etc/motd": "hi\n" }, commands: { "uname -r": { stdout: "6.1.0-28-amd64\n" } } },
      facts: { "motd.kernel": "6.1.0-28-amd64" },
    },
    { name: "no motd", subject: { files: {} }, notApplicable: /no \/etc\/motd/ },
  ];
  it.each(cases)("$name", (testCase) => tester.check(motdProbe, testCase));

  it("pins the clock at PROBE_TEST_NOW unless told otherwise", async () => {
    expect((await tester.facts(motdProbe, { files: { "/etc/motd": "" } }))["motd.checkedAt"]).toBe(PROBE_TEST_NOW.toISOString());
    const later = new ProbeTester({ now: "2030-01-01T00:00:00Z" });
    expect((await later.facts(motdProbe, { files: { "/etc/motd": "" } }))["motd.checkedAt"]).toBe("2030-01-01T00:00:00.000Z");
    expect(later.now.toISOString()).toBe("2030-01-01T00:00:00.000Z");
  });

  it("fails a row whose facts differ, naming the fact", async () => {
    await expect(tester.check(motdProbe, { name: "wrong", subject: { files: { "/etc/motd": "a" } }, facts: { "motd.text": "b" } })).rejects.toThrow(
      /motd \(wrong\): fact motd.text/,
    );
    await expect(tester.check(motdProbe, { subject: { files: { "/etc/motd": "a" } }, notApplicable: "x" })).rejects.toThrow(/expected not-applicable/);
  });

  it("refuses an endpoint for a host probe", async () => {
    await expect(tester.run(motdProbe, "tcp://127.0.0.1:1" as unknown as HostSubject)).rejects.toThrow(/host probe/);
  });
});

describe("checkDeclaredFacts", () => {
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  it.each([
    { name: "an undeclared fact", facts: { "a.value": 1, "b.other": 2 }, problem: /fact b.other is not declared/ },
    { name: "a circular value", facts: { "a.value": circular }, problem: /a.value.self refers back to itself/ },
    { name: "a bigint", facts: { "a.value": { n: 1n } }, problem: /a.value.n is a bigint/ },
    { name: "a non-finite number", facts: { "a.value": [1, Number.NaN] }, problem: /a.value\[1\] is NaN/ },
    { name: "a function", facts: { "a.value": () => 1 }, problem: /a.value is a function/ },
  ])("flags $name", async ({ facts, problem }) => {
    const probe = returning(facts);
    const outcome = await probe.collect({ spec: "root:/x", kind: "root", location: "/x" }, {}, { ...testProbeDeps(), transport: fakeHost({}) });
    expect(checkDeclaredFacts(probe, outcome).join("\n")).toMatch(problem);
    const thrown = await new ProbeTester().run(probe, { files: {} }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(ProbeContractError);
    expect((thrown as ProbeContractError).probeId).toBe("returning");
  });

  it("accepts declared JSON facts, absent facts and a not-applicable reason", () => {
    const withDate = { "a.value": { list: [1, "two", null, true], when: new Date(0) } } as unknown as Record<string, JsonValue>;
    expect(checkDeclaredFacts(returning({}), { facts: withDate })).toEqual([]);
    expect(checkDeclaredFacts(returning({}), { facts: { "a.value": undefined } as unknown as Record<string, JsonValue> })).toEqual([]);
    expect(checkDeclaredFacts(returning({}), { notApplicable: "nothing here" })).toEqual([]);
    expect(checkDeclaredFacts(returning({}), { notApplicable: "" })).toEqual(["notApplicable must give the reason as text"]);
  });
});

describe("fakeHost", () => {
  it("lists, stats and resolves symlinks, and records the commands run", async () => {
    const host = fakeHost({
      files: { "/etc/a.conf": "a", "/etc/d/b.conf": "bb" },
      symlinks: { "/etc/link": "/etc/a.conf" },
      commands: { "id -u": { stdout: "0\n" } },
      owners: { "/etc/a.conf": { mode: 0o600 } },
    });
    expect(await host.listDir("/etc")).toEqual(["a.conf", "d", "link"]);
    expect(await host.readFile("/etc/link")).toBe("a");
    expect(await host.stat("/etc/a.conf")).toMatchObject({ type: "file", size: 1, mode: 0o600 });
    expect(await host.stat("/etc/d")).toMatchObject({ type: "directory" });
    expect(await host.exec(["id", "-u"])).toEqual({ exitCode: 0, stdout: "0\n", stderr: "" });
    expect((await host.exec(["missing"])).exitCode).toBe(127);
    expect(host.commandsRun).toEqual(["id -u", "missing"]);
    expect(host.kind).toBe("local");
    expect(fakeHost({ files: {} }).canExec).toBe(false);
  });
});

describe("startScriptedServer as a fake endpoint", () => {
  let server: ScriptedServer | undefined;
  afterEach(() => server?.close());

  it("replays the script and records the dialogue", async () => {
    server = await startScriptedServer([{ send: "220 acme ready\r\n" }, { expect: /^HELO / }, { send: "250 hello\r\n" }]);
    const tester = new ProbeTester();
    await tester.check(greetingProbe, { subject: server.endpoint("acme"), facts: { "greeting.first": "220 acme ready", "greeting.helo": "250 hello" } });
    expect(server.connections()).toEqual([
      {
        completed: true,
        lines: [
          { from: "server", text: "220 acme ready\r\n" },
          { from: "client", text: "HELO probe" },
          { from: "server", text: "250 hello\r\n" },
        ],
      },
    ]);
  });

  it("records a line that leaves the script, and ends the connection there", async () => {
    server = await startScriptedServer([{ send: "220 acme ready\r\n" }, { expect: "EHLO probe" }, { send: "250 never sent\r\n" }]);
    const facts = await new ProbeTester().facts(greetingProbe, `tcp://127.0.0.1:${server.port}`);
    expect(facts["greeting.helo"]).toBe("");
    expect(server.connections()[0]).toMatchObject({ completed: false, mismatch: 'expected "EHLO probe", got "HELO probe"' });
  });

  it("holds a connection open after the script, for timeout tests", async () => {
    server = await startScriptedServer([{ send: "220 slow\r\n" }], { afterScript: "hold" });
    const tester = new ProbeTester({ limits: { connectTimeoutMs: 200 } });
    await expect(tester.run(greetingProbe, server.endpoint("tcp"))).rejects.toThrow(/timed out/);
  });
});

describe("testEndpoint", () => {
  it("takes any scheme, and needs the port", () => {
    expect(testEndpoint("acme://LOCALHOST:7/x", { tags: ["b", "a"] })).toEqual({
      url: "acme://localhost:7/x",
      scheme: "acme",
      host: "localhost",
      port: 7,
      path: "/x",
      tags: ["a", "b"],
    });
    expect(testEndpoint("tcp://[::1]:22").host).toBe("::1");
    expect(() => testEndpoint("tcp://127.0.0.1")).toThrow(/expected scheme:\/\/host:port/);
  });
});

describe("factsOf", () => {
  it("returns the facts and throws on not-applicable", () => {
    expect(factsOf({ facts: { "a.value": 1 } })).toEqual({ "a.value": 1 });
    expect(() => factsOf({ notApplicable: "nothing here" })).toThrow(/not-applicable: nothing here/);
  });
});

describe("the built @hardcheck/core/testing entry", () => {
  const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
  it.skipIf(!existsSync(join(dist, "testing.js")))("loads nothing but Node built-ins and core's own chunks", () => {
    const seen = new Set<string>();
    const outside: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, specifier] of readFileSync(join(dist, file), "utf8").matchAll(/^(?:import|export)\b[^"']*?["']([^"']+)["']/gm)) {
        if (specifier?.startsWith("./")) visit(specifier.slice(2));
        else if (!specifier?.startsWith("node:")) outside.push(`${file} → ${specifier}`);
      }
    };
    visit("testing.js");
    expect(outside).toEqual([]);
    expect(seen.has("index.js")).toBe(false);
  });
});
