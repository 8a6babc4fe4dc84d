// The OpenScape packs against the catalog data (catalog/*.json): every item has exactly one rule
// with its id, label and section, in the document's order; every rule is complete enough to act on.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileRuleParts, loadPackFile, type Pack, type Rule } from "@hardcheck/core";
import { describe, expect, it } from "vitest";
import { bundledPackFile, bundledPackIds } from "../src/index.js";

interface CatalogItem {
  readonly id: string;
  readonly label: string;
  readonly section: string;
  readonly classes: readonly string[];
}

const CATALOGS = ["openscape-concierge-v5r0", "openscape-xpert"] as const;
const catalogOf = (pack: string): CatalogItem[] =>
  (JSON.parse(readFileSync(fileURLToPath(new URL(`../catalog/${pack}.json`, import.meta.url)), "utf8")) as { items: CatalogItem[] }).items;
const packOf = async (id: (typeof bundledPackIds)[number]): Promise<Pack> => (await loadPackFile(bundledPackFile(id))).pack;

/** Facts each evidence class may read: a rule must take its evidence from a source its item names. */
const CLASS_FACT_PREFIXES: Readonly<Record<string, readonly string[]>> = {
  win: ["windows."],
  linux: ["sshd.", "pwquality.", "pam.", "login.", "shadow.", "updates.", "usb.", "usbguard.", "lldp.", "firewall.", "network.", "packages.", "sysctl."],
  net: ["tls.", "tcp.", "smtp.", "ldap.", "snmp.", "http.", "mssql.", "rdp.", "sip."],
  cfg: ["setting."],
  // How the product behaves as a client, recorded by a canary it was pointed at (hardcheck listen).
  client: ["client."],
};

/** The evidence class each source name of a multi-source rule stands for. */
const SOURCE_CLASSES: Readonly<Record<string, string>> = {
  network: "net",
  windows: "win",
  linux: "linux",
  "linux-live": "linux",
  config: "cfg",
  client: "client",
};

/** Facts a rule reads: its conditions, or the union over its sources. */
const factsOf = (rule: Rule): string[] => [...new Set(compileRuleParts(rule).flatMap((part) => part.facts))].sort();

/** Items that combine several evidence sources today; the other several-class items lack a probe for one class. */
const COMBINED: Readonly<Record<(typeof CATALOGS)[number], readonly string[]>> = {
  "openscape-concierge-v5r0": [
    "CL-CLEAN-DEPLOYMENT: windows + linux",
    "CL-WEAK-CIPHERS: windows + network",
    "CL-OSC-TLS12: network + windows",
    "CL-OSC-SERVER1: config + client",
    "CL-SMTP1: network + client",
    "CL-EWS1: network + client",
    "CL-LDAP1: network + client",
    "CL-SQLDB-CONN1: windows + network + client",
    "CL-PWD1: windows + linux",
    "CL-PW-POLICY: windows + linux + config",
  ],
  "openscape-xpert": [
    "CL-SIP-TLS: config + network",
    "CL-SIP-CERTCHECK: config + client",
    "CL-CSTA-TLS: config + network",
    "CL-WINDOWS-NLA4RDP: windows + network",
    "CL-WINDOWS-TLS-CIPHERS: windows + network",
  ],
};

