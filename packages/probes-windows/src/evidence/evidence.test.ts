import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureBundle } from "../../test/support/fixture-host.js";
import { loadEvidence } from "../transports/evidence.transport.js";
import { parseEvidenceBundle, renderEvidenceBundle } from "./bundle.js";
import { parseRegExport, sectionsFromRegistry } from "./reg-export.js";

const dir = mkdtempSync(join(tmpdir(), "hc-win-bundle-"));
const write = (name: string, content: string | Buffer) => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};

describe("evidence bundle validation", () => {
  const good = fixtureBundle("2019-hardened");

  it.each([
    ["wrong file", JSON.stringify({ results: [] }), /HC_EVIDENCE_INVALID: .* is not a hardcheck Windows evidence bundle .*collect-script/],
    ["truncated", good.slice(0, good.length / 2), /HC_EVIDENCE_INVALID: .* not valid JSON — it looks truncated/],
    [
      "older collector",
      renderEvidenceBundle({}, { hostName: "h", collectedAt: "2026-01-01T00:00:00Z", collectorVersion: "0.9.0" }),
      /HC_EVIDENCE_VERSION: .*collector 0\.9\.0, older than 1\.0\.0/,
    ],
    ["newer format", good.replace('"formatVersion":1', '"formatVersion":2'), /HC_EVIDENCE_VERSION: .*format version 2/],
    ["missing field", good.replace('"hostName":"OSC-2019-H",', ""), /"hostName" must be a non-empty string/],
  ])("%s → clear error", (_, text, message) => {
    expect(() => parseEvidenceBundle(text, "host.json")).toThrow(message);
  });

  it("accepts a UTF-8 BOM and detects an edit as a hash mismatch, not an error", () => {
    expect(parseEvidenceBundle(`\uFEFF${good}`, "host.json").hashMatches).toBe(true);
    expect(parseEvidenceBundle(good.replace('"minimumPasswordLength', '"minimumPasswordLength'), "host.json").hashMatches).toBe(true);
    expect(parseEvidenceBundle(good.replace("MinimumPasswordLength = 8", "MinimumPasswordLength = 9"), "host.json").hashMatches).toBe(false);
  });

  it("names a missing file", async () => {
    await expect(loadEvidence(join(dir, "nope.json"))).rejects.toThrow(/HC_EVIDENCE_UNREADABLE: cannot read .*nope\.json: ENOENT/);
  });
});

const REG_EXPORT = [
  "Windows Registry Editor Version 5.00",
  "",
  "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL]",
  '"EventLogging"=dword:00000001',
  "",
  "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Ciphers\\RC4 128/128]",
  '"Enabled"=dword:00000000',
  "",
  "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server]",
  '"Enabled"=dword:00000000',
  '"DisabledByDefault"=dword:00000001',
  "",
  "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server]",
  '"Enabled"=dword:ffffffff',
  '"Note"=hex(7):41,00,00,00,42,00,00,00,00,00',
  "",
].join("\r\n");

describe(".reg and .inf evidence", () => {
  it("parses a UTF-16LE reg export and rebuilds the schannel section the collector would write", async () => {
    const snapshot = parseRegExport(REG_EXPORT, "schannel.reg");
    expect(snapshot.roots).toEqual(["system\\currentcontrolset\\control\\securityproviders\\schannel"]);
    const sections = sectionsFromRegistry(snapshot);
    expect(Object.keys(sections)).toEqual(["schannel"]);
    expect(sections.schannel).toEqual({
      protocols: [
        { protocol: "TLS 1.0", side: "Server", enabled: 0, disabledByDefault: 1 },
        { protocol: "TLS 1.2", side: "Server", enabled: 4294967295, disabledByDefault: null },
      ],
      ciphers: [{ cipher: "RC4 128/128", enabled: 0 }],
    });
    const file = write("schannel.reg", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(REG_EXPORT, "utf16le")]));
    const loaded = await loadEvidence(file);
    expect(loaded.integrity.files).toMatchObject([{ source: "reg-export", hashMatches: null, sections: ["schannel"] }]);
  });

  it("names the line of a .reg file it cannot read", () => {
    expect(() => parseRegExport(`${REG_EXPORT}\r\ngarbage here\r\n`, "x.reg")).toThrow(/x\.reg:\d+: cannot read this line/);
  });

  it("merges a folder: the bundle first, then .reg and .inf files for what it lacks", async () => {
    const folder = mkdtempSync(join(tmpdir(), "hc-win-folder-"));
    writeFileSync(join(folder, "a.inf"), "[Unicode]\r\nUnicode=yes\r\n[System Access]\r\nMinimumPasswordLength = 12\r\n");
    writeFileSync(join(folder, "b.reg"), REG_EXPORT);
    const loaded = await loadEvidence(folder);
    expect(Object.keys(loaded.sections).sort()).toEqual(["account-policy", "schannel"]);
    expect(loaded.integrity.files.map((file) => file.source)).toEqual(["reg-export", "secedit-export"]);
  });
});
