/** One tsup setup for every package: ESM, declarations, Node 20, decorator metadata via swc. */
import { readFileSync } from "node:fs";
import { defineConfig, type Options } from "tsup";

export function packageConfig(packageUrl: string, overrides: Options = {}) {
  const { name, version } = JSON.parse(readFileSync(new URL("./package.json", packageUrl), "utf8")) as { name: string; version: string };
  return defineConfig({
    entry: ["src/index.ts"],
    format: ["esm"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    removeNodeProtocol: false,
    define: { __HARDCHECK_PACKAGE__: JSON.stringify({ name, version }) },
    ...overrides,
  });
}