describe.each(CATALOGS)("%s against its catalog", (packId) => {
  const catalog = catalogOf(packId);

  it("has the item count the document has", () => {
    expect(catalog.length).toBe(packId === "openscape-concierge-v5r0" ? 33 : 35);
  });

  it("is a bundled pack", () => {
    expect(bundledPackIds).toContain(packId);
  });

  it("has exactly one rule per item, with the item's id, label and section, in the document's order", async () => {
    const pack = await packOf(packId);
    expect(pack.rules.map((rule) => rule.id)).toEqual(catalog.map((item) => item.id));
    for (const item of catalog) {
      const rules = pack.rules.filter((rule) => rule.id === item.id);
      expect(rules, item.id).toHaveLength(1);
      expect({ id: item.id, checklistRef: rules[0]?.checklistRef, section: rules[0]?.section }).toEqual({
        id: item.id,
        checklistRef: item.label,
        section: item.section,
      });
    }
  });

  it("decides each item the way its evidence class allows", async () => {
    const pack = await packOf(packId);
    for (const item of catalog) {
      const rule = pack.rules.find((candidate) => candidate.id === item.id);
      if (!rule) throw new Error(`${item.id} missing`);
      if (rule.manual) {
        expect(item.classes, `${item.id} is manual but its item has no manual class`).toContain("manual");
        continue;
      }
      const facts = factsOf(rule);
      expect(facts.length, `${item.id} reads no fact`).toBeGreaterThan(0);
      const allowed = item.classes.flatMap((kind) => CLASS_FACT_PREFIXES[kind] ?? []);
      for (const fact of facts)
        expect(
          allowed.some((prefix) => fact.startsWith(prefix)),
          `${item.id} reads ${fact}; its classes are ${item.classes.join(", ")}`,
        ).toBe(true);
      // A rule software may fail to decide (cfg without a file) carries the question for the attesting person.
      if (facts.some((fact) => fact.startsWith("setting."))) expect(rule.prompt, `${item.id} needs a prompt`).toBeTruthy();
    }
  });

  it("combines the sources of items whose evidence names several classes, each source reading only its own class", async () => {
    const pack = await packOf(packId);
    for (const item of catalog) {
      const rule = pack.rules.find((candidate) => candidate.id === item.id);
      for (const part of rule?.sources ? compileRuleParts(rule) : []) {
        const kind = SOURCE_CLASSES[part.source ?? ""];
        expect(kind, `${item.id} source ${part.source} is one of ${Object.keys(SOURCE_CLASSES).join(", ")}`).toBeDefined();
        expect(item.classes, `${item.id} source ${part.source}`).toContain(kind);
        const prefixes = CLASS_FACT_PREFIXES[kind ?? ""] ?? [];
        for (const fact of part.facts)
          expect(
            prefixes.some((prefix) => fact.startsWith(prefix)),
            `${item.id} source ${part.source} reads ${fact}`,
          ).toBe(true);
      }
    }
    const combined = pack.rules.filter((rule) => rule.sources).map((rule) => `${rule.id}: ${rule.sources?.map((source) => source.name).join(" + ")}`);
    expect(combined).toEqual(COMBINED[packId]);
  });

  it("gives every rule remediation, a title and rationale in full sentences, and every parameter a default and a description", async () => {
    const pack = await packOf(packId);
    for (const rule of pack.rules) {
      expect(rule.remediation.length, `${rule.id} remediation`).toBeGreaterThan(30);
      expect(rule.rationale.length, `${rule.id} rationale`).toBeGreaterThan(30);
      expect(rule.title.length, `${rule.id} title`).toBeGreaterThan(10);
      for (const [name, parameter] of Object.entries(rule.parameters)) {
        expect(parameter.default, `${rule.id}.${name} default`).not.toBeUndefined();
        expect(parameter.description.length, `${rule.id}.${name} description`).toBeGreaterThan(5);
      }
      if (rule.manual) expect(rule.prompt?.endsWith("?"), `${rule.id} prompt is a question`).toBe(true);
    }
  });

  it("scopes every rule to the product's targets, the Xpert host items of §4 to the MLC and of §5 to the client devices", async () => {
    const pack = await packOf(packId);
    const tagOf = (rule: Rule): string => {
      if (packId === "openscape-concierge-v5r0") return "concierge";
      const host = !rule.scope.schemes && !rule.scope.tags;
      if (host && rule.section?.startsWith("4.")) return "xpert-mlc";
      if (rule.section?.startsWith("5.")) return "xpert-client";
      return "xpert";
    };
    for (const rule of pack.rules) expect(rule.scope.targetTags, rule.id).toEqual([tagOf(rule)]);
  });
});

