/**
 * Phase 1 of a scan: turns a validated config into everything the later phases need, checking
 * every cross-reference. Errors are raised before any probe runs and name file, line and key.
 */

import { compareText } from "../compare-text.js";
import type { LoadedConfig } from "../config/config.js";
import type { CompiledRule } from "../engine/evaluate.js";
import { HardcheckError, type InputIssue } from "../errors.js";
import { type EndpointSchemeTable, parseEndpoint } from "../model/endpoint.js";
import type { ReportNotice } from "../model/report.js";
import type { Pack } from "../model/rule.js";
import type { Attestation, Waiver } from "../model/signoff.js";
import type { SiteInfo } from "../model/site.js";
import type { Endpoint, Target } from "../model/target.js";
import type { JsonValue } from "../model/values.js";
import type { PluginRegistry } from "../plugin/registry.js";
import type { Limits, TrustStore } from "../plugin/services.js";
import { printable } from "../report/printable.js";
import { parseShard, selectShard } from "../report/report.js";
import { scopeNotices } from "./applicability.js";
import { definedOnly, messageOf, ResolveIssues, suggest } from "./resolve-issues.js";
import { resolvePacks } from "./resolve-packs.js";
import { checkRules, compileRules, resolveRuleFilter, resolveTailoring } from "./resolve-rules.js";
import { resolveSignoffs } from "./resolve-signoffs.js";
import { resolveTargets } from "./resolve-targets.js";
import { resolveTrust } from "./resolve-trust.js";

/** Scan limits with defaults applied. */
export interface ResolvedLimits extends Limits {
  readonly concurrency: number;
  readonly perHost: number;
  /** 0 means no whole-scan timeout. */
  readonly scanTimeoutMs: number;
}

/** Default limits: generous enough for slow WAN links, small enough that a tarpit cannot stall a scan. */
export const DEFAULT_LIMITS: ResolvedLimits = {
  concurrency: 32,
  perHost: 4,
  connectTimeoutMs: 5_000,
  probeTimeoutMs: 20_000,
  scanTimeoutMs: 0,
};

/** Everything a scan needs, resolved and cross-checked: the output of {@link resolveScan}. */
export interface ResolvedScan {
  readonly packs: readonly Pack[];
  readonly rules: readonly CompiledRule[];
  /** The targets to scan: all of the config's, or one shard of them. */
  readonly targets: readonly Target[];
  readonly waivers: readonly Waiver[];
  readonly attestations: readonly Attestation[];
  readonly limits: ResolvedLimits;
  readonly trust: TrustStore;
  /** The config's directory; secret `file:` references resolve from here. */
  readonly baseDir: string;
  readonly notices: readonly ReportNotice[];
  /** The deployment overview for the filled-in checklist (the config's `site:`). */
  readonly site?: SiteInfo;
  /** `I/N` when {@link targets} are one shard of the config's targets. */
  readonly shard?: string;
}

/** Narrows a scan from the command line or an API caller. */
export interface ScanSelection {
  /** Only rules of these packs (ids as loaded). */
  readonly packs?: readonly string[];
  /** Only these rule ids. */
  readonly rules?: readonly string[];
  /**
   * Only the targets of shard `I/N` (1-based), chosen by a stable hash of the target id so that
   * N scans with `1/N` … `N/N` cover every target once; `merge` combines their reports.
   */
  readonly shard?: string;
  /** Override limits from the config. */
  readonly limits?: Partial<ResolvedLimits>;
  /**
   * Endpoints whose facts were recorded elsewhere (client evidence from `hardcheck listen`): each is
   * added to its target, or fills in the config's endpoint of the same URL (which keeps its tags).
   */
  readonly recordedEndpoints?: readonly RecordedEndpoint[];
}

/** An endpoint of a target whose facts were recorded elsewhere, with where they were read. */
export interface RecordedEndpoint {
  /** The id of the config's target the facts belong to. */
  readonly target: string;
  /** The endpoint URL; its scheme must be one some plugin registered, e.g. `client-smtp://127.0.0.1:2525`. */
  readonly url: string;
  /** Tags for an endpoint the config does not list. */
  readonly tags?: readonly string[];
  readonly facts: Readonly<Record<string, JsonValue>>;
  /** Where the facts were read: the file and the key path of the record, for errors and for the probe. */
  readonly file: string;
  readonly path: string;
}

/**
 * Resolves packs, targets, tailoring, waivers, attestations, trust and limits from a config, and
 * checks every rule against the registered probes and operators. Errors name file, line and key.
 */
