import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

// swc (not esbuild) transforms the tests so decorator metadata is emitted, as in the published build.
export default defineConfig({
  plugins: [swc.vite({ module: { type: "es6" }, jsc: { target: "es2022" } })],
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
