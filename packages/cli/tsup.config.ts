import { packageConfig } from "../../tsup.shared.js";

/**
 * Left out of the command's bundle and loaded from the user's install: the SQL and SSH clients (optional
 * or native, loaded by `import()` where used) and tsyringe with reflect-metadata, which plugins that
 * decorate classes must share with the command.
 */
const LEFT_OUT = ["mssql", "tedious", "ssh2", "cpu-features", "tsyringe", "reflect-metadata"];
/** Everything else is bundled, whatever the package declares as dependencies. */
const BUNDLED = new RegExp(`^(?!(${LEFT_OUT.join("|")})(/|$))`);

export default [
  // The library (`import { main } from "hardcheck"`), modules resolved as usual.
  packageConfig(import.meta.url, { entry: ["src/index.ts"], clean: false }),
  // The installed command: the CLI with the packages it serves in one code-split bundle, so a run
  // compiles a few files instead of several hundred (see bench/tls/RESULTS.md).
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
    noExternal: [BUNDLED],
    external: LEFT_OUT,
    banner: { js: 'import { createRequire as __hardcheckRequire } from "node:module"; const require = __hardcheckRequire(import.meta.url);' },
    esbuildOptions(options) {
      options.minify = true;
    },
  }),
];
