/**
 * Module resolution hooks for the bundled command, registered only when a config names plugins:
 * a plugin's `import "@hardcheck/core"` (or of another bundled package) resolves to the copy inside
 * the bundle, so plugin and scan share one set of classes, errors and helpers instead of two.
 */

/** What `register` passes in: bare specifier → file URL of the bundle's entry for it. */
interface HookData {
  readonly entries: Readonly<Record<string, string>>;
}

interface ResolveContext {
  readonly conditions: readonly string[];
  readonly parentURL?: string;
}

interface ResolveResult {
  readonly url: string;
  readonly format?: string | null;
  readonly shortCircuit?: boolean;
}

type NextResolve = (specifier: string, context?: ResolveContext) => ResolveResult | Promise<ResolveResult>;

let entries: Readonly<Record<string, string>> = {};

/** Receives the specifier map from the command. */
export function initialize(data: HookData): void {
  entries = data.entries;
}

/** Sends the bundled packages' specifiers to the bundle's own entries; everything else resolves as usual. */
export function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): ResolveResult | Promise<ResolveResult> {
  const url = entries[specifier];
  return url === undefined ? nextResolve(specifier, context) : { url, format: "module", shortCircuit: true };
}
