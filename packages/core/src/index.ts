/**
 * `@hardcheck/core` — the model, the plugin contract, config and pack loading, the scheduler,
 * evaluation on json-rules-engine, waivers, attestations, and the report document.
 *
 * @packageDocumentation
 */
import "reflect-metadata";

// The model.
export * from "./model/types.js";
export { knownEndpointSchemes, parseEndpoint, parseHostSpec, registerEndpointScheme, type EndpointOptions } from "./model/endpoint.js";
export { describeError, formatIssue, HardcheckError, isHardcheckError, type HardcheckErrorCode, type InputIssue } from "./errors.js";

// Plugins: probes, reporters, packs.
export {
  defineProbe,
  isEndpointProbe,
  notApplicable,
  type EndpointProbe,
  type EndpointProbeMeta,
  type FactDeclaration,
  type HostProbe,
  type HostProbeMeta,
  type Probe,
  type ProbeDeps,
  type ProbeFacts,
  type ProbeMetaBase,
  type ProbeNotApplicable,
  type ProbeOutcome,
} from "./plugin/probe.js";
export { defineReporter, type Reporter, type ReporterOptions } from "./plugin/reporter.js";
export { importPlugin, type PluginContext, type PluginSpec, type RegisterPlugin } from "./plugin/plugin.js";
export { PluginRegistry, type FactProvider } from "./plugin/registry.js";
export { PACK_SOURCE, PROBE, PROBE_SERVICES, REPORTER } from "./plugin/tokens.js";
export {
  SecretResolver,
  silentLogger,
  systemClock,
  type Clock,
  type Limits,
  type Logger,
  type ProbeServices,
  type TrustStore,
} from "./plugin/services.js";

// Config, packs, schemas.
export { configFromObject, loadConfigFile, type LoadedConfig } from "./config/config.js";
export { loadPackFile, type LoadedPack, type PackSource } from "./config/pack.js";
export { jsonSchemas, type ConfigData, type ConfigInput } from "./config/schema.js";
export { parseSource, readSource, type SourceDocument } from "./config/source.js";

// Evaluation.
export { compareVersions, CUSTOM_OPERATORS, OPERATOR_NAMES, resolveDate, type OperatorDefinition } from "./engine/operators.js";
export { compileRule, Evaluator, readPath, type CompiledRule, type RuleVerdict } from "./engine/evaluate.js";

// Scanning.
export { Hardcheck, type HardcheckOptions } from "./hardcheck.js";
export { Scanner, type ScanOptions, type ScanProgress } from "./scan/scanner.js";
export { DEFAULT_LIMITS, prepareScan, type ResolvedLimits, type ScanSelection, type ScanSetup } from "./scan/setup.js";
export { FactCollector, type ProbeRun } from "./scan/collector.js";

// Reports.
export { buildReport, compareResults, mergeReports, parseReport, parseShard, selectShard, summarize } from "./report/report.js";
