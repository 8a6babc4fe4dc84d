/** The plugin contract: a module exporting one registration function. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type DependencyContainer, instanceCachingFactory } from "tsyringe";
import type { PackSource } from "../config/pack.js";
import { describeError, HardcheckError } from "../errors.js";
import { checkEndpointScheme, type EndpointScheme } from "../model/endpoint.js";
import { hostImport } from "./import-module.js";
import { defineProbe, type Probe } from "./probe.js";
import { defineReporter, type Reporter } from "./reporter.js";
import { ENDPOINT_SCHEME, PACK_SOURCE, PROBE, REPORTER, TRANSPORT } from "./tokens.js";
import { defineTransport, type TransportProvider } from "./transport.js";

/**
 * Builds a probe from what every plugin of the instance registered; called once, after the last
 * plugin's registration function. For probes whose reach depends on other plugins (the TLS probes
 * serve every scheme some plugin registered a pre-TLS negotiator for).
 */
export type ProbeFactory = (container: DependencyContainer) => Probe;

/** What a plugin's registration function receives: registrations go into its instance's container only. */
export interface PluginContext {
  /** The instance's child container, for plugins that want to register services of their own. */
  readonly container: DependencyContainer;
  /** Registers a probe (validated with `defineProbe`), or a factory that builds it once every plugin has registered. */
  registerProbe(probe: Probe | ProbeFactory): void;
  /** Registers a reporter (validated with `defineReporter`). */
  registerReporter(reporter: Reporter): void;
  /** Makes a pack file available by id, as bundled packs are. */
  registerPack(pack: PackSource): void;
  /**
   * Teaches this instance's endpoint parser a URL scheme and its default port (-1: port required).
   *
   * @example
   * ```ts
   * context.registerScheme({ name: "imap", defaultPort: 143 });
   * ```
   */
  registerScheme(scheme: EndpointScheme): void;
  /** Registers how to open host transports of one kind (`local`, `root`, `ssh`, `evidence`). */
  registerTransport(provider: TransportProvider): void;
}

/** A plugin's registration function. */
export type RegisterPlugin = (context: PluginContext) => void | Promise<void>;

/** A plugin given by value, or by module specifier (package name or local file). */
export type PluginSpec = string | RegisterPlugin | { readonly register: RegisterPlugin };

/** Builds the context handed to a plugin, registering into `container`. */
export function pluginContext(container: DependencyContainer): PluginContext {
  return {
    container,
    registerProbe: (probe) => {
      if (typeof probe === "function") container.register(PROBE, { useFactory: instanceCachingFactory((resolver) => defineProbe(probe(resolver))) });
      else container.register(PROBE, { useValue: defineProbe(probe) });
    },
    registerReporter: (reporter) => container.register(REPORTER, { useValue: defineReporter(reporter) }),
    registerPack: (pack) => {
      if (!pack?.id || !pack.file) throw new HardcheckError("HC_PLUGIN_REGISTER", "registerPack needs { id, file }");
      container.register(PACK_SOURCE, { useValue: pack });
    },
    registerScheme: (scheme) => {
      checkEndpointScheme(scheme);
      const known = container.isRegistered(ENDPOINT_SCHEME) ? container.resolveAll(ENDPOINT_SCHEME).find((other) => other.name === scheme.name) : undefined;
      if (known !== undefined && known.defaultPort !== scheme.defaultPort) {
        throw new HardcheckError("HC_PLUGIN_CONFLICT", `scheme "${scheme.name}" is already registered with default port ${known.defaultPort}`);
      }
      container.register(ENDPOINT_SCHEME, { useValue: { ...scheme } });
    },
    registerTransport: (provider) => container.register(TRANSPORT, { useValue: defineTransport(provider) }),
  };
}

/** Finds the registration function a module exports: `register`, or a default export. */
export function registrationOf(module: unknown, name: string): RegisterPlugin {
  const candidate = module as { register?: unknown; default?: unknown } | null;
  const fn = candidate?.register ?? (candidate?.default as { register?: unknown } | undefined)?.register ?? candidate?.default;
  if (typeof fn !== "function") {
    throw new HardcheckError("HC_PLUGIN_LOAD", `plugin ${name} exports no registration function — expected "export function register(context) { … }"`);
  }
  return fn as RegisterPlugin;
}

/**
 * Imports a plugin module. A spec starting with `.`, `/` or ending in `.js`/`.mjs` is a file
 * (relative to `baseDir`); anything else is a package name resolved from `baseDir` upwards.
 */
export async function importPlugin(spec: string, baseDir: string): Promise<RegisterPlugin> {
  const isFile = spec.startsWith(".") || isAbsolute(spec) || /\.[cm]?js$/.test(spec);
  let url: string;
  if (isFile) {
    const file = resolve(baseDir, spec);
    if (!existsSync(file)) throw new HardcheckError("HC_PLUGIN_LOAD", `plugin ${spec}: file ${file} not found`);
    url = pathToFileURL(file).href;
  } else {
    url = resolvePackageEntry(spec, baseDir) ?? spec;
  }
  let module: unknown;
  try {
    module = await (hostImport(url) ?? import(url));
  } catch (error) {
    const notFound = (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && !isFile && url === spec;
    throw new HardcheckError(
      "HC_PLUGIN_LOAD",
      notFound
        ? `plugin ${spec}: package not found — install it (npm install ${spec}) or give a path to a file`
        : `plugin ${spec} failed to load: ${describeError(error)}`,
      { cause: error },
    );
  }
  return registrationOf(module, spec);
}

/** Resolves an ESM package's entry from `baseDir`'s node_modules chain (Node 20 lacks a parent-aware resolver). */
function resolvePackageEntry(name: string, baseDir: string): string | undefined {
  let dir = resolve(baseDir);
  for (;;) {
    const pkgDir = join(dir, "node_modules", name);
    const manifest = join(pkgDir, "package.json");
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { exports?: unknown; module?: string; main?: string };
      const entry = exportEntry(pkg.exports) ?? pkg.module ?? pkg.main ?? "index.js";
      return pathToFileURL(join(pkgDir, entry)).href;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function exportEntry(exports: unknown): string | undefined {
  if (typeof exports === "string") return exports;
  if (!exports || typeof exports !== "object") return undefined;
  const map = exports as Record<string, unknown>;
  const root = "." in map ? map["."] : map;
  if (typeof root === "string") return root;
  if (root && typeof root === "object") {
    const conditions = root as Record<string, unknown>;
    for (const condition of ["import", "node", "default"]) {
      const value = conditions[condition];
      if (typeof value === "string") return value;
      const nested = exportEntry(value);
      if (nested) return nested;
    }
  }
  return undefined;
}
