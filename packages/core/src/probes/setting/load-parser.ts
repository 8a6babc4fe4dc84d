/**
 * Loads a parser library (XML, INI, properties) when a file of its format is first read: most scans
 * read none. Resolved from this package's own folder, found through its manifest, because this
 * module is not next to that folder when it runs inside a bundle (the `hardcheck` command).
 */
import { createRequire } from "node:module";

let load: NodeJS.Require | undefined;

/** `require(id)` as seen from `@hardcheck/core`'s folder. */
export function loadParser(id: string): unknown {
  load ??= createRequire(createRequire(import.meta.url).resolve("@hardcheck/core/package.json"));
  return load(id);
}
