/**
 * Broken configs and packs: every error names its code, file, line, column and key path, and says
 * what was expected. Each fixture in `fixtures/bad-config/` holds exactly one mistake.
 */
import { readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configFromObject, type LoadedConfig, loadConfigFile } from "../src/config/config.js";
import { HardcheckError, type HardcheckErrorCode } from "../src/errors.js";
import { Hardcheck } from "../src/hardcheck.js";
import { fakeEndpointProbe, fakePlugin, fixture, passingProbe, thrown } from "./support/fakes.js";

interface BadFileCase {
  /** Config fixture under `fixtures/bad-config/`. */
  readonly config: string;
  /** `load`: refused by loadConfigFile; `prepare`: the config is well-formed, prepare refuses it. */
  readonly stage: "load" | "prepare";
  readonly code: HardcheckErrorCode;
  /** The file the issue names: `config` for the config fixture itself, else as written in the config. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Key path; undefined for syntax errors, which have no path. */
  readonly path?: string;
  readonly says: RegExp;
  /** How many issues the error holds (the first is checked); 1 when absent. */
  readonly issues?: number;
}

const CASES: readonly BadFileCase[] = [
  // Syntax: the parser's own errors, positioned (a YAML file the repo linter cannot parse is made in a test below).
  {
    config: "syntax-error.json",
    stage: "load",
    code: "HC_CONFIG_SYNTAX",
    file: "config",
    line: 4,
    column: 19,
    says: /^Unexpected double-quoted-scalar token — the file must be valid YAML or JSON$/,
    issues: 2,
  },
  {
    config: "duplicate-key.yaml",
    stage: "load",
    code: "HC_CONFIG_SYNTAX",
    file: "config",
    line: 5,
    column: 1,
    says: /^Map keys must be unique — the file must be valid YAML or JSON$/,
  },
  {
    config: "unknown-alias.yaml",
    stage: "load",
    code: "HC_CONFIG_SYNTAX",
    file: "config",
    line: 6,
    column: 16,
    says: /^Unresolved alias \(the anchor must be set before the alias\): web-endpoint — the file must be valid YAML or JSON$/,
  },
  // Shape: the config schema.
  {
    config: "unknown-top-level-key.yaml",
    stage: "load",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 5,
    column: 1,
    path: "reporters",
    says: /^unknown key "reporters" — expected one of packs, plugins, trust, targets, tailoring, waivers, attestations, limits, site, strict$/,
  },
  {
    config: "unknown-target-key.yaml",
    stage: "load",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 5,
    column: 5,
    path: "targets[0].adress",
    says: /^unknown key "adress" — expected one of id, host, os, tags, endpoints(, [a-zA-Z]+)*$/,
  },
  {
    config: "packs-not-a-list.yaml",
    stage: "load",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 1,
    column: 8,
    path: "packs",
    says: /^expected a list, got "tls-baseline"$/,
  },
  {
    config: "concurrency-not-a-number.json",
    stage: "load",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 5,
    column: 20,
    path: "limits.concurrency",
    says: /^expected a number, got "ten"$/,
  },
  {
    config: "waiver-without-reason.yaml",
    stage: "load",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 6,
    column: 5,
    path: "waivers[0].reason",
    says: /^is required — expected a string$/,
  },
  {
    config: "waiver-bad-expires.yaml",
    stage: "load",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 10,
    column: 14,
    path: "waivers[0].expires",
    says: /^expected an existing ISO date such as 2026-12-31 or 2026-12-31T18:00:00Z$/,
  },
  {
    config: "waiver-impossible-date.yaml",
    stage: "load",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 10,
    column: 14,
    path: "waivers[0].expires",
    says: /^expected an existing ISO date such as 2026-12-31 or 2026-12-31T18:00:00Z$/,
  },
  {
    config: "as-of-on-live-host.yaml",
    stage: "prepare",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 5,
    column: 11,
    path: "targets[0].asOf",
    says: /^asOf applies to root: images and evidence: exports only — a live ssh: host is judged at the scan's time$/,
  },
  // Cross-references: checked by prepare against the registered probes and packs.
  {
    config: "endpoint-not-a-url.yaml",
    stage: "prepare",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 6,
    column: 9,
    path: "targets[0].endpoints[0]",
    says: /^"smtp\/\/mail" is not a URL — expected e\.g\. smtp:\/\/mail\.example:25$/,
  },
  {
    config: "endpoint-unknown-scheme.yaml",
    stage: "prepare",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 6,
    column: 9,
    path: "targets[0].endpoints[1]",
    says: /^"gopher:\/\/old\.example:70" has unknown scheme "gopher" — expected one of .*smtp, .*tls/,
  },
  {
    config: "unknown-pack.yaml",
    stage: "prepare",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 3,
    column: 5,
    path: "packs[1]",
    says: /^unknown pack "fake-pakc" — expected a bundled pack \(fake-pack\) or a path to a pack file$/,
  },
  {
    config: "duplicate-target-ids.json",
    stage: "prepare",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 5,
    column: 13,
    path: "targets[1].id",
    says: /^duplicate target id "web" — first used at targets\[0\]$/,
  },
  {
    config: "waiver-unknown-rule.yaml",
    stage: "prepare",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 6,
    column: 11,
    path: "waivers[0].rule",
    says: /^unknown rule "fake-value-okay" — did you mean "fake-value-ok"\?$/,
  },
  {
    config: "tailoring-unknown-rule.yaml",
    stage: "prepare",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 6,
    column: 3,
    path: "tailoring.fake-value-okk",
    says: /^"fake-value-okk" is neither a loaded rule id nor a pack id — did you mean "fake-value-ok"\?$/,
  },
  {
    config: "tailoring-undeclared-parameter.yaml",
    stage: "prepare",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 8,
    column: 5,
    path: "tailoring.fake-value-ok.minLength",
    says: /^rule "fake-value-ok" declares no parameter "minLength" — expected one of expected$/,
  },
  {
    config: "tailoring-pack-undeclared-parameter.yaml",
    stage: "prepare",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 8,
    column: 5,
    path: "tailoring.fake-pack.maxAge",
    says: /^no rule of pack "fake-pack" declares parameter "maxAge" — expected one of expected, horizon$/,
  },
  {
    config: "tailoring-breaks-operator.yaml",
    stage: "prepare",
    code: "HC_CONFIG_INVALID",
    file: "config",
    line: 7,
    column: 14,
    path: "tailoring.fake-date-later.horizon",
    says: /^value for operator dateAfter of rule fake-date-later: expected an ISO date, "now", "now\+30d" \/ "now-12h" or \{ daysFromNow: N \}$/,
  },
  {
    config: "attestation-bad-verdict.yaml",
    stage: "prepare",
    code: "HC_CONFIG_INVALID",
    file: "./attestations-bad-verdict.yaml",
    line: 9,
    column: 14,
    path: "attestations[1].verdict",
    says: /^expected one of "pass", "fail", "not-applicable", got "probably"$/,
  },
  // Packs: the rule files a config names.
  {
    config: "uses-pack-duplicate-rule.yaml",
    stage: "prepare",
    code: "HC_PACK_INVALID",
    file: "./pack-duplicate-rule.yaml",
    line: 13,
    column: 9,
    path: "rules[1].id",
    says: /^duplicate rule id "twice" — first defined at rules\[0\] \(line 5\)$/,
  },
  {
    config: "uses-packs-same-rule.yaml",
    stage: "prepare",
    code: "HC_RULE_DUPLICATE",
    file: "./pack-same-rule-b.yaml",
    line: 13,
    column: 9,
    path: "rules[1].id",
    says: /^rule id "shared-rule" is also defined in \.\/pack-same-rule-a\.json:6 — rule ids must be unique across packs$/,
  },
  {
    config: "uses-pack-unknown-fact.yaml",
    stage: "prepare",
    code: "HC_RULE_UNKNOWN_FACT",
    file: "./pack-unknown-fact.yaml",
    line: 15,
    column: 17,
    path: "rules[0].conditions.all[1].fact",
    says: /^no probe provides fact "fake\.vlaue" — did you mean "fake\.value"\?$/,
  },
  {
    config: "uses-pack-unknown-operator.yaml",
    stage: "prepare",
    code: "HC_PACK_INVALID",
    file: "./pack-unknown-operator.yaml",
    line: 13,
    column: 21,
    path: "rules[0].conditions.any[0].operator",
    says: /^unknown operator "roughlyEqual" — expected one of contains, dateAfter, .*versionLessThanInclusive$/,
  },
  {
    config: "uses-pack-manual-no-prompt.yaml",
    stage: "prepare",
    code: "HC_PACK_INVALID",
    file: "./pack-manual-no-prompt.yaml",
    line: 10,
    column: 13,
    path: "rules[0].manual",
    says: /^a manual rule needs a prompt: the question the attesting person answers$/,
  },
  {
    config: "uses-pack-undeclared-param.yaml",
    stage: "prepare",
    code: "HC_PACK_INVALID",
    file: "./pack-undeclared-param.yaml",
    line: 18,
    column: 18,
    path: "rules[0].conditions.all[0].value",
    says: /^parameter "minLength" is not declared in this rule's parameters — declare it with a default and a description$/,
  },
];