export async function resolveScan(config: LoadedConfig, registry: PluginRegistry, selection: ScanSelection = {}): Promise<ResolvedScan> {
  const shard = selection.shard !== undefined ? parseShard(selection.shard) : undefined;
  const issues = new ResolveIssues();
  const resolved = resolveTargets(config, issues, registry.schemes);
  const { indexById } = resolved;
  const targets = withRecordedEndpoints(resolved.targets, selection.recordedEndpoints ?? [], registry.schemes);
  const { loaded, bundledPackIds } = await resolvePacks(config, registry, issues);
  issues.raiseFirst(["HC_CONFIG_INVALID"]);

  const checked = checkRules(loaded, bundledPackIds, registry);
  const packById = new Map(loaded.map((pack) => [pack.pack.id, pack.pack]));
  const tailoring = resolveTailoring(config, packById, checked.owners, issues);
  const filter = resolveRuleFilter(selection, packById, checked.owners);
  const rules = compileRules(loaded, checked, tailoring, filter, config, issues);
  const signoffs = await resolveSignoffs(config, { ruleIds: checked.owners, targetIds: indexById }, issues);
  const trust = await resolveTrust(config, issues);
  issues.raiseFirst(["HC_CONFIG_INVALID"]);

  const limits = config.data.limits;
  return {
    packs: loaded.map((pack) => pack.pack).filter((pack) => !filter.packs || filter.packs.has(pack.id)),
    rules,
    targets: shard ? selectShard(targets, shard.index, shard.count) : targets,
    ...signoffs,
    limits: {
      concurrency: limits?.concurrency ?? DEFAULT_LIMITS.concurrency,
      perHost: limits?.perHost ?? DEFAULT_LIMITS.perHost,
      connectTimeoutMs: limits?.connectTimeoutMs ?? DEFAULT_LIMITS.connectTimeoutMs,
      probeTimeoutMs: limits?.probeTimeoutMs ?? DEFAULT_LIMITS.probeTimeoutMs,
      scanTimeoutMs: limits?.scanTimeoutMs ?? DEFAULT_LIMITS.scanTimeoutMs,
      ...definedOnly(selection.limits ?? {}),
    },
    trust,
    baseDir: config.baseDir,
    ...(config.data.site ? { site: config.data.site as SiteInfo } : {}),
    // Scope notices look at every target, so each shard's report warns alike.
    notices: [...scopeNotices(rules, targets, registry), ...unprovidedNotices(rules, bundledPackIds)],
    ...(selection.shard !== undefined ? { shard: selection.shard } : {}),
  };
}

/**
 * Adds recorded endpoints to their targets. A record naming a target the config does not have, or a
 * URL no plugin can read, is `HC_EVIDENCE_INVALID` naming the record's file and key.
 */
export function withRecordedEndpoints(targets: readonly Target[], recorded: readonly RecordedEndpoint[], schemes: EndpointSchemeTable): readonly Target[] {
  if (recorded.length === 0) return targets;
  const problems: InputIssue[] = [];
  const byTarget = new Map<string, Endpoint[]>();
  for (const record of recorded) {
    const problem = (message: string) => problems.push({ file: record.file, path: record.path, message });
    const target = targets.find((candidate) => candidate.id === record.target);
    if (!target) {
      const known = targets.map((candidate) => candidate.id).sort();
      problem(`target "${printable(record.target)}" is not in the config — expected one of ${known.join(", ") || "(none)"}${suggest(record.target, known)}`);
      continue;
    }
    let endpoint: Endpoint;
    try {
      endpoint = parseEndpoint(record.url, { tags: record.tags ?? [] }, schemes);
    } catch (error) {
      // The URL came from a file someone else wrote: its message quotes it, control characters and all.
      problem(printable(messageOf(error)));
      continue;
    }
    const added = byTarget.get(target.id) ?? [];
    if (added.some((other) => other.url === endpoint.url)) {
      problem(`${endpoint.url} of target ${target.id} is recorded twice — give each listener its facts once`);
      continue;
    }
    const listed = target.endpoints.find((other) => other.url === endpoint.url);
    added.push({ ...(listed ?? endpoint), recorded: { from: `${record.file} ${record.path}`, facts: record.facts } });
    byTarget.set(target.id, added);
  }
  if (problems.length > 0) throw new HardcheckError("HC_EVIDENCE_INVALID", problems);
  return targets.map((target) => {
    const added = byTarget.get(target.id);
    if (!added) return target;
    const urls = new Set(added.map((endpoint) => endpoint.url));
    return { ...target, endpoints: [...target.endpoints.filter((endpoint) => !urls.has(endpoint.url)), ...added].sort((a, b) => compareText(a.url, b.url)) };
  });
}

/** One warning per bundled pack whose rules read facts no installed probe provides. */
function unprovidedNotices(rules: readonly CompiledRule[], bundledPackIds: ReadonlySet<string>): ReportNotice[] {
  return [...bundledPackIds]
    .map((packId) => {
      const affected = [...new Set(rules.filter((compiled) => compiled.rule.pack === packId && compiled.unprovidedFacts).map((compiled) => compiled.rule.id))];
      if (affected.length === 0) return undefined;
      const facts = [...new Set(rules.filter((compiled) => compiled.rule.pack === packId).flatMap((compiled) => compiled.unprovidedFacts ?? []))].sort();
      return {
        level: "warning" as const,
        code: "HC_FACT_UNPROVIDED",
        message: `pack ${packId}: ${affected.length} rule(s) read facts no installed probe provides (${facts.join(", ")}); their checks are reported as error`,
      };
    })
    .filter((notice) => notice !== undefined);
}

/** @deprecated Renamed {@link ResolvedScan}. */
export type ScanSetup = ResolvedScan;

/** @deprecated Renamed {@link resolveScan}. */
export const prepareScan: typeof resolveScan = resolveScan;
