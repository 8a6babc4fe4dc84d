/** `validate`, `list-rules` and `explain`: read-only looks at configs and packs. */
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { resolve } from "node:path";
import {
  assessableSchemes,
  type CompiledRule,
  compareText,
  compileRuleParts,
  formatKeyPath,
  HardcheckError,
  type InputIssue,
  type LoadedConfig,
  loadPackFile,
  type Pack,
  type PluginRegistry,
  type Rule,
  readsProductSetting,
  ruleLevel,
} from "@hardcheck/core";
import { type CliInstance, createInstance } from "../instance.js";
import { type CliIo, EXIT } from "../io.js";
import { strictFailure } from "./scan.js";

/** `hardcheck validate FILE`: everything a scan would check before touching the network. */
export async function validateCommand(file: string, io: CliIo, options: { strict?: boolean } = {}): Promise<number> {
  const { hardcheck, config } = await createInstance(file, io.cwd);
  if (!config) return 2;
  const scan = await hardcheck.resolve(config);
  await checkSecretReferences(config, io);
  const endpoints = scan.targets.reduce((sum, target) => sum + target.endpoints.length, 0);
  for (const notice of scan.notices) io.stderr.write(`${notice.level === "warning" ? "WARNING" : "INFO"} ${notice.code}: ${notice.message}\n`);
  if (options.strict || config.data.strict) {
    const failure = strictFailure(scan.notices);
    if (failure) {
      io.stderr.write(failure);
      return EXIT.usage;
    }
  }
  const warnings = scan.notices.filter((notice) => notice.level === "warning").length;
  io.stdout.write(
    `${file}: valid${warnings ? ` with ${warnings} warning(s)` : ""} — ${scan.packs.length} pack(s), ${scan.rules.length} rule(s), ${scan.targets.length} target(s), ${endpoints} endpoint(s), ${scan.waivers.length} waiver(s), ${scan.attestations.length} attestation(s)\n`,
  );
  return EXIT.ok;
}

/**
 * Every `env:` and `file:` secret reference of the config resolves: an unset variable found by
 * `validate` is a fixed config, found by a scan it is a row of errors. Values are never read out.
 */
async function checkSecretReferences(config: LoadedConfig, io: CliIo): Promise<void> {
  const issues: InputIssue[] = [];
  const visit = async (node: unknown, path: Array<string | number>, secret: boolean): Promise<void> => {
    if (typeof node === "string" && secret) {
      const at = { file: config.file, ...config.document.locate(path), path: formatKeyPath(path) };
      if (node.startsWith("env:") && io.env[node.slice(4)] === undefined) {
        issues.push({ ...at, message: `secret reference ${node}: environment variable ${node.slice(4)} is not set` });
      } else if (node.startsWith("file:")) {
        const file = resolve(config.baseDir, node.slice(5));
        try {
          await access(file, constants.R_OK);
        } catch {
          issues.push({ ...at, message: `secret reference ${node}: cannot read ${file}` });
        }
      }
    } else if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) await visit(item, [...path, i], secret);
    } else if (node !== null && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) await visit(value, [...path, key], secret || key === "credentials" || key === "passphrase");
    }
  };
  await visit(config.data, [], false);
  if (issues.length > 0) throw new HardcheckError("HC_CONFIG_INVALID", issues);
}

/** Packs from the config when one is given, otherwise every bundled pack. */
async function availablePacks({ hardcheck, config }: CliInstance): Promise<{ packs: Pack[]; compiled: Map<string, CompiledRule[]> }> {
  if (config) {
    const scan = await hardcheck.resolve(config);
    return { packs: [...scan.packs], compiled: groupParts(scan.rules) };
  }
  const packs: Pack[] = [];
  for (const source of [...hardcheck.registry.packs.values()].sort((a, b) => compareText(a.id, b.id))) {
    packs.push((await loadPackFile(source.file, source.displayName ?? source.id, source.compiled)).pack);
  }
  return { packs, compiled: groupParts(packs.flatMap((pack) => pack.rules.flatMap((rule) => compileRuleParts(rule)))) };
}

/** Compiled parts by rule id (a multi-source rule has one part per source). */
function groupParts(parts: readonly CompiledRule[]): Map<string, CompiledRule[]> {
  const byRule = new Map<string, CompiledRule[]>();
  for (const part of parts) byRule.set(part.rule.id, [...(byRule.get(part.rule.id) ?? []), part]);
  return byRule;
}

/** How a rule is decided: by a person, from a product setting file (else by a person), or by probes. */
export type RuleClass = "automated" | "cfg" | "manual";

