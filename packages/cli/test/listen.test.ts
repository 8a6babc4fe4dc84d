// `hardcheck listen` end to end: real curl clients, the evidence file written whole, SIGINT ending the window, usage errors.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fixedClock } from "@hardcheck/core";
import { clientEvidenceFileSchema, clientFactsFrom } from "@hardcheck/probes-network";
import { pinnedClockEnvironment, reserveLoopbackPort } from "@hardcheck/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseDuration, parseListenAddress } from "../src/commands/listen.js";
import { main } from "../src/program.js";

const bin = resolve(import.meta.dirname, "../dist/command/bin.js");
const NOW = "2031-03-14T09:00:00Z";

/** The environment with curl's own clock at the canary's: any outer libfaketime (test-all runs this suite two years ahead) replaced by a pinned one. */
function pinnedEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith("FAKETIME")) delete env[name];
  return { ...env, ...pinnedClockEnvironment(NOW) };
}

/** curl against the canary, its clock pinned to the canary's; killed by PID after 8 s. */
function curl(args: readonly string[]): Promise<number | null> {
  return new Promise((done) => {
    const child = spawn("curl", ["-s", "-o", "/dev/null", "--max-time", "5", ...args], {
      stdio: "ignore",
      env: pinnedEnvironment(),
    });
    const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, "SIGKILL"), 8_000);
    child.once("close", (code) => {
      clearTimeout(timer);
      done(code);
    });
  });
}

/** Waits until `check` holds, polling every 50 ms, at most `timeoutMs`. */
async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error("condition not met in time");
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hardcheck-listen-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("hardcheck listen", () => {
  it("records a validating and a careless curl into an evidence file the scan side can read", async () => {
    const port = await reserveLoopbackPort();
    let stderr = "";
    const run = main(
      ["listen", "--target", "concierge", "--https", `127.0.0.1:${port}`, "--certificates", "self-signed,site", "--max-sessions", "4", "--ca-out", "ca.pem"],
      { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) }, env: {}, cwd: dir, clock: fixedClock(NOW) },
    );
    await until(() => stderr.includes("waiting for the appliance"));
    const caPath = join(dir, "ca.pem");
    // Validating: refuses the self-signed certificate, goes on with the site chain (the canary CA trusted).
    await curl(["--cacert", caPath, `https://127.0.0.1:${port}/`]);
    await curl(["--cacert", caPath, `https://127.0.0.1:${port}/`]);
    // Careless: --insecure goes on after the self-signed certificate too.
    await curl(["--insecure", `https://127.0.0.1:${port}/`]);
    await curl(["--insecure", `https://127.0.0.1:${port}/`]);

    expect(await run).toBe(0);
    expect(stderr).toContain(`waiting for the appliance to connect to https 127.0.0.1:${port}…`);
    expect(stderr).toContain("4 session(s) recorded for concierge → client-evidence.json");
    expect(stderr).toMatch(/refused the self-signed certificate/);
    expect(stderr).toMatch(/went on after the self-signed certificate/);
    const file = clientEvidenceFileSchema.parse(JSON.parse(await readFile(join(dir, "client-evidence.json"), "utf8")));
    expect(file.recordedAt).toBe("2031-03-14T09:00:00.000Z");
    expect(file.sessions.map((session) => session.certificate)).toEqual(["self-signed", "site", "self-signed", "site"]);
    expect(clientFactsFrom(file.sessions.slice(0, 2))["client.validation"]).toMatchObject({ accepted: ["site"], refused: ["self-signed"], validates: true });
    expect(clientFactsFrom(file.sessions.slice(2))["client.validation"]).toMatchObject({ validates: false });
  });

  it("SIGINT ends the window: the built CLI writes the file whole and exits", async () => {
    const port = await reserveLoopbackPort();
    const child = spawn(process.execPath, [bin, "listen", "--target", "xpert", "--ldap", `127.0.0.1:${port}`, "-o", "evidence.json"], {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => child.once("close", (code) => done(code)));
    try {
      await until(() => stderr.includes("waiting for the appliance"));
      const pid = child.pid;
      if (pid === undefined) throw new Error("no pid");
      process.kill(pid, "SIGINT");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
    }

    expect(stderr).toContain("interrupted: closing the listeners");
    expect(stderr).toContain("no client connected");
    const file = clientEvidenceFileSchema.parse(JSON.parse(await readFile(join(dir, "evidence.json"), "utf8")));
    expect(file.sessions).toEqual([]);
    expect((await readdir(dir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it.each([
    [["listen", "--target", "t"], /at least one listener/],
    [["listen", "--target", "t", "--smtp", "2525"], /expected ADDRESS:PORT/],
    [["listen", "--target", "t", "--smtp", "127.0.0.1:2525", "--certificates", "self-signed,forged"], /"forged" is not one of/],
    [["listen", "--target", "t", "--smtp", "127.0.0.1:2525", "--cert", "site.pem"], /--cert and --key go together/],
    [["listen", "--target", "t", "--smtp", "127.0.0.1:2525", "--for", "soon"], /--for "soon": expected a duration/],
  ])("refuses %j with a usage error and writes no file", async (args, message) => {
    let stderr = "";
    const code = await main(args, { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) }, env: {}, cwd: dir });

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(await readdir(dir)).toEqual([]);
  });

  it("a port already in use is a usage error naming it, and no file is written", async () => {
    const busy = createServer();
    await new Promise<void>((ready) => busy.listen(0, "127.0.0.1", ready));
    const port = (busy.address() as { port: number }).port;
    let stderr = "";
    try {
      const code = await main(["listen", "--target", "t", "--ldap", `127.0.0.1:${port}`, "--for", "1s"], {
        stdout: { write: () => true },
        stderr: { write: (text: string) => (stderr += text) },
        env: {},
        cwd: dir,
      });

      expect(code).toBe(2);
      expect(stderr).toMatch(/HC_USAGE.*cannot start the listeners: .*EADDRINUSE.*port in use/);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await new Promise((closed) => busy.close(closed));
    }
  });

  it("parses durations and listen addresses", () => {
    expect(parseDuration("120s", "--for")).toBe(120_000);
    expect(parseDuration("2m", "--for")).toBe(120_000);
    expect(parseDuration("500ms", "--for")).toBe(500);
    expect(parseDuration("90", "--for")).toBe(90_000);
    expect(parseListenAddress("[::1]:636", "--ldaps")).toEqual({ host: "::1", port: 636 });
    expect(parseListenAddress("10.0.0.5:2525", "--smtp")).toEqual({ host: "10.0.0.5", port: 2525 });
    expect(() => parseListenAddress("10.0.0.5:70000", "--smtp")).toThrow(/ADDRESS:PORT/);
  });
});
