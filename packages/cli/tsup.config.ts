import { packageConfig } from "../../tsup.shared.js";

/** Loaded by `import()` where used, from the user's install: native parts, or optional for most scans. */
const LEFT_OUT = ["mssql", "tedious", "ssh2", "cpu-features", "tsyringe", "reflect-metadata"];

export default [
  // The library (`import { main } from "hardcheck"`), modules resolved as usual.
  packageConfig(import.meta.url, { entry: ["src/index.ts"], clean: false }),
  // The installed command: the CLI with the packages it serves in one code-split bundle, so a run
  // compiles a few files instead of several hundred (see bench/tls/RESULTS.md). tsyringe stays
  // outside so plugins that decorate classes share the command's container metadata.
  packageConfig(import.meta.url, {
    entry: {
      bin: "src/command/bin.ts",
      hooks: "src/command/hooks.ts",
      core: "src/command/core.ts",
      "core-testing": "src/command/core-testing.ts",
      checklists: "src/command/checklists.ts",
      "probes-network": "src/command/probes-network.ts",
      "probes-linux": "src/command/probes-linux.ts",
      "probes-windows": "src/command/probes-windows.ts",
      reporters: "src/command/reporters.ts",
    },
    outDir: "dist/command",
    dts: false,
    sourcemap: false,
    clean: false,
    splitting: true,
    noExternal: [/^(?!(mssql|tedious|ssh2|cpu-features|tsyringe|reflect-metadata)(\/|$))/],
    external: LEFT_OUT,
    banner: { js: 'import { createRequire as __hardcheckRequire } from "node:module"; const require = __hardcheckRequire(import.meta.url);' },
    esbuildOptions(options) {
      options.minify = true;
    },
  }),
];