/** How a rule is decided: `cfg` rules read the generic `setting` probe and wait for an attestation without a file. */
export function ruleClass(rule: Rule): RuleClass {
  if (rule.manual) return "manual";
  // A rule whose every evidence source is a product setting is "cfg"; any probed source makes it automated.
  const parts = compileRuleParts(rule);
  return parts.every(readsProductSetting) ? "cfg" : "automated";
}

/** Rules of one pack counted by class. */
export interface PackCoverage {
  readonly pack: string;
  readonly title: string;
  readonly rules: number;
  readonly automated: number;
  readonly cfg: number;
  readonly manual: number;
}

/** Counts a pack's rules by class. */
export function packCoverage(pack: Pack): PackCoverage {
  const classes = pack.rules.map(ruleClass);
  const count = (kind: RuleClass) => classes.filter((value) => value === kind).length;
  return { pack: pack.id, title: pack.title, rules: pack.rules.length, automated: count("automated"), cfg: count("cfg"), manual: count("manual") };
}

/** One line: how much of a pack software decides. */
export function coverageLine(coverage: PackCoverage): string {
  const decided = coverage.automated + coverage.cfg;
  const share = coverage.rules === 0 ? 0 : Math.round((decided / coverage.rules) * 100);
  return `${coverage.rules} rules: ${coverage.automated} automated, ${coverage.cfg} cfg (read from a settings file when one is named, else attested), ${coverage.manual} manual — software can decide ${decided} of ${coverage.rules} (${share}%)`;
}

/** The coverage table the README carries, in Markdown. */
export function coverageMarkdown(packs: readonly Pack[]): string {
  const rows = packs.map(packCoverage);
  const lines = ["| pack | rules | automated | cfg | manual |", "| --- | --: | --: | --: | --: |"];
  for (const row of rows) lines.push(`| \`${row.pack}\` | ${row.rules} | ${row.automated} | ${row.cfg} | ${row.manual} |`);
  return `${lines.join("\n")}\n`;
}