/** Loads a bad-config fixture, then prepares it with the fake plugin; reports where it was refused. */
async function refusal(name: string): Promise<{ stage: "load" | "prepare"; error: unknown; probeCalls: number; config?: LoadedConfig }> {
  const path = fixture("bad-config", name);
  let config: LoadedConfig;
  try {
    config = await loadConfigFile(path);
  } catch (error) {
    return { stage: "load", error, probeCalls: 0 };
  }
  let probeCalls = 0;
  const countingProbe = fakeEndpointProbe(async (endpoint, params, deps) => {
    probeCalls++;
    return passingProbe.collect(endpoint, params, deps);
  });
  const hardcheck = await Hardcheck.create({ plugins: [fakePlugin(countingProbe)], config });
  try {
    await hardcheck.resolve(config);
  } catch (error) {
    return { stage: "prepare", error, probeCalls, config };
  }
  throw new Error(`${name} was accepted, but it holds a mistake`);
}

describe("broken config files", () => {
  it.each(CASES)("$config → $code at $line:$column $path", async (testCase) => {
    const { stage, error } = await refusal(testCase.config);
    expect(error).toBeInstanceOf(HardcheckError);
    const failure = error as HardcheckError;
    expect(failure.code).toBe(testCase.code);
    expect(stage).toBe(testCase.stage);
    expect(failure.issues).toHaveLength(testCase.issues ?? 1);
    const issue = failure.issues[0];
    const file = testCase.file === "config" ? fixture("bad-config", testCase.config) : testCase.file;
    expect(issue).toMatchObject({ file, line: testCase.line, column: testCase.column });
    expect(issue?.path).toBe(testCase.path);
    expect(issue?.message).toMatch(testCase.says);
    // The human message carries all of it on one line: code, file:line:column, key path, what was expected.
    const place = `${file}:${testCase.line}:${testCase.column}${testCase.path ? ` ${testCase.path}` : ""}`;
    if (failure.issues.length === 1) expect(failure.message).toBe(`${testCase.code}: ${place}: ${issue?.message}`);
    else expect(failure.message.split("\n").slice(0, 2)).toEqual([`${testCase.code}: `, `  ${place}: ${issue?.message}`]);
  });

  it("covers every config fixture in the folder", () => {
    const configs = readdirSync(fixture("bad-config")).filter((name) => !/^(pack-|attestations-)/.test(name) && name !== "many-problems.yaml");
    expect(configs.sort()).toEqual(CASES.map((testCase) => testCase.config).sort());
  });

  it("reports every problem of a file at once, in file order", async () => {
    const error = await thrown(() => loadConfigFile(fixture("bad-config", "many-problems.yaml")));
    expect(error).toBeInstanceOf(HardcheckError);
    const failure = error as HardcheckError;
    expect(failure.code).toBe("HC_CONFIG_INVALID");
    expect(failure.issues.map((issue) => [issue.line, issue.column, issue.path])).toEqual([
      [5, 9, "targets[0].os"],
      [8, 12, "limits.perHost"],
      [10, 5, "waivers[0].approvedBy"],
    ]);
    expect(failure.issues[0]?.message).toBe("expected a string, got 7");
    // One issue per line under the code, each with its own place.
    expect(failure.message.split("\n")).toHaveLength(4);
    expect(failure.message.split("\n")[2]).toContain(`many-problems.yaml:8:12 limits.perHost: `);
  });

  it("positions a YAML syntax error", async () => {
    // Written at run time: the repository's linter parses every committed YAML file and would refuse it.
    const dir = await mkdtemp(join(tmpdir(), "hardcheck-syntax-"));
    try {
      const file = join(dir, "hardcheck.yaml");
      await writeFile(file, "packs: [fake-pack]\ntargets:\n  - id: web\n    os: linux: debian\n    endpoints: [tls://127.0.0.1:8443]\n");
      const error = await thrown(() => loadConfigFile(file));
      expect(error).toBeInstanceOf(HardcheckError);
      expect((error as HardcheckError).code).toBe("HC_CONFIG_SYNTAX");
      expect((error as HardcheckError).message).toBe(
        `HC_CONFIG_SYNTAX: ${file}:4:9: Nested mappings are not allowed in compact mappings — the file must be valid YAML or JSON`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("names a missing file and says it was not found", async () => {
    const missing = fixture("bad-config", "does-not-exist.yaml");
    const error = await thrown(() => loadConfigFile(missing));
    expect(error).toBeInstanceOf(HardcheckError);
    expect((error as HardcheckError).code).toBe("HC_CONFIG_UNREADABLE");
    expect((error as HardcheckError).message).toBe(`HC_CONFIG_UNREADABLE: ${missing}: cannot read: file not found`);
  });

  it("names a directory given instead of a file", async () => {
    const folder = fixture("bad-config");
    const error = await thrown(() => loadConfigFile(folder));
    expect((error as HardcheckError).code).toBe("HC_CONFIG_UNREADABLE");
    expect((error as HardcheckError).message).toBe(`HC_CONFIG_UNREADABLE: ${folder}: cannot read: is a directory, not a file`);
  });

  it("refuses a rule reading an unknown fact in prepare, before any probe runs", async () => {
    const { stage, error, probeCalls, config } = await refusal("uses-pack-unknown-fact.yaml");
    expect(stage).toBe("prepare");
    expect((error as HardcheckError).code).toBe("HC_RULE_UNKNOWN_FACT");
    expect(probeCalls).toBe(0);
    // scan() prepares first, so it refuses the same way without touching the probe.
    let calls = 0;
    const probe = fakeEndpointProbe(async (endpoint, params, deps) => {
      calls++;
      return passingProbe.collect(endpoint, params, deps);
    });
    if (!config) throw new Error("the config should have loaded");
    const hardcheck = await Hardcheck.create({ plugins: [fakePlugin(probe)], config });
    await expect(hardcheck.scan(config)).rejects.toMatchObject({ code: "HC_RULE_UNKNOWN_FACT" });
    expect(calls).toBe(0);
  });

  it("prepares a config without mistakes with the same plugin and pack", async () => {
    const config = configFromObject(
      { packs: ["fake-pack"], targets: [{ id: "web", endpoints: ["tls://127.0.0.1:8443"] }], tailoring: { "fake-date-later": { horizon: "now+60d" } } },
      { baseDir: fixture("bad-config") },
    );
    const hardcheck = await Hardcheck.create({ plugins: [fakePlugin(passingProbe)], config });
    const setup = await hardcheck.resolve(config);
    expect(setup.rules.map((compiled) => compiled.rule.id)).toEqual(["fake-value-ok", "fake-date-later", "fake-manual"]);
    expect(setup.rules[1]?.parameters).toEqual({ horizon: "now+60d" });
    expect(setup.targets.map((target) => target.endpoints.map((endpoint) => endpoint.url))).toEqual([["tls://127.0.0.1:8443"]]);
  });
});
