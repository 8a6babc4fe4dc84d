/** One tsup setup for every package: ESM, declarations, Node 20, decorator metadata via swc. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { defineConfig, type Options } from "tsup";

/**
 * Names the pack schema of the core at `coreUrl` (its package folder) as it is now: a hash of the
 * schema's module and everything it imports from core, minified (comments and layout do not count),
 * and of the zod version that runs it. Any change to what the schema accepts changes the name, so a
 * pack compiled and checked by one build is never taken as checked by a build with another schema.
 */
export function packSchemaFingerprint(coreUrl: URL): string {
  const coreDir = fileURLToPath(coreUrl);
  const bundled = buildSync({
    entryPoints: ["src/config/schema.ts"],
    absWorkingDir: coreDir,
    bundle: true,
    minify: true,
    packages: "external",
    format: "esm",
    platform: "node",
    write: false,
    logLevel: "silent",
  });
  const zod = JSON.parse(readFileSync(createRequire(new URL("package.json", coreUrl)).resolve("zod/package.json"), "utf8")) as { version: string };
  return createHash("sha256")
    .update(bundled.outputFiles[0]?.text ?? "")
    .update(`zod@${zod.version}`)
    .digest("hex")
    .slice(0, 16);
}

export function packageConfig(packageUrl: string, overrides: Options = {}) {
  const { name, version } = JSON.parse(readFileSync(new URL("./package.json", packageUrl), "utf8")) as { name: string; version: string };
  // Core's compiled-pack check names the schema it was made with (see core's `config/pack.ts`).
  const packSchema = name === "@hardcheck/core" ? { __HARDCHECK_PACK_SCHEMA__: JSON.stringify(packSchemaFingerprint(new URL("./", packageUrl))) } : {};
  return defineConfig({
    entry: ["src/index.ts"],
    format: ["esm"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    removeNodeProtocol: false,
    define: { __HARDCHECK_PACKAGE__: JSON.stringify({ name, version }), ...packSchema },
    ...overrides,
  });
}
