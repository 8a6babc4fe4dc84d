// The executable ships as a bundle holding its own copy of @hardcheck/core. A plugin that imports
// @hardcheck/core must get that copy, not a second one from node_modules, or its errors, classes
// and helpers would not be the command's. Both the bundled executable and the library's `main`
// must say the plugin shares the core.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../src/io.js";
import { main } from "../src/program.js";

const run = promisify(execFile);
const bin = resolve(import.meta.dirname, "../dist/command/bin.js");
const plugin = resolve(import.meta.dirname, "fixtures/shared-core-plugin.mjs");
const requiringPlugin = resolve(import.meta.dirname, "fixtures/shared-container-plugin.cjs");

describe("plugins and the bundled command", () => {
  let dir: string;
  let config: string;
  let requiringConfig: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hc-plugin-sharing-"));
    config = join(dir, "hardcheck.yaml");
    requiringConfig = join(dir, "requiring.yaml");
    const targets = "targets:\n  - id: a\n    endpoints: [tls://127.0.0.1:1]\n";
    await writeFile(config, `packs: [tls-baseline]\nplugins: [${plugin}]\n${targets}`);
    await writeFile(requiringConfig, `packs: [tls-baseline]\nplugins: [${requiringPlugin}]\n${targets}`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("gives a plugin the executable's own @hardcheck/core", async () => {
    const { stdout, stderr } = await run(process.execPath, [bin, "validate", config], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
    expect(stderr).toContain("plugin shares the command's core: true");
    expect(stderr).toContain("plugin shares the command's tsyringe: true");
    expect(stdout).toContain("valid");
  });

  // The executable bundles tsyringe: a CommonJS plugin's require() must still reach the bundle's copy.
  it("gives a CommonJS plugin that requires tsyringe the executable's own container", async () => {
    const { stdout, stderr } = await run(process.execPath, [bin, "validate", requiringConfig], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
    expect(stderr).toContain("required tsyringe is the command's: true");
    expect(stdout).toContain("valid");
  });

  it("says so when tsyringe was loaded before the command, and its plugins cannot share the container", async () => {
    const env = { ...process.env, NO_COLOR: "1", NODE_OPTIONS: "-r reflect-metadata -r tsyringe" };
    const { stderr } = await run(process.execPath, [bin, "validate", requiringConfig], { cwd: import.meta.dirname, env });
    expect(stderr).toMatch(/hardcheck: tsyringe was loaded before the command \(.*tsyringe.*\): plugins that use it get that copy/);
    expect(stderr).toContain("required tsyringe is the command's: false");
  });

  it("gives a plugin the same @hardcheck/core when the command runs in-process from the library", async () => {
    const io: CliIo = { cwd: dir, env: {}, stdout: { write: () => true }, stderr: { write: () => true } };
    const seen = globalThis as { hardcheckPluginSharesCore?: boolean; hardcheckPluginSharesContainer?: boolean };
    delete seen.hardcheckPluginSharesCore;
    delete seen.hardcheckPluginSharesContainer;
    const code = await main(["validate", config], io);
    expect(code).toBe(0);
    expect(seen.hardcheckPluginSharesCore).toBe(true);
    expect(seen.hardcheckPluginSharesContainer).toBe(true);
  });

  it("gives a CommonJS plugin the library's own container when the command runs in-process", async () => {
    const io: CliIo = { cwd: dir, env: {}, stdout: { write: () => true }, stderr: { write: () => true } };
    const seen = globalThis as { hardcheckRequiredContainerShared?: boolean };
    delete seen.hardcheckRequiredContainerShared;
    expect(await main(["validate", requiringConfig], io)).toBe(0);
    expect(seen.hardcheckRequiredContainerShared).toBe(true);
  });
});
