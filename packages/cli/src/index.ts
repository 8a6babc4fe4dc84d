/**
 * `hardcheck` — the command line. Use the binary (`npx hardcheck scan --config hardcheck.yaml`), or
 * run it in-process with {@link main}.
 *
 * @packageDocumentation
 */
export { exitCodeFor } from "./commands/exit-code.js";
export { BUNDLED_PLUGINS, type CliInstance, createInstance } from "./instance.js";
export { type CliIo, EXIT, processIo, useColor } from "./io.js";
export { createProgram, main } from "./program.js";
export { cliReference } from "./reference.js";
