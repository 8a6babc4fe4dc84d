/** A hook the bundled command sets so that plugins share its packages (see `command/share.ts`). */

let prepare: (() => void) | undefined;

/**
 * Sets what must happen once, before the first plugin a config names is imported. The bundled
 * command uses it to let plugins share its copy of the `@hardcheck/*` packages.
 */
export function preparePluginImports(step: () => void): void {
  prepare = step;
}

/** Runs the step set by {@link preparePluginImports}, once; nothing when none is set. */
export function beforePluginImports(): void {
  const step = prepare;
  prepare = undefined;
  step?.();
}
