/**
 * Imports of modules hardcheck loads at run time: plugins and the optional protocol libraries
 * (ssh2, mssql). The installed command compiles its bundle through a V8 code cache, and on Node 20
 * code compiled that way cannot call `import()` itself, so the command lends its own importer under
 * {@link HOST_IMPORT}. Callers write `await (hostImport(specifier) ?? import(specifier))`: inside the
 * command the host imports, everywhere else the caller's own `import()` does, resolving from the
 * caller's package as before.
 */

/** Where a host (the installed command) puts the function that imports on its behalf. */
export const HOST_IMPORT = Symbol.for("hardcheck.import");

/**
 * The host's import of `specifier`, or undefined when there is no host and the caller must `import()` it.
 * For hardcheck's own packages: the host resolves bare names from the hardcheck installation, not
 * from the caller, so a plugin imports its own dependencies with plain `import()`.
 */
export function hostImport<T = Record<string, unknown>>(specifier: string): Promise<T> | undefined {
  const host = (globalThis as { [HOST_IMPORT]?: (specifier: string) => Promise<unknown> })[HOST_IMPORT];
  return host?.(specifier) as Promise<T> | undefined;
}
