import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import { packageConfig } from "../../tsup.shared.js";

/**
 * Left out of the command's bundle and loaded from the user's install where used: the SQL and SSH
 * clients (optional, or with native parts). tsyringe and reflect-metadata are bundled; a plugin that
 * requires or imports them is given the bundle's copies (see `src/command/share.ts`).
 */
const LEFT_OUT = ["mssql", "tedious", "ssh2", "cpu-features"];
/** Everything else is bundled, whatever the package declares as dependencies. */
const BUNDLED = new RegExp(`^(?!(${LEFT_OUT.join("|")})(/|$))`);

/** The bundle's exports, as `src/command/main.ts` declares them. */
interface CommandBundle {
  packages: Record<string, { file: string; load(): Promise<Record<string, unknown>> }>;
}

/**
 * Writes, beside the bundle, one ES module per package a plugin may import. Each re-exports the
 * bundle's own copy by name (the names are read from the built bundle), so the resolution hooks can
 * hand a plugin the command's classes instead of a second copy from node_modules.
 */
async function writeSharedModules(): Promise<void> {
  const bundle = createRequire(import.meta.url)("./dist/command/command.cjs") as CommandBundle;
  for (const [specifier, { file, load }] of Object.entries(bundle.packages)) {
    const namespace = await load();
    const names = Object.keys(namespace).filter((name) => name !== "default" && /^[A-Za-z_$][\w$]*$/.test(name));
    const text = [
      `// Built by tsup.config.ts: the command bundle's ${specifier}, for the plugins the command loads.`,
      `const command = globalThis[Symbol.for("hardcheck.command")];`,
      `if (command === undefined) throw new Error("${specifier} is served here only to plugins the hardcheck command loads; import ${specifier} itself");`,
      `const shared = await command.packages[${JSON.stringify(specifier)}].load();`,
      names.length > 0 ? `export const { ${names.join(", ")} } = shared;` : "export {};",
      "default" in namespace ? "export default shared.default;" : "",
      "",
    ].join("\n");
    await writeFile(new URL(`./dist/command/${file}`, import.meta.url), text);
  }
}

/** Builds the executable with `src/command/lazy-bundle.ts` wherever the CLI imports `src/lazy.ts`. */
const commandLineOnly: Plugin = {
  name: "hardcheck-command-line-only",
  setup(build) {
    build.onResolve({ filter: /^\.\/lazy\.js$/ }, (args) => {
      if (!args.importer.endsWith(`${sep}src${sep}program.ts`) && !args.importer.endsWith(`${sep}src${sep}faults.ts`)) {
        // Any other importer would pull every command into the executable.
        return { errors: [{ text: `${args.importer} imports lazy.js: only program.ts and faults.ts may (see src/command/lazy-bundle.ts)` }] };
      }
      return { path: fileURLToPath(new URL("./src/command/lazy-bundle.ts", import.meta.url)) };
    });
  },
};

export default [
  // The library (`import { main } from "hardcheck"`), modules resolved as usual.
  packageConfig(import.meta.url, { entry: ["src/index.ts"], clean: false }),
  // The installed command: the CLI with the packages it serves in one CommonJS bundle, which the
  // executable compiles with a V8 code cache (see src/command/compile-cache.ts and bench/tls/RESULTS.md).
  packageConfig(import.meta.url, {
    entry: { command: "src/command/main.ts" },
    outDir: "dist/command",
    format: ["cjs"],
    dts: false,
    sourcemap: false,
    clean: false,
    noExternal: [BUNDLED],
    external: LEFT_OUT,
    // `import.meta.url` from the file's real path: a URL built by hand breaks on `#` or `%` in it.
    banner: { js: '"use strict";var __hardcheckModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
    esbuildOptions(options) {
      // HARDCHECK_BUILD_UNMINIFIED=1 keeps names readable for a CPU profile (bench/tls/RESULTS.md).
      options.minify = process.env.HARDCHECK_BUILD_UNMINIFIED !== "1";
      options.define = { ...options.define, "import.meta.url": "__hardcheckModuleUrl" };
    },
    onSuccess: writeSharedModules,
  }),
  // The executable (the command-line definition, which loads the bundle when a command runs) and
  // the plugin resolution hooks.
  packageConfig(import.meta.url, {
    entry: { bin: "src/command/bin.ts", hooks: "src/command/hooks.ts" },
    outDir: "dist/command",
    dts: false,
    sourcemap: false,
    clean: false,
    splitting: false,
    noExternal: [BUNDLED],
    external: LEFT_OUT,
    esbuildPlugins: [commandLineOnly],
    // commander is CommonJS: its `require` calls need one inside this ES module.
    banner: { js: 'import { createRequire as __hardcheckRequire } from "node:module"; const require = __hardcheckRequire(import.meta.url);' },
    esbuildOptions(options) {
      options.minify = process.env.HARDCHECK_BUILD_UNMINIFIED !== "1";
    },
  }),
];
