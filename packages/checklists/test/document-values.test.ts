// Every threshold the OpenScape packs take from their documents, against a table transcribed from the
// documents themselves (§ numbers and footnotes cited per row). A default that differs from the
// document's value must say why in its description.
import { loadPackFile, type Pack } from "@hardcheck/core";
import { describe, expect, it } from "vitest";
import { bundledPackFile } from "../src/index.js";

type PackId = "openscape-concierge-v5r0" | "openscape-xpert";

interface DocumentValue {
  readonly pack: PackId;
  readonly rule: string;
  readonly parameter: string;
  /** Where the document says it. */
  readonly source: string;
  /** The document's value: the default must equal it (or, for `includes`, list every member of it). */
  readonly value: unknown;
  readonly includes?: true;
  /** The default differs on purpose: its description must match this. */
  readonly differsBecause?: RegExp;
}

const C = "openscape-concierge-v5r0" as const;
const X = "openscape-xpert" as const;

const TABLE: readonly DocumentValue[] = [
  // Concierge §7.1.1 table, rows 1–13, and its footnotes.
  { pack: C, rule: "CL-PW-POLICY", parameter: "minLength", source: "§7.1.1 row 1", value: 8 },
  { pack: C, rule: "CL-PW-POLICY", parameter: "maxLength", source: "§7.1.1 row 2", value: 16 },
  { pack: C, rule: "CL-PW-POLICY", parameter: "minUpper", source: "§7.1.1 row 3", value: 1 },
  { pack: C, rule: "CL-PW-POLICY", parameter: "minLower", source: "§7.1.1 row 4", value: 1 },
  { pack: C, rule: "CL-PW-POLICY", parameter: "minDigits", source: "§7.1.1 row 5", value: 1 },
  { pack: C, rule: "CL-PW-POLICY", parameter: "minSpecial", source: "§7.1.1 row 6", value: 1 },
  { pack: C, rule: "CL-PW-POLICY", parameter: "maxRepeated", source: "§7.1.1 row 7", value: 3 },
  { pack: C, rule: "CL-PW-POLICY", parameter: "maxSequential", source: "§7.1.1 row 8", value: 3 },
  { pack: C, rule: "CL-PW-POLICY", parameter: "userNameForbidden", source: "§7.1.1 row 9", value: true },
  { pack: C, rule: "CL-PW-POLICY", parameter: "minChangedCharacters", source: "§7.1.1 row 11", value: 4 },
  { pack: C, rule: "CL-PW-POLICY", parameter: "history", source: "§7.1.1 row 12", value: 5 },
  { pack: C, rule: "CL-PW-POLICY", parameter: "maxAgeDays", source: "§7.1.1 row 13", value: 90 },
  { pack: C, rule: "CL-PWD1", parameter: "minLength", source: "§5.1.1 refers to §7.1.1 row 1", value: 8 },
  // Concierge TLS and suites.
  {
    pack: C,
    rule: "CL-OSC-TLS12",
    parameter: "disabledSchannelProtocols",
    source: "§4.1 note: TLS 1.0 and 1.1 off in the OS",
    value: ["TLS 1.0", "TLS 1.1"],
    includes: true,
  },
  { pack: C, rule: "CL-OSC-TLS12", parameter: "allowedVersions", source: "§4.1 note: TLS 1.2", value: ["TLSv1.2"], includes: true },
  {
    pack: C,
    rule: "CL-WEAK-CIPHERS",
    parameter: "deprecatedSuites",
    source: "§3.7 names 3DES and lists the PSK NULL suites",
    value: ["TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_PSK_WITH_NULL_SHA384", "TLS_PSK_WITH_NULL_SHA256"],
    includes: true,
  },
  { pack: C, rule: "CL-SQLDB-CONN1", parameter: "deprecatedSuiteClasses", source: "§4.7 note: no 3DES for SQL Server", value: ["3des"], includes: true },
  // Concierge as a client (what a canary saw it offer): the same TLS version and 3DES requirements.
  ...(["CL-SMTP1", "CL-LDAP1", "CL-EWS1", "CL-SQLDB-CONN1"] as const).map(
    (rule): DocumentValue => ({ pack: C, rule, parameter: "clientVersions", source: "§4.1 note: TLS 1.2, nothing older", value: ["TLSv1.2"], includes: true }),
  ),
  ...(["CL-SMTP1", "CL-LDAP1", "CL-EWS1"] as const).map(
    (rule): DocumentValue => ({ pack: C, rule, parameter: "clientWeakSuiteClasses", source: "§3.7 and §4.7 name 3DES", value: ["3des"], includes: true }),
  ),
  // Concierge accounts and software lists.
  { pack: C, rule: "CL-CLEAN-DEPLOYMENT", parameter: "forbiddenPrograms", source: "§3.3: Wireshark, putty", value: ["wireshark", "putty"], includes: true },
  { pack: C, rule: "CL-CLEAN-DEPLOYMENT", parameter: "forbiddenPackages", source: "§3.3: Wireshark, putty", value: ["wireshark", "putty"], includes: true },
  { pack: C, rule: "CL-SNMP-V2", parameter: "defaultCommunities", source: "§5.2.1: public, private", value: ["public", "private"] },
  { pack: C, rule: "CL-SRVPWD", parameter: "defaultAdministratorNames", source: "§7.2: built-in Administrator", value: ["administrator"], includes: true },
  {
    pack: C,
    rule: "CL-DEFAULT-ACCOUNTS",
    parameter: "defaultAdministratorNames",
    source: "§7.2: built-in Administrator",
    value: ["administrator"],
    includes: true,
  },
  {
    pack: C,
    rule: "CL-SF-SW-STATUS",
    parameter: "minimumVersions",
    source: "§2.3 names no version; the document covers V5R0",
    value: [{ namePattern: "^OpenScape Concierge", minimumVersion: "5.0" }],
  },
  // Xpert §4.1.3 hardening script.
  { pack: X, rule: "CL-MLC-HARDENING-SCRIPT", parameter: "minLength", source: "§4.1.3: minimum length 14", value: 14 },
  { pack: X, rule: "CL-MLC-HARDENING-SCRIPT", parameter: "minChangedCharacters", source: "§4.1.3: 2 characters different", value: 2 },
  { pack: X, rule: "CL-MLC-HARDENING-SCRIPT", parameter: "maxRepeat", source: "§4.1.3: 3 repeating, 3 monotonic", value: 3 },
  { pack: X, rule: "CL-MLC-HARDENING-SCRIPT", parameter: "maxRetry", source: "§4.1.3: 3 tries", value: 3 },
  { pack: X, rule: "CL-MLC-HARDENING-SCRIPT", parameter: "minRemembered", source: "§4.1.3: last 5 remembered", value: 5 },
  { pack: X, rule: "CL-MLC-HARDENING-SCRIPT", parameter: "allowedHashes", source: "§4.1.3: SHA512", value: ["sha512"] },
  { pack: X, rule: "CL-MLC-HARDENING-SCRIPT", parameter: "maxDays", source: "§4.1.3: valid for 90 days", value: 90 },
  { pack: X, rule: "CL-MLC-HARDENING-SCRIPT", parameter: "warnDays", source: "§4.1.3: warned 14 days ahead", value: 14 },
  { pack: X, rule: "CL-MLC-HARDENING-SCRIPT", parameter: "adminAccounts", source: "§4.1.3: existing mlcadmin and mlcengr", value: ["mlcadmin", "mlcengr"] },
  // Xpert §3.1.1.3 SCHANNEL.
  {
    pack: X,
    rule: "CL-WINDOWS-TLS-CIPHERS",
    parameter: "deprecatedProtocols",
    source: "§3.1.1.3: every protocol before TLS 1.1",
    value: ["SSL 2.0", "SSL 3.0", "TLS 1.0"],
  },
  {
    pack: X,
    rule: "CL-WINDOWS-TLS-CIPHERS",
    parameter: "deprecatedNetworkVersions",
    source: "§3.1.1.3: every protocol before TLS 1.1",
    value: ["SSLv3", "TLSv1"],
  },
  {
    pack: X,
    rule: "CL-WINDOWS-TLS-CIPHERS",
    parameter: "weakCiphers",
    source: "§3.1.1.3: RC4 and every 64-bit block cipher",
    value: ["RC4 128/128", "Triple DES 168", "DES 56/56", "RC2 128/128"],
    includes: true,
  },
  {
    pack: X,
    rule: "CL-WINDOWS-TLS-CIPHERS",
    parameter: "weakSuiteClasses",
    source: "§3.1.1.3: RC4, 64-bit block ciphers",
    value: ["rc4", "64-bit-block"],
    includes: true,
  },
  {
    pack: X,
    rule: "CL-SIP-CERTCHECK",
    parameter: "clientVersions",
    source: "§3.1.1.3: every protocol before TLS 1.1",
    value: ["TLSv1.1", "TLSv1.2", "TLSv1.3"],
    differsBecause: /TLS 1\.1 is left out too/,
  },
  {
    pack: X,
    rule: "CL-SIP-CERTCHECK",
    parameter: "clientWeakSuiteClasses",
    source: "§3.1.1.3: RC4, 64-bit block ciphers",
    value: ["rc4", "64-bit-block"],
    includes: true,
  },
];

