/** `validate`, `list-rules` and `explain`: read-only looks at configs and packs. */
import { type CompiledRule, compileRule, HardcheckError, loadPackFile, type Pack, type Rule } from "@hardcheck/core";
import { type CliInstance, createInstance } from "../instance.js";
import type { CliIo } from "../io.js";

/** `hardcheck validate FILE`: everything a scan would check before touching the network. */
export async function validateCommand(file: string, io: CliIo): Promise<number> {
  const { hardcheck, config } = await createInstance(file, io.cwd);
  if (!config) return 2;
  const setup = await hardcheck.prepare(config);
  const endpoints = setup.targets.reduce((sum, target) => sum + target.endpoints.length, 0);
  io.stdout.write(
    `${file}: valid — ${setup.packs.length} pack(s), ${setup.rules.length} rule(s), ${setup.targets.length} target(s), ${endpoints} endpoint(s), ${setup.waivers.length} waiver(s), ${setup.attestations.length} attestation(s)\n`,
  );
  return 0;
}

/** Packs from the config when one is given, otherwise every bundled pack. */
async function availablePacks({ hardcheck, config }: CliInstance): Promise<{ packs: Pack[]; compiled: Map<string, CompiledRule> }> {
  if (config) {
    const setup = await hardcheck.prepare(config);
    return { packs: [...setup.packs], compiled: new Map(setup.rules.map((rule) => [rule.rule.id, rule])) };
  }
  const packs: Pack[] = [];
  for (const source of [...hardcheck.registry.packs.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    packs.push((await loadPackFile(source.file, source.displayName ?? source.id)).pack);
  }
  return { packs, compiled: new Map(packs.flatMap((pack) => pack.rules.map((rule) => [rule.id, compileRule(rule)] as const))) };
}

/** How a rule is decided. */
export function ruleClass(rule: Rule): "automated" | "manual" {
  return rule.manual ? "manual" : "automated";
}

/** `hardcheck list-rules [--pack ID] [--config FILE]`. */
export async function listRulesCommand(options: { pack?: string; config?: string; json?: boolean }, io: CliIo): Promise<number> {
  const { packs } = await availablePacks(await createInstance(options.config, io.cwd));
  const selected = options.pack ? packs.filter((pack) => pack.id === options.pack) : packs;
  if (options.pack && selected.length === 0) {
    throw new HardcheckError("HC_PACK_UNKNOWN", `--pack ${options.pack}: no such pack — available: ${packs.map((pack) => pack.id).join(", ")}`);
  }
  if (options.json) {
    const rows = selected.flatMap((pack) =>
      pack.rules.map((rule) => ({
        id: rule.id,
        pack: pack.id,
        checklistRef: rule.checklistRef ?? null,
        severity: rule.severity,
        class: ruleClass(rule),
        title: rule.title,
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
    }
    const manual = pack.rules.filter((rule) => rule.manual).length;
    io.stdout.write(`  ${pack.rules.length} rules: ${pack.rules.length - manual} automated, ${manual} manual\n\n`);
  }
  return 0;
}

/** `hardcheck explain RULE [--config FILE]`. */
export async function explainCommand(ruleId: string, options: { config?: string }, io: CliIo): Promise<number> {
  const instance = await createInstance(options.config, io.cwd);
  const { hardcheck } = instance;
  const { compiled } = await availablePacks(instance);
  const entry = compiled.get(ruleId);
  if (!entry)
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
  if (rule.manual) lines.push("", "Attestation prompt", indent(rule.prompt ?? ""));
  if (Object.keys(rule.parameters).length > 0) {
    lines.push("", "Parameters (tailor with tailoring: { RULE-ID: { name: value } })");
    for (const [name, parameter] of Object.entries(rule.parameters)) {
      const effective = entry.parameters[name];
      const tailored = JSON.stringify(effective) !== JSON.stringify(parameter.default) ? `  (tailored: ${JSON.stringify(effective)})` : "";
      lines.push(`  ${name} = ${JSON.stringify(parameter.default)}${tailored} — ${parameter.description}`);
    }
  }
  if (entry.conditions) {
    lines.push(
      "",
      "Conditions (what must hold)",
      ...JSON.stringify(entry.conditions, null, 2)
        .split("\n")
        .map((line) => `  ${line}`),
    );
    lines.push("", "Facts and the probes that provide them");
    for (const fact of entry.facts) {
      const providers = hardcheck.registry.providersOf(fact).map((provider) => provider.probe.meta.id);
      lines.push(`  ${fact} ← ${providers.join(", ") || "no probe registered"}`);
    }
  }
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