describe("settings of the product as a TLS client", () => {
  /** Items about how the product validates the certificates it is shown, by pack. */
  const CLIENT_SIDE: ReadonlyArray<readonly [(typeof CATALOGS)[number], string]> = [
    ["openscape-concierge-v5r0", "CL-OSC-SERVER1"],
    ["openscape-xpert", "CL-LDAP-PROF"],
    ["openscape-xpert", "CL-DISABLE-SHA1"],
    ["openscape-xpert", "CL-OCSP"],
    ["openscape-xpert", "CL-SIP-CERTCHECK"],
    ["openscape-xpert", "CL-CSTA-CERT"],
  ];

  it.each(CLIENT_SIDE)("%s %s is never decided by a certificate a server presents", async (packId, id) => {
    const rule = (await packOf(packId)).rules.find((candidate) => candidate.id === id);
    if (!rule) throw new Error(`${id} missing`);
    expect(factsOf(rule).filter((fact) => fact.startsWith("tls."))).toEqual([]);
    // The product's setting, and what a canary saw it do as a client: never the server's chain.
    expect(rule.manual || factsOf(rule).every((fact) => fact.startsWith("setting.") || fact.startsWith("client."))).toBe(true);
    expect(rule.prompt, `${id} asks when no export is read`).toBeTruthy();
  });
});

describe("the password table of §7.1.1 (Concierge)", () => {
  it("carries every value of the document as a tailorable default", async () => {
    const rule = (await packOf("openscape-concierge-v5r0")).rules.find((candidate) => candidate.id === "CL-PW-POLICY");
    const defaults = Object.fromEntries(Object.entries(rule?.parameters ?? {}).map(([name, parameter]) => [name, parameter.default]));
    expect(defaults).toMatchObject({
      minLength: 8,
      maxLength: 16,
      minUpper: 1,
      minLower: 1,
      minDigits: 1,
      minSpecial: 1,
      maxRepeated: 3,
      maxSequential: 3,
      userNameForbidden: true,
      minChangedCharacters: 4,
      history: 5,
      maxAgeDays: 90,
    });
  });
});

describe("the hardening script values of §4.1.3 (Xpert)", () => {
  it("carries the document's values as defaults", async () => {
    const rule = (await packOf("openscape-xpert")).rules.find((candidate) => candidate.id === "CL-MLC-HARDENING-SCRIPT");
    const defaults = Object.fromEntries(Object.entries(rule?.parameters ?? {}).map(([name, parameter]) => [name, parameter.default]));
    expect(defaults).toMatchObject({ minLength: 14, minChangedCharacters: 2, maxRepeat: 3, maxRetry: 3, minRemembered: 5, maxDays: 90, warnDays: 14 });
  });
});

describe("facts of the OpenScape packs", () => {
  /** Facts of protocol probes not in this build yet: their checks report `error: no probe provides fact …`. */
  const PENDING_FACTS: string[] = [];

  it("are each declared by a bundled probe, apart from the pending protocol facts (which are not)", async () => {
    const [{ Hardcheck, registerBuiltins }, network, linux, windows] = await Promise.all([
      import("@hardcheck/core"),
      import("@hardcheck/probes-network"),
      import("@hardcheck/probes-linux"),
      import("@hardcheck/probes-windows"),
    ]);
    const hardcheck = await Hardcheck.create({ plugins: [registerBuiltins, network.register, linux.register, windows.register] });
    const facts = new Set<string>();
    for (const id of CATALOGS) for (const rule of (await packOf(id)).rules) if (!rule.manual) for (const fact of factsOf(rule)) facts.add(fact);
    const unprovided = [...facts].filter((fact) => hardcheck.registry.providersOf(fact).length === 0).sort();
    expect(unprovided).toEqual(PENDING_FACTS);
  });
});
