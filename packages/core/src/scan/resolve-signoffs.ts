/** Resolve step 4: waivers and attestations, each naming a known rule and target. */
import { isAbsolute, resolve } from "node:path";
import type { LoadedConfig } from "../config/config.js";
import { attestationsFileSchema } from "../config/schema.js";
import { issuesFromZod, type KeyPath, raise, readSource } from "../config/source.js";
import { isHardcheckError } from "../errors.js";
import type { Attestation, Waiver } from "../model/signoff.js";
import { definedOnly, type LocatableFile, type ResolveIssues, suggest } from "./resolve-issues.js";

/** The config's waivers and attestations. */
export interface ResolvedSignoffs {
  readonly waivers: readonly Waiver[];
  readonly attestations: readonly Attestation[];
}

/** What a waiver or attestation may refer to. */
export interface KnownIds {
  readonly ruleIds: ReadonlySet<string> | ReadonlyMap<string, unknown>;
  readonly targetIds: ReadonlySet<string> | ReadonlyMap<string, unknown>;
}

/**
 * Reads the waivers and the attestations (inline, or from the file `attestations:` names). Entries
 * naming an unknown rule or target go to `issues`; an unreadable or invalid attestations file raises.
 */
export async function resolveSignoffs(config: LoadedConfig, known: KnownIds, issues: ResolveIssues): Promise<ResolvedSignoffs> {
  const ruleIds = [...known.ruleIds.keys()];
  const waivers: Waiver[] = [];
  (config.data.waivers ?? []).forEach((waiver, wi) => {
    if (!known.ruleIds.has(waiver.rule))
      issues.at("HC_CONFIG_INVALID", config.document, ["waivers", wi, "rule"], `unknown rule "${waiver.rule}"${suggest(waiver.rule, ruleIds)}`);
    if (waiver.target !== "*" && !known.targetIds.has(waiver.target))
      issues.at("HC_CONFIG_INVALID", config.document, ["waivers", wi, "target"], `unknown target "${waiver.target}" — expected a target id or *`);
    waivers.push(definedOnly(waiver) as Waiver);
  });
  const check = (rule: string, target: string, path: KeyPath, file: LocatableFile) => {
    if (!known.ruleIds.has(rule)) issues.at("HC_CONFIG_INVALID", file, path, `unknown rule "${rule}"${suggest(rule, ruleIds)}`);
    if (!known.targetIds.has(target)) issues.at("HC_CONFIG_INVALID", file, path, `unknown target "${target}"`);
  };
  return { waivers, attestations: await loadAttestations(config, check) };
}

async function loadAttestations(
  config: LoadedConfig,
  check: (rule: string, target: string, path: KeyPath, file: LocatableFile) => void,
): Promise<Attestation[]> {
  const source = config.data.attestations;
  if (source === undefined) return [];
  if (Array.isArray(source)) {
    source.forEach((entry, i) => {
      check(entry.rule, entry.target, ["attestations", i], config.document);
    });
    return source.map((entry) => definedOnly(entry) as Attestation);
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
  return entries.map((entry) => definedOnly(entry) as Attestation);
}