/** `hardcheck list-rules [--pack ID] [--config FILE]`. */
export async function listRulesCommand(options: { pack?: string; config?: string; json?: boolean; markdown?: boolean }, io: CliIo): Promise<number> {
  const instance = await createInstance(options.config, io.cwd);
  const { packs, compiled } = await availablePacks(instance);
  const needsOf = (rule: Rule) => ruleNeeds(compiled.get(rule.id) ?? [], instance.hardcheck.registry);
  const selected = options.pack ? packs.filter((pack) => pack.id === options.pack) : packs;
  if (options.pack && selected.length === 0) {
    throw new HardcheckError("HC_PACK_UNKNOWN", `--pack ${options.pack}: no such pack — available: ${packs.map((pack) => pack.id).join(", ")}`);
  }
  if (options.markdown) {
    io.stdout.write(coverageMarkdown(selected));
    return 0;
  }
  if (options.json) {
    const rows = selected.flatMap((pack) =>
      pack.rules.map((rule) => ({
        id: rule.id,
        pack: pack.id,
        checklistRef: rule.checklistRef ?? null,
        severity: rule.severity,
        class: ruleClass(rule),
        section: rule.section ?? null,
        title: rule.title,
        needs: needsOf(rule),
      })),
    );
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  for (const pack of selected) {
    io.stdout.write(`${pack.id} ${pack.version} — ${pack.title}\n`);
    const width = Math.max(...pack.rules.map((rule) => rule.id.length));
    for (const rule of pack.rules) {
      io.stdout.write(`  ${rule.id.padEnd(width)}  ${rule.severity.padEnd(8)}  ${ruleClass(rule).padEnd(9)}  ${rule.title}\n`);
      // With one pack asked for, say what each rule needs from the config to apply at all.
      if (options.pack) io.stdout.write(`  ${" ".repeat(width)}  needs: ${formatNeeds(needsOf(rule))}\n`);
    }
    io.stdout.write(`  ${coverageLine(packCoverage(pack))}\n\n`);
  }
  return 0;
}

/** What a rule needs from a config to apply: target tags, OS, a host, endpoint schemes and tags. */
export interface RuleNeeds {
  readonly targetTags: readonly string[];
  readonly os: readonly string[];
  readonly host: boolean;
  readonly schemes: readonly string[];
  readonly endpointTags: readonly string[];
}

/** The needs of a rule from its compiled parts (a multi-source rule needs any one source's). */
export function ruleNeeds(parts: readonly CompiledRule[], registry: PluginRegistry): RuleNeeds {
  const scope = parts[0]?.rule.scope ?? {};
  const levels = parts.map((part) => ruleLevel(part, registry));
  const schemes = new Set<string>();
  parts.forEach((part, i) => {
    if (levels[i] === "endpoint") for (const scheme of assessableSchemes(part, registry)) schemes.add(scheme);
    if (levels[i] === "manual") for (const scheme of part.rule.scope.schemes ?? []) schemes.add(scheme);
  });
  return {
    targetTags: [...(scope.targetTags ?? [])],
    os: [...(scope.os ?? [])],
    host: levels.includes("host"),
    schemes: [...schemes].sort(),
    endpointTags: levels.every((level) => level === "host") ? [] : [...(scope.tags ?? [])],
  };
}

function formatNeeds(needs: RuleNeeds): string {
  const parts: string[] = [];
  if (needs.targetTags.length) parts.push(`target tagged ${needs.targetTags.join(" or ")}`);
  if (needs.os.length) parts.push(`os ${needs.os.join(" or ")}`);
  if (needs.host) parts.push("a host (local:, root:, ssh:// or evidence:)");
  if (needs.schemes.length || needs.endpointTags.length)
    parts.push(
      `${needs.host ? "or " : ""}an endpoint${needs.schemes.length ? ` ${needs.schemes.join("/")}` : ""}${needs.endpointTags.length ? ` tagged ${needs.endpointTags.join(" or ")}` : ""}`,
    );
  return parts.join("; ") || "any target (attested by a person)";
}

/** `hardcheck explain RULE [--config FILE]`. */
export async function explainCommand(ruleId: string, options: { config?: string }, io: CliIo): Promise<number> {
  const instance = await createInstance(options.config, io.cwd);
  const { hardcheck } = instance;
  const { compiled } = await availablePacks(instance);
  const parts = compiled.get(ruleId);
  const entry = parts?.[0];
  if (!parts || !entry)
    throw new HardcheckError("HC_RULE_UNKNOWN", `no rule "${ruleId}" in ${options.config ? options.config : "the bundled packs"} — see hardcheck list-rules`);
  const { rule } = entry;
  const lines = [
    `${rule.id} — ${rule.title}`,
    `pack: ${rule.pack}${rule.checklistRef ? `   checklist item: ${rule.checklistRef}` : ""}${rule.section ? `   section: ${rule.section}` : ""}`,
    `severity: ${rule.severity}   class: ${ruleClass(rule)}${rule.source ? `   defined in ${rule.source.file}:${rule.source.line}` : ""}`,
    "",
    "Why it matters",
    indent(rule.rationale),
    "",
    "How to fix it",
    indent(rule.remediation),
  ];
  if (rule.prompt) lines.push("", rule.manual ? "Attestation prompt" : "Attestation prompt (when no probe can decide it)", indent(rule.prompt));
  if (Object.keys(rule.parameters).length > 0) {
    lines.push("", "Parameters (tailor with tailoring: { RULE-ID: { name: value } })");
    for (const [name, parameter] of Object.entries(rule.parameters)) {
      const effective = entry.parameters[name];
      const tailored = JSON.stringify(effective) !== JSON.stringify(parameter.default) ? `  (tailored: ${JSON.stringify(effective)})` : "";
      lines.push(`  ${name} = ${JSON.stringify(parameter.default)}${tailored} — ${parameter.description}`);
    }
  }
  for (const part of parts) {
    if (!part.conditions) continue;
    lines.push(
      "",
      part.source ? `Source "${part.source}": what must hold` : "Conditions (what must hold)",
      ...JSON.stringify(part.conditions, null, 2)
        .split("\n")
        .map((line) => `  ${line}`),
    );
    lines.push("", "Facts and the probes that provide them");
    for (const fact of part.facts) {
      const providers = hardcheck.registry.providersOf(fact).map((provider) => provider.probe);
      lines.push(`  ${fact} ← ${providers.map((probe) => probe.meta.id).join(", ") || "no probe registered"}`);
      // What the fact means, as the providing probe declares it (the README tables come from the same declarations).
      const meanings = new Set(
        providers.flatMap((probe) => probe.meta.facts.filter((declared) => declared.name === fact).map((declared) => declared.description)),
      );
      for (const meaning of meanings) lines.push(`      ${meaning}`);
    }
  }
  if (parts.length > 1)
    lines.push(
      "",
      "Several sources: the item passes only when every source that applies to the target was checked and passed; one that applies but could not be checked leaves it to an attestation.",
    );
  if (Object.keys(rule.scope).length > 0) lines.push("", `Scope: ${JSON.stringify(rule.scope)}`);
  io.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

function indent(text: string): string {
  return text
    .trim()
    .split(/\s*\n\s*/)
    .map((line) => `  ${line}`)
    .join("\n");
}
