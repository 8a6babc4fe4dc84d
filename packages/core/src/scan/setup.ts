/** Turns a validated config into everything a scan needs, checking every cross-reference. */
import { readdir, readFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import type { LoadedConfig } from "../config/config.js";
import { conditionSets, forEachLeaf, type LoadedPack, loadPackFile, paramReferences } from "../config/pack.js";
import { attestationsFileSchema } from "../config/schema.js";
import { formatKeyPath, issuesFromZod, type KeyPath, raise, readSource } from "../config/source.js";
import { type CompiledRule, compileRuleParts } from "../engine/evaluate.js";
import { CUSTOM_OPERATORS, OPERATOR_NAMES } from "../engine/operators.js";
import { HardcheckError, type InputIssue, isHardcheckError } from "../errors.js";
import { parseEndpoint, parseHostSpec } from "../model/endpoint.js";
import { parseIsoInstant } from "../model/instant.js";
import type { Attestation, Endpoint, JsonValue, Pack, ReportNotice, SiteInfo, Target, Waiver } from "../model/types.js";
import type { PluginRegistry } from "../plugin/registry.js";
import type { Limits, TrustStore } from "../plugin/services.js";
import { scopeNotices } from "./applicability.js";

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

/** Everything a scan needs, resolved and cross-checked. */
export interface ScanSetup {
  readonly packs: readonly Pack[];
  readonly rules: readonly CompiledRule[];
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
}

/** Narrows a scan from the command line or an API caller. */
export interface ScanSelection {
  /** Only rules of these packs (ids as loaded). */
  readonly packs?: readonly string[];
  /** Only these rule ids. */
  readonly rules?: readonly string[];
  /** Override limits from the config. */
  readonly limits?: Partial<ResolvedLimits>;
}

/**
 * Resolves packs, targets, tailoring, waivers, attestations, trust and limits from a config, and
 * checks every rule against the registered probes and operators. Errors name file, line and key.
 */
export async function prepareScan(config: LoadedConfig, registry: PluginRegistry, selection: ScanSelection = {}): Promise<ScanSetup> {
  const { data, document, baseDir } = config;
  const issues: InputIssue[] = [];
  const at = (path: KeyPath, message: string, atKey = false) =>
    issues.push({ file: document.file, ...document.locate(path, atKey), path: formatKeyPath(path), message });

  // Targets and endpoints.
  const targets: Target[] = [];
  const targetIds = new Map<string, number>();
  data.targets.forEach((target, ti) => {
    if (targetIds.has(target.id)) at(["targets", ti, "id"], `duplicate target id "${target.id}" — first used at targets[${targetIds.get(target.id)}]`);
    targetIds.set(target.id, ti);
    const endpoints: Endpoint[] = [];
    const endpointLines: Record<string, number> = {};
    (target.endpoints ?? []).forEach((entry, ei) => {
      const path: KeyPath = typeof entry === "string" ? ["targets", ti, "endpoints", ei] : ["targets", ti, "endpoints", ei, "url"];
      try {
        const endpoint =
          typeof entry === "string"
            ? parseEndpoint(entry, {}, registry.schemes)
            : parseEndpoint(
                entry.url,
                { ...(entry.tags ? { tags: entry.tags } : {}), ...(entry.servername ? { servername: entry.servername } : {}) },
                registry.schemes,
              );
        if (endpoints.some((other) => other.url === endpoint.url)) at(path, `endpoint ${endpoint.url} is listed twice for this target`);
        else {
          endpoints.push(endpoint);
          endpointLines[endpoint.url] = document.locate(["targets", ti, "endpoints", ei])?.line ?? document.locate(["targets", ti])?.line ?? 1;
        }
      } catch (error) {
        at(path, stripCode(error));
      }
    });
    let host: Target["host"];
    if (target.host) {
      try {
        const parsed = parseHostSpec(target.host);
        // A relative root:/evidence: path means "next to the config file", like every other path in it.
        host =
          (parsed.kind === "root" || parsed.kind === "evidence") && !isAbsolute(parsed.location)
            ? { ...parsed, location: resolve(baseDir, parsed.location) }
            : parsed;
      } catch (error) {
        at(["targets", ti, "host"], stripCode(error));
      }
    }
    if (target.asOf !== undefined && host && host.kind !== "root" && host.kind !== "evidence") {
      at(["targets", ti, "asOf"], `asOf applies to root: images and evidence: exports only — a live ${host.kind}: host is judged at the scan's time`);
    } else if (target.asOf !== undefined && !target.host) {
      at(["targets", ti, "asOf"], "asOf applies to a target with a root: or evidence: host — endpoints are always judged at the scan's time");
    }
    if (endpoints.length === 0 && !target.host && (target.endpoints ?? []).length === 0) {
      at(["targets", ti], "a target needs a host or at least one endpoint");
    }
    targets.push({
      id: target.id,
      ...(host ? { host } : {}),
      ...(target.os ? { os: target.os } : {}),
      ...(target.ssh
        ? {
            ssh: {
              ...target.ssh,
              // Key and known_hosts paths are relative to the config file, like every other path in it.
              ...(target.ssh.identityFile ? { identityFile: resolve(baseDir, target.ssh.identityFile) } : {}),
              ...(target.ssh.knownHosts ? { knownHosts: resolve(baseDir, target.ssh.knownHosts) } : {}),
            },
          }
        : {}),
      ...(target.credentials ? { credentials: { ...target.credentials } } : {}),
      ...(target.allowCredentialTries !== undefined ? { allowCredentialTries: target.allowCredentialTries } : {}),
      ...(target.asOf !== undefined && parseIsoInstant(target.asOf) !== undefined
        ? { asOf: new Date(parseIsoInstant(target.asOf) as number).toISOString() }
        : {}),
      tags: [...(target.tags ?? [])].sort(),
      endpoints: endpoints.sort((a, b) => a.url.localeCompare(b.url)),
      source: { file: document.file, line: document.locate(["targets", ti])?.line ?? 1 },
      endpointLines,
    });
  });

  // Packs.
  const loaded: LoadedPack[] = [];
  // Packs shipped by plugins may read facts of plugins that are not installed: those rules still run
  // (their checks say which fact is missing) instead of failing the load. User packs stay strict.
  const bundledPackIds = new Set<string>();
  for (const [pi, ref] of data.packs.entries()) {
    const bundled = registry.packs.get(ref);
    const looksLikePath = /[\\/]/.test(ref) || /\.(ya?ml|json)$/i.test(ref);
    if (!bundled && !looksLikePath) {
      const known = [...registry.packs.keys()].sort();
      at(["packs", pi], `unknown pack "${ref}" — expected a bundled pack (${known.join(", ") || "none registered"}) or a path to a pack file`);
      continue;
    }
    try {
      const file = bundled ? bundled.file : isAbsolute(ref) ? ref : resolve(baseDir, ref);
      const pack = await loadPackFile(file, bundled ? (bundled.displayName ?? `${bundled.id}.yaml`) : ref);
      if (loaded.some((other) => other.pack.id === pack.pack.id)) at(["packs", pi], `pack "${pack.pack.id}" is listed twice`);
      else {
        loaded.push(pack);
        if (bundled) bundledPackIds.add(pack.pack.id);
      }
    } catch (error) {
      if (isHardcheckError(error, "HC_CONFIG_UNREADABLE")) at(["packs", pi], `pack file ${ref}: ${error.issues[0]?.message ?? "cannot read"}`);
      else throw error;
    }
  }
  if (issues.length > 0) raise("HC_CONFIG_INVALID", issues);

  // Rules across packs: unique ids, known facts and operators, one level per rule.
  const ruleIssues: InputIssue[] = [];
  const ruleOwners = new Map<string, { pack: LoadedPack; index: number }>();
  const unprovided = new Map<string, Set<string>>();
  for (const pack of loaded) {
    pack.pack.rules.forEach((rule, index) => {
      const place = (path: KeyPath) => ({ file: pack.document.file, ...pack.document.locate(path), path: formatKeyPath(path) });
      const owner = ruleOwners.get(rule.id);
      if (owner) {
        const first = owner.pack.document.locate(owner.pack.rulePath(owner.index));
        ruleIssues.push({
          ...place([...pack.rulePath(index), "id"]),
          message: `rule id "${rule.id}" is also defined in ${owner.pack.document.file}${first ? `:${first.line}` : ""} — rule ids must be unique across packs`,
        });
      } else ruleOwners.set(rule.id, { pack, index });
      for (const set of conditionSets(rule, pack.rulePath(index))) {
        const levels = new Set<string>();
        const unprovidedKey = set.source ? `${rule.id}#${set.source}` : rule.id;
        forEachLeaf(set.conditions, set.path, (leaf, path) => {
          const providers = registry.providersOf(leaf.fact);
          if (providers.length === 0 && bundledPackIds.has(pack.pack.id)) {
            unprovided.set(unprovidedKey, (unprovided.get(unprovidedKey) ?? new Set<string>()).add(leaf.fact));
          } else if (providers.length === 0) {
            ruleIssues.push({ ...place([...path, "fact"]), message: `no probe provides fact "${leaf.fact}"${suggest(leaf.fact, registry.factNames)}` });
          }
          for (const provider of providers) levels.add(provider.level);
          if (!OPERATOR_NAMES.has(leaf.operator)) {
            ruleIssues.push({
              ...place([...path, "operator"]),
              message: `unknown operator "${leaf.operator}" — expected one of ${[...OPERATOR_NAMES].sort().join(", ")}`,
            });
          }
        });
        if (levels.size > 1) {
          ruleIssues.push({
            ...place(set.source ? set.path.slice(0, -1) : pack.rulePath(index)),
            message: set.source
              ? `source "${set.source}" reads both endpoint facts and host facts — each source reads one kind`
              : "a rule must read either endpoint facts or host facts, not both — give it one source per kind (sources: [{ name, conditions }, …])",
          });
        } else if (set.source && levels.size === 1) {
          // The name says where the evidence comes from; facts of the other kind would make it lie.
          const expected = set.source === "network" || set.source === "client" ? "endpoint" : "host";
          const level = [...levels][0];
          if (level !== expected)
            ruleIssues.push({
              ...place([...set.path.slice(0, -1), "name"]),
              message: `source "${set.source}" reads ${level} facts — a ${set.source} source reads ${expected} facts (network and client read endpoints; windows, linux, linux-live and config read the host)`,
            });
        }
      }
    });
  }
  if (ruleIssues.some((issue) => issue.message.includes("is also defined in"))) {
    raise(
      "HC_RULE_DUPLICATE",
      ruleIssues.filter((issue) => issue.message.includes("is also defined in")),
    );
  }
  if (ruleIssues.some((issue) => issue.message.startsWith("no probe provides"))) {
    raise(
      "HC_RULE_UNKNOWN_FACT",
      ruleIssues.filter((issue) => issue.message.startsWith("no probe provides")),
    );
  }
  if (ruleIssues.length > 0) raise("HC_PACK_INVALID", ruleIssues);

  // Tailoring: keys are rule ids or pack ids; every parameter must be declared.
  const packById = new Map(loaded.map((pack) => [pack.pack.id, pack.pack]));
  const packOverrides = new Map<string, Record<string, JsonValue>>();
  const ruleOverrides = new Map<string, Record<string, JsonValue>>();
  for (const [key, values] of Object.entries(data.tailoring ?? {})) {
    const pack = packById.get(key);
    const owner = ruleOwners.get(key);
    if (!pack && !owner) {
      at(["tailoring", key], `"${key}" is neither a loaded rule id nor a pack id${suggest(key, [...ruleOwners.keys(), ...packById.keys()])}`, true);
      continue;
    }
    const declared = pack
      ? new Set(pack.rules.flatMap((rule) => Object.keys(rule.parameters)))
      : new Set(Object.keys(owner?.pack.pack.rules[owner.index]?.parameters ?? {}));
    for (const name of Object.keys(values)) {
      if (!declared.has(name)) {
        at(
          ["tailoring", key, name],
          `${pack ? `no rule of pack "${key}" declares` : `rule "${key}" declares no`} parameter "${name}" — expected one of ${[...declared].sort().join(", ") || "(none)"}`,
          true,
        );
      }
    }
    (pack ? packOverrides : ruleOverrides).set(key, values as Record<string, JsonValue>);
  }

  // Selection.
  const packFilter = selection.packs ? new Set(selection.packs) : undefined;
  const ruleFilter = selection.rules ? new Set(selection.rules) : undefined;
  for (const id of packFilter ?? []) {
    if (!packById.has(id))
      throw new HardcheckError("HC_PACK_UNKNOWN", `--pack ${id}: no such pack in this config — loaded: ${[...packById.keys()].join(", ")}`);
  }
  for (const id of ruleFilter ?? []) {
    if (!ruleOwners.has(id))
      throw new HardcheckError("HC_RULE_UNKNOWN", `--rule ${id}: no such rule in the loaded packs${suggest(id, [...ruleOwners.keys()])}`);
  }

  // Compile with tailoring; check operator values now that parameters are known.
  const rules: CompiledRule[] = [];
  for (const pack of loaded) {
    pack.pack.rules.forEach((rule, index) => {
      if (packFilter && !packFilter.has(rule.pack)) return;
      if (ruleFilter && !ruleFilter.has(rule.id)) return;
      const overrides: Record<string, JsonValue> = {};
      for (const name of Object.keys(rule.parameters)) {
        const fromPack = packOverrides.get(rule.pack)?.[name];
        if (fromPack !== undefined) overrides[name] = fromPack;
      }
      Object.assign(overrides, ruleOverrides.get(rule.id) ?? {});
      for (const part of compileRuleParts(rule, overrides)) {
        const missing = unprovided.get(part.key);
        const compiled: CompiledRule = { ...part, ...(missing ? { unprovidedFacts: [...missing].sort() } : {}) };
        const partPath: KeyPath = part.source
          ? [...pack.rulePath(index), "sources", rule.sources?.findIndex((source) => source.name === part.source) ?? 0, "conditions"]
          : [...pack.rulePath(index), "conditions"];
        const written = part.source ? rule.sources?.find((source) => source.name === part.source)?.conditions : rule.conditions;
        if (compiled.conditions) {
          forEachLeaf(compiled.conditions, partPath, (leaf, path) => {
            const why = CUSTOM_OPERATORS.find((op) => op.name === leaf.operator)?.validate?.(leaf.value);
            if (!why) return;
            const original = paramReferences(written, partPath).find((ref) => formatKeyPath(ref.path).startsWith(formatKeyPath([...path, "value"])));
            const tailored =
              original && (ruleOverrides.get(rule.id)?.[original.value] !== undefined || packOverrides.get(rule.pack)?.[original.value] !== undefined);
            if (tailored && original) {
              const key = ruleOverrides.get(rule.id)?.[original.value] !== undefined ? rule.id : rule.pack;
              at(["tailoring", key, original.value], `value for operator ${leaf.operator} of rule ${rule.id}: ${why}`);
            } else {
              issues.push({
                file: pack.document.file,
                ...pack.document.locate([...path, "value"]),
                path: formatKeyPath([...path, "value"]),
                message: `operator ${leaf.operator}: ${why}`,
              });
            }
          });
        }
        rules.push(compiled);
      }
    });
  }

  // Waivers and attestations refer to known rules and targets.
  const waivers: Waiver[] = [];
  (data.waivers ?? []).forEach((waiver, wi) => {
    if (!ruleOwners.has(waiver.rule)) at(["waivers", wi, "rule"], `unknown rule "${waiver.rule}"${suggest(waiver.rule, [...ruleOwners.keys()])}`);
    if (waiver.target !== "*" && !targetIds.has(waiver.target)) at(["waivers", wi, "target"], `unknown target "${waiver.target}" — expected a target id or *`);
    waivers.push({ ...waiver, ...(waiver.expires ? { expires: waiver.expires } : {}) } as Waiver);
  });
  const attestations = await loadAttestations(config, (rule, target, path, file) => {
    const problems: string[] = [];
    if (!ruleOwners.has(rule)) problems.push(`unknown rule "${rule}"${suggest(rule, [...ruleOwners.keys()])}`);
    if (!targetIds.has(target)) problems.push(`unknown target "${target}"`);
    for (const message of problems) {
      if (file) issues.push({ file: file.file, ...file.locate(path), path: formatKeyPath(path), message });
      else at(path, message);
    }
  });

  const trust = await loadTrust(config, at);
  if (issues.length > 0) raise("HC_CONFIG_INVALID", issues);

  const limits: ResolvedLimits = {
    concurrency: data.limits?.concurrency ?? DEFAULT_LIMITS.concurrency,
    perHost: data.limits?.perHost ?? DEFAULT_LIMITS.perHost,
    connectTimeoutMs: data.limits?.connectTimeoutMs ?? DEFAULT_LIMITS.connectTimeoutMs,
    probeTimeoutMs: data.limits?.probeTimeoutMs ?? DEFAULT_LIMITS.probeTimeoutMs,
    scanTimeoutMs: data.limits?.scanTimeoutMs ?? DEFAULT_LIMITS.scanTimeoutMs,
    ...definedOnly(selection.limits ?? {}),
  };
  return {
    packs: loaded.map((pack) => pack.pack).filter((pack) => !packFilter || packFilter.has(pack.id)),
    rules,
    targets,
    waivers,
    attestations,
    limits,
    trust,
    baseDir,
    ...(data.site ? { site: data.site as SiteInfo } : {}),
    notices: [
      ...scopeNotices(rules, targets, registry),
      ...[...bundledPackIds]
        .map((packId) => {
          const affected = [
            ...new Set(rules.filter((compiled) => compiled.rule.pack === packId && compiled.unprovidedFacts).map((compiled) => compiled.rule.id)),
          ];
          if (affected.length === 0) return undefined;
          const facts = [...new Set(rules.filter((compiled) => compiled.rule.pack === packId).flatMap((compiled) => compiled.unprovidedFacts ?? []))].sort();
          return {
            level: "warning" as const,
            code: "HC_FACT_UNPROVIDED",
            message: `pack ${packId}: ${affected.length} rule(s) read facts no installed probe provides (${facts.join(", ")}); their checks are reported as error`,
          };
        })
        .filter((notice) => notice !== undefined),
    ],
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function stripCode(error: unknown): string {
  if (error instanceof HardcheckError) return error.issues.map((issue) => issue.message).join("; ");
  throw error;
}

/** `— did you mean "x"?` for a near miss, or an empty string. */
function suggest(name: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ? ` — did you mean "${best}"?` : "";
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

type AttestationCheck = (
  rule: string,
  target: string,
  path: KeyPath,
  file?: { file: string; locate: (p: KeyPath) => { line: number; column: number } | undefined },
) => void;

async function loadAttestations(config: LoadedConfig, check: AttestationCheck): Promise<Attestation[]> {
  const source = config.data.attestations;
  if (source === undefined) return [];
  if (Array.isArray(source)) {
    source.forEach((entry, i) => {
      check(entry.rule, entry.target, ["attestations", i]);
    });
    return source.map(cleanAttestation);
  }
  const path = isAbsolute(source) ? source : resolve(config.baseDir, source);
  let document: Awaited<ReturnType<typeof readSource>>;
  try {
    document = await readSource(path, source);
  } catch (error) {
    if (isHardcheckError(error, "HC_CONFIG_UNREADABLE")) {
      raise("HC_CONFIG_INVALID", [
        {
          file: config.file,
          ...config.document.locate(["attestations"]),
          path: "attestations",
          message: `attestations file ${source}: ${error.issues[0]?.message}`,
        },
      ]);
    }
    throw error;
  }
  const parsed = attestationsFileSchema.safeParse(document.data);
  if (!parsed.success) raise("HC_CONFIG_INVALID", issuesFromZod(parsed.error, document));
  const entries = Array.isArray(parsed.data) ? parsed.data : parsed.data.attestations;
  const prefix: KeyPath = Array.isArray(parsed.data) ? [] : ["attestations"];
  entries.forEach((entry, i) => {
    check(entry.rule, entry.target, [...prefix, i], document);
  });
  return entries.map(cleanAttestation);
}

function cleanAttestation(entry: Attestation): Attestation {
  return definedOnly(entry) as Attestation;
}

async function loadTrust(config: LoadedConfig, at: (path: KeyPath, message: string) => void): Promise<TrustStore> {
  const trust = config.data.trust;
  const caCertificates: string[] = [];
  const addPem = (text: string, path: KeyPath, name: string) => {
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
    if (!blocks) at(path, `${name} holds no PEM certificate — expected "-----BEGIN CERTIFICATE-----" blocks`);
    else caCertificates.push(...blocks);
  };
  if (trust?.caFile) {
    const file = resolve(config.baseDir, trust.caFile);
    try {
      addPem(await readFile(file, "utf8"), ["trust", "caFile"], trust.caFile);
    } catch {
      at(["trust", "caFile"], `cannot read CA file ${trust.caFile}`);
    }
  }
  if (trust?.caDir) {
    const dir = resolve(config.baseDir, trust.caDir);
    try {
      const names = (await readdir(dir)).filter((name) => /\.(pem|crt|cer)$/i.test(name)).sort();
      for (const name of names) addPem(await readFile(join(dir, name), "utf8"), ["trust", "caDir"], `${trust.caDir}/${name}`);
    } catch {
      at(["trust", "caDir"], `cannot read CA directory ${trust.caDir}`);
    }
  }
  return { caCertificates, useSystemRoots: trust?.systemRoots ?? true };
}
