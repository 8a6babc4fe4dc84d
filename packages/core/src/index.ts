/**
 * `@hardcheck/core` — the model, the plugin contract, config and pack loading, the scheduler,
 * evaluation on json-rules-engine, waivers, attestations, and the report document.
 *
 * @packageDocumentation
 */
import "reflect-metadata";

export { compareText } from "./compare-text.js";
// Config, packs, schemas.
export { configFromObject, type LoadedConfig, loadConfigFile } from "./config/config.js";
export { jsonSchemas } from "./config/json-schemas.js";
export { compilePack, type LoadedPack, loadPackFile, type PackSource } from "./config/pack.js";
export type { ConfigData, ConfigInput } from "./config/schema.js";
export {
  type CompiledSource,
  compileSource,
  formatKeyPath,
  issuesFromZod,
  MAX_INPUT_FILE_BYTES,
  type PackedPosition,
  parseSource,
  raise,
  readSource,
  type SourceDocument,
  sourceFromCompiled,
} from "./config/source.js";
// Evaluation.
export { blamedConditions, briefValue, describeAlternatives, describeCondition, describeFailures, describeHolding, isNegated } from "./engine/describe.js";
export { type CompiledRule, compileRule, compileRuleParts, Evaluator, type RuleVerdict, readPath } from "./engine/evaluate.js";
export { CUSTOM_OPERATORS, compareVersions, OPERATOR_NAMES, type OperatorDefinition, resolveDate } from "./engine/operators.js";
export {
  type CombinedVerdict,
  combineSourceOutcomes,
  DEFAULT_SOURCE_PROMPT,
  type SourceOutcome,
  type SourceState,
  sourceNotApplicableTo,
} from "./engine/sources.js";
export { compareDebianVersions, compareSemver, type DebianVersion, parseDebianVersion } from "./engine/versions.js";
export { describeError, formatIssue, HardcheckError, type HardcheckErrorCode, type InputIssue, isHardcheckError } from "./errors.js";
// Scanning.
export { Hardcheck, type HardcheckOptions } from "./hardcheck.js";
export {
  BUILTIN_ENDPOINT_SCHEMES,
  checkEndpointScheme,
  type EndpointOptions,
  type EndpointScheme,
  type EndpointSchemeTable,
  endpointSchemeTable,
  parseEndpoint,
  parseHostSpec,
} from "./model/endpoint.js";
export { parseIsoInstant } from "./model/instant.js";
// The model.
export * from "./model/report.js";
export * from "./model/rule.js";
export * from "./model/signoff.js";
export * from "./model/site.js";
export * from "./model/target.js";
export * from "./model/values.js";
// Plugins: probes, their facts, reporters, packs.
export {
  checkFacts,
  defineFacts,
  type FactCheck,
  type FactDeclarations,
  type FactSpec,
  type FactSpecs,
  type FactsOf,
  factsFrom,
  factTable,
  type StandardSchemaV1,
} from "./plugin/facts.js";
export { HOST_IMPORT, hostImport } from "./plugin/import-module.js";
export { importPlugin, type PluginContext, type PluginSpec, type ProbeFactory, type RegisterPlugin } from "./plugin/plugin.js";
export {
  defineProbe,
  type EndpointProbe,
  type EndpointProbeMeta,
  type FactDeclaration,
  type HostProbe,
  type HostProbeDeps,
  type HostProbeMeta,
  isEndpointProbe,
  notApplicable,
  type Probe,
  type ProbeDeps,
  type ProbeFacts,
  type ProbeMetaBase,
  type ProbeNotApplicable,
  type ProbeOutcome,
  verifiedAbsent,
} from "./plugin/probe.js";
export { type FactProvider, PluginRegistry } from "./plugin/registry.js";
export { defineReporter, type Reporter, type ReporterOptions } from "./plugin/reporter.js";
export {
  type Clock,
  createScanCache,
  fixedClock,
  type Limits,
  type Logger,
  MIN_SECRET_LENGTH,
  type ProbeServices,
  type ScanCache,
  SecretResolver,
  silentLogger,
  systemClock,
  type TrustStore,
} from "./plugin/services.js";
export { ENDPOINT_SCHEME, PACK_SOURCE, PROBE, REPORTER, TRANSPORT } from "./plugin/tokens.js";
export {
  type DetectedOs,
  defineTransport,
  type ExecOptions,
  type ExecResult,
  execUnavailable,
  type FileStat,
  type HostTransport,
  type TransportDeps,
  type TransportProvider,
} from "./plugin/transport.js";
// Built-in probes.
export { builtinProbes, registerBuiltins } from "./probes/builtins.js";
export { readSettings, SETTING_FORMATS, type SettingFormat, type SettingParams, settingProbe } from "./probes/setting/setting.probe.js";
export { parseXmlDocument, readXmlPath, type XmlDocument, xmlPathYieldsList } from "./probes/setting/xml-path.js";
export {
  factOfGroup,
  fromReportFile,
  groupFacts,
  groupResults,
  reportElementText,
  reportListElements,
  reportListItems,
  resultOfGroup,
  toReportFile,
} from "./report/file.js";
// Reports.
export { printable, printableDeep } from "./report/printable.js";
export { type OpenedReport, openReportStream, type ReportHeader, type ReportStream, type ReportTargetPart } from "./report/read-stream.js";
export {
  buildReport,
  compareResults,
  compareTargetIds,
  fnv1a,
  mergeReportHeaders,
  mergeReports,
  parseReport,
  parseShard,
  resultsWithRules,
  selectShard,
  summarize,
  toReportTarget,
  upgradeReport,
  withRuleFields,
} from "./report/report.js";
export { serializeReport, serializeReportField, serializeReportFieldParts } from "./report/serialize.js";
export { evidenceIsBySource, joinResults, joinStoredResults, ReportTableBuilder, type StoredTables } from "./report/tables.js";
export {
  assessableSchemes,
  type RuleLevel,
  readsProductSetting,
  ruleLevel,
  SCOPE_WARNING_CODES,
  type ScopeGap,
  scopeGap,
  scopeNotices,
  type TargetOutOfScope,
  targetOutOfScope,
} from "./scan/applicability.js";
export { FactCollector, type ProbeRun, reportProbeFault } from "./scan/collector.js";
export {
  DEFAULT_LIMITS,
  prepareScan,
  type RecordedEndpoint,
  type ResolvedLimits,
  type ResolvedScan,
  resolveScan,
  type ScanSelection,
  type ScanSetup,
  withRecordedEndpoints,
} from "./scan/resolve.js";
export { suggest } from "./scan/resolve-issues.js";
export { type ResultSink, Scanner, type ScanOptions, type ScanProgress, type StreamedReport } from "./scan/scanner.js";
export { reportTablesFor } from "./scan/write.js";
