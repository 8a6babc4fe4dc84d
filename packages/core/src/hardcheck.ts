/** The library's front door: plugins in, report out. */
import "reflect-metadata";
import { type DependencyContainer, container as rootContainer } from "tsyringe";
import type { LoadedConfig } from "./config/config.js";
import { formatKeyPath } from "./config/source.js";
import { describeError, HardcheckError, isHardcheckError } from "./errors.js";
import { BUILTIN_ENDPOINT_SCHEMES } from "./model/endpoint.js";
import type { ReportDocument } from "./model/report.js";
import { importPlugin, type PluginSpec, pluginContext, type RegisterPlugin } from "./plugin/plugin.js";
import { PluginRegistry } from "./plugin/registry.js";
import { type ResolvedScan, resolveScan, type ScanSelection } from "./scan/resolve.js";
import { type ResultSink, Scanner, type ScanOptions, type StreamedReport } from "./scan/scanner.js";

/** Options for {@link Hardcheck.create}. */
export interface HardcheckOptions {
  /** Plugins to register: registration functions, `{ register }` modules, package names or files. */
  readonly plugins?: readonly PluginSpec[];
  /** Resolves plugin files and package names given as strings. Defaults to the working directory. */
  readonly baseDir?: string;
  /** Also register the `plugins:` listed in this config (resolved from the config's folder). */
  readonly config?: LoadedConfig;
}

/**
 * A configured hardcheck instance: its own DI container (a child of tsyringe's root) holding the
 * endpoint schemes, probes, reporters, transports and packs its plugins registered. Two instances
 * in one process never see each other's registrations.
 *
 * @example
 * ```ts
 * import { Hardcheck, loadConfigFile } from "@hardcheck/core";
 * import { register as networkProbes } from "@hardcheck/probes-network";
 * import { register as checklists } from "@hardcheck/checklists";
 *
 * const config = await loadConfigFile("hardcheck.yaml");
 * const hardcheck = await Hardcheck.create({ plugins: [networkProbes, checklists], config });
 * const report = await hardcheck.scan(config);
 * console.log(report.summary);
 * ```
 */
export class Hardcheck {
  private constructor(
    /** The instance's container (a child of tsyringe's root container). */
    readonly container: DependencyContainer,
    /** Everything the plugins registered. */
    readonly registry: PluginRegistry,
  ) {}

  /** Registers the plugins and builds the registry. Plugin failures are `HC_PLUGIN_*` errors. */
  static async create(options: HardcheckOptions = {}): Promise<Hardcheck> {
    const container = rootContainer.createChildContainer();
    const context = pluginContext(container);
    for (const scheme of BUILTIN_ENDPOINT_SCHEMES) context.registerScheme(scheme);
    const baseDir = options.baseDir ?? process.cwd();
    const entries: Array<{ spec: PluginSpec; baseDir: string; place?: string }> = (options.plugins ?? []).map((spec) => ({ spec, baseDir }));
    const config = options.config;
    if (config) {
      (config.data.plugins ?? []).forEach((spec, index) => {
        const position = config.document.locate(["plugins", index]);
        const place = `${config.file}${position ? `:${position.line}:${position.column}` : ""} ${formatKeyPath(["plugins", index])}`;
        entries.push({ spec, baseDir: config.baseDir, place });
      });
    }
    for (const entry of entries) {
      const name = typeof entry.spec === "string" ? entry.spec : typeof entry.spec === "function" ? entry.spec.name || "(anonymous plugin)" : "(plugin object)";
      const where = entry.place ? `${entry.place}: ` : "";
      let register: RegisterPlugin;
      try {
        register =
          typeof entry.spec === "string" ? await importPlugin(entry.spec, entry.baseDir) : typeof entry.spec === "function" ? entry.spec : entry.spec.register;
      } catch (error) {
        if (isHardcheckError(error)) throw new HardcheckError(error.code, `${where}${error.issues.map((i) => i.message).join("; ")}`, { cause: error });
        throw error;
      }
      try {
        await register(context);
      } catch (error) {
        const detail = isHardcheckError(error) ? error.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ") : describeError(error);
        throw new HardcheckError("HC_PLUGIN_REGISTER", `${where}plugin ${name} failed to register: ${detail}`, { cause: error });
      }
    }
    container.registerSingleton(PluginRegistry);
    let registry: PluginRegistry;
    try {
      registry = container.resolve(PluginRegistry);
    } catch (error) {
      if (isHardcheckError(error)) throw error;
      throw new HardcheckError("HC_PLUGIN_REGISTER", `plugins could not be combined: ${describeError(error)}`, { cause: error });
    }
    return new Hardcheck(container, registry);
  }

  /** Resolves and cross-checks everything a scan of `config` needs (no network yet). */
  resolve(config: LoadedConfig, selection: ScanSelection = {}): Promise<ResolvedScan> {
    return resolveScan(config, this.registry, selection);
  }

  /** @deprecated Renamed {@link Hardcheck.resolve}. */
  prepare(config: LoadedConfig, selection: ScanSelection = {}): Promise<ResolvedScan> {
    return this.resolve(config, selection);
  }

  /** Runs a resolved scan. */
  run(scan: ResolvedScan, options: ScanOptions = {}): Promise<ReportDocument> {
    return this.container.resolve(Scanner).run(scan, options);
  }

  /**
   * Runs a resolved scan, handing each target's final results to `sink` as soon as they are decided
   * (in the order of target ids), and returns the rest of the report: a scan of many targets then
   * holds only those in flight. {@link Hardcheck.run} is this with a sink that keeps everything.
   */
  stream(scan: ResolvedScan, sink: ResultSink, options: ScanOptions = {}): Promise<StreamedReport> {
    return this.container.resolve(Scanner).stream(scan, sink, options);
  }

  /** Resolves and runs a scan of `config` in one step. */
  async scan(config: LoadedConfig, options: ScanOptions & { selection?: ScanSelection } = {}): Promise<ReportDocument> {
    return this.run(await this.resolve(config, options.selection ?? {}), options);
  }
}
