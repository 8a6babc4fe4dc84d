/**
 * The `hardcheck` executable as installed: the command-line definition, built with `lazy-bundle.ts`
 * in place of `../lazy.ts`, so `--help` and `--version` compile a few kilobytes and a command loads
 * the rest from the compiled bundle (`command.cjs`, built from `main.ts`).
 */
import "../bin.js";
