/** The host transport seam: one transport per target, shared by its probes, closed at the end. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromObject } from "../src/config/config.js";
import { Hardcheck } from "../src/hardcheck.js";
import type { HostSpec } from "../src/model/target.js";
import { defineProbe, type HostProbe } from "../src/plugin/probe.js";
import { defineTransport, type HostTransport, type TransportProvider } from "../src/plugin/transport.js";
import { fixedClock, ruleData, when, writePack } from "./support/fakes.js";

let workDir = "";
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "hardcheck-transport-"));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** A root: transport over an in-memory file tree that counts opens and closes. */
function memoryRoot(files: Record<string, Record<string, string>>, log: string[], failFor?: string): TransportProvider {
  return defineTransport({
    kind: "root",
    description: "in-memory file trees",
    async open(host: HostSpec): Promise<HostTransport> {
      log.push(`open ${host.location}`);
      if (host.location === failFor) throw new Error("mount point is empty");
      const tree = files[host.location] ?? {};
      return {
        kind: "root",
        canExec: false,
        readFile: async (path) => tree[path],
        listDir: async () => Object.keys(tree).sort(),
        stat: async () => undefined,
        exec: async () => {
          throw new Error("no exec on root:");
        },
        close: async () => {
          log.push(`close ${host.location}`);
        },
      };
    },
  });
}

const fileProbe = (id: string, fact: string, path: string): HostProbe =>
  defineProbe({
    meta: { id, description: `reads ${path}`, transports: ["root"], facts: [{ name: fact, description: path }] },
    async collect(_host, _params, deps) {
      return { facts: { [fact]: (await deps.transport.readFile(path)) ?? null } };
    },
  });

async function scanRoots(provider: TransportProvider | undefined, roots: string[]) {
  const pack = await writePack(workDir, "files", [
    ruleData("motd-set", { conditions: when("file.motd", "equal", "welcome") }),
    ruleData("issue-set", { conditions: when("file.issue", "isDefined", true) }),
  ]);
  const config = configFromObject(
    { packs: [pack], targets: roots.map((root, i) => ({ id: `host-${i}`, host: `root:${root}` })) },
    { file: "transport.yaml", baseDir: workDir },
  );
  const hardcheck = await Hardcheck.create({
    plugins: [
      (context) => {
        context.registerProbe(fileProbe("motd", "file.motd", "/etc/motd"));
        context.registerProbe(fileProbe("issue", "file.issue", "/etc/issue"));
        if (provider) context.registerTransport(provider);
      },
    ],
  });
  return hardcheck.scan(config, { clock: fixedClock("2026-01-01T00:00:00Z") });
}

describe("host transports", () => {
  it("opens one transport per target, shares it between probes, and closes it at the end", async () => {
    const log: string[] = [];
    const report = await scanRoots(memoryRoot({ "/a": { "/etc/motd": "welcome", "/etc/issue": "Debian" }, "/b": { "/etc/motd": "hello" } }, log), ["/a", "/b"]);
    expect(report.results.map((r) => `${r.target} ${r.ruleId} ${r.status}`)).toEqual([
      "host-0 issue-set pass",
      "host-0 motd-set pass",
      "host-1 issue-set fail",
      "host-1 motd-set fail",
    ]);
    expect(log.filter((line) => line.startsWith("open")).sort()).toEqual(["open /a", "open /b"]);
    expect(log.filter((line) => line.startsWith("close")).sort()).toEqual(["close /a", "close /b"]);
  });

  it("turns a transport that cannot open into error for that target's host checks only", async () => {
    const log: string[] = [];
    const report = await scanRoots(memoryRoot({ "/a": { "/etc/motd": "welcome", "/etc/issue": "x" } }, log, "/broken"), ["/a", "/broken"]);
    const broken = report.results.filter((r) => r.target === "host-1");
    expect(broken.map((r) => r.status)).toEqual(["error", "error"]);
    expect(broken[0]?.message).toBe("probe issue failed: cannot open root:/broken: mount point is empty");
    expect(report.results.filter((r) => r.target === "host-0").map((r) => r.status)).toEqual(["pass", "pass"]);
    expect(log.filter((line) => line === "open /broken")).toHaveLength(1);
  });

  it("says which transport is missing when no plugin provides it", async () => {
    const report = await scanRoots(undefined, ["/a"]);
    expect(new Set(report.results.map((r) => r.message))).toEqual(
      new Set(["probe issue failed: no plugin provides the root: transport", "probe motd failed: no plugin provides the root: transport"]),
    );
  });

  it("resolves a relative root: path from the config file's folder, as every other path in the config", async () => {
    const log: string[] = [];
    await scanRoots(memoryRoot({}, log), ["./image"]);
    expect(log).toContain(`open ${join(workDir, "image")}`);
  });

  it("refuses a malformed transport provider at registration", () => {
    expect(() => defineTransport({ kind: "telnet" as "ssh", description: "", open: async () => ({}) as HostTransport })).toThrow(
      /needs kind local, root, ssh or evidence/,
    );
  });
});