const packs = new Map<PackId, Pack>();
for (const id of [C, X]) packs.set(id, (await loadPackFile(bundledPackFile(id))).pack);

describe("thresholds of the OpenScape packs against their documents", () => {
  it.each(TABLE.map((row) => [`${row.rule}.${row.parameter} (${row.source})`, row] as const))("%s", (_label, row) => {
    const parameter = packs.get(row.pack)?.rules.find((rule) => rule.id === row.rule)?.parameters[row.parameter];
    expect(parameter, `${row.rule} has no parameter ${row.parameter}`).toBeDefined();
    if (row.differsBecause) {
      expect(parameter?.default).not.toEqual(row.value);
      expect(parameter?.description).toMatch(row.differsBecause);
    } else if (row.includes) {
      expect(parameter?.default).toEqual(expect.arrayContaining(row.value as unknown[]));
    } else {
      expect(parameter?.default).toEqual(row.value);
    }
  });

  it("says in the description why a parameter goes beyond the document's list", () => {
    const beyond = TABLE.filter((row) => row.includes).flatMap((row) => {
      const parameter = packs.get(row.pack)?.rules.find((rule) => rule.id === row.rule)?.parameters[row.parameter];
      const extra = ((parameter?.default as unknown[]) ?? []).length > (row.value as unknown[]).length;
      return extra ? [{ rule: row.rule, parameter: row.parameter, description: parameter?.description ?? "" }] : [];
    });
    expect(beyond.length).toBeGreaterThan(0);
    for (const { rule, parameter, description } of beyond) expect(description, `${rule}.${parameter} explains its extra entries`).toMatch(/document/);
  });

  it("asks, rather than skips, the §7.1.1 values neither platform enforces (footnotes ¹ ³ and row 2)", () => {
    const rule = packs.get(C)?.rules.find((candidate) => candidate.id === "CL-PW-POLICY");
    expect(rule?.sources?.map((source) => source.name)).toEqual(["windows", "linux", "config"]);
    expect(rule?.prompt).toMatch(/16 characters/);
    expect(rule?.prompt).toMatch(/\$, % or blank/);
    expect(rule?.prompt).toMatch(/account class/);
    expect(rule?.rationale).toMatch(/three of\s+the four character classes/);
  });
});
