import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";
import { packSchemaFingerprint } from "./tsup.shared.js";

// swc (not esbuild) transforms the tests so decorator metadata is emitted, as in the published build.
export default defineConfig({
  plugins: [swc.vite({ module: { type: "es6" }, jsc: { target: "es2022" } })],
  // Core run from source names its pack schema as its build would (see tsup.shared.ts).
  define: { __HARDCHECK_PACK_SCHEMA__: JSON.stringify(packSchemaFingerprint(new URL("./packages/core/", import.meta.url))) },
  test: {
    include: [
      "test/**/*.test.ts",
      "packages/*/src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "examples/*/test/**/*.test.{ts,mjs}",
      "bench/test/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default"],
  },
});
