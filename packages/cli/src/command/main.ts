/**
 * The installed command's bundle, `dist/command/command.cjs`: every command and the packages they
 * use in one CommonJS file, which the executable compiles through a V8 code cache (see
 * `compile-cache.ts`). Only what a run reaches is evaluated: commands, probes and protocol
 * libraries are initialised when first imported.
 */
import { SHARED, type SharedPackage } from "./share.js";

export { load } from "../lazy.js";

/** The bundle's own copies of the packages a plugin may import (see `share.ts`). */
export const packages: Readonly<Record<string, SharedPackage>> = SHARED;
