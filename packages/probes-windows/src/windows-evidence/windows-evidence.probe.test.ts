import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakePowerShellHost, fixtureBundle, fixtureSections, runHostProbe } from "../../test/support/fixture-host.js";
import { factsOf } from "../../test/support/probe-cases.js";
import { evidenceTransport, loadEvidence } from "../transports/evidence.transport.js";
import { evidenceAge, windowsEvidenceProbe } from "./windows-evidence.probe.js";

describe("windows-evidence", () => {
  const dir = mkdtempSync(join(tmpdir(), "hc-win-evidence-"));

  it("reports an untouched bundle as intact, with its collector version and host", async () => {
    writeFileSync(join(dir, "intact.json"), fixtureBundle("2022-hardened"));
    const facts = factsOf(await runHostProbe(windowsEvidenceProbe, evidenceTransport(await loadEvidence(join(dir, "intact.json")))));
    expect(facts["windows.evidence.integrity"]).toMatchObject({
      intact: true,
      files: [{ source: "collector", collectorVersion: "1.1.0", hostName: "OSC-2022-H", hashMatches: true }],
    });
  });

  it("reports an edited bundle (hash mismatch) as modified instead of refusing it", async () => {
    writeFileSync(
      join(dir, "edited.json"),
      fixtureBundle("2022-default").replace('"IPEnableRouter","present":true,"value":1', '"IPEnableRouter","present":true,"value":0'),
    );
    const facts = factsOf(await runHostProbe(windowsEvidenceProbe, evidenceTransport(await loadEvidence(join(dir, "edited.json")))));
    expect(facts["windows.evidence.integrity"]).toMatchObject({ intact: false, modifiedFiles: [join(dir, "edited.json")] });
  });

  it("counts the evidence's age to the scan's clock (the one fact that does), whatever the collection clock", async () => {
    writeFileSync(join(dir, "aged.json"), fixtureBundle("2022-hardened"));
    const transport = evidenceTransport(await loadEvidence(join(dir, "aged.json")));
    expect(transport.observedAt).toBe("2026-11-24T08:00:00.000Z");
    for (const [scanAt, days] of [
      ["2026-11-25T00:00:00Z", 0],
      ["2026-12-30T00:00:00Z", 35],
      ["2028-11-25T00:00:00Z", 731],
    ] as const) {
      const facts = factsOf(await runHostProbe(windowsEvidenceProbe, transport, {}, new Date(scanAt)));
      expect(facts["windows.evidence.age"]).toEqual({ collectedAt: "2026-11-24T08:00:00.000Z", ageDays: days, undatedFiles: [] });
    }
  });

  it("names evidence files that record no collection time, unless the target says when they were taken", async () => {
    const folder = join(dir, "exports");
    mkdirSync(folder);
    writeFileSync(join(folder, "host.json"), fixtureBundle("2022-hardened"));
    writeFileSync(
      join(folder, "schannel.reg"),
      'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Example]\r\n"Value"=dword:00000001\r\n',
    );
    const evidence = await loadEvidence(folder);
    expect(evidenceAge(evidence.integrity, new Date("2026-12-01T00:00:00Z"), undefined)).toEqual({
      collectedAt: null,
      ageDays: null,
      undatedFiles: [join(folder, "schannel.reg")],
    });
    expect(evidenceAge(evidence.integrity, new Date("2026-12-01T00:00:00Z"), "2026-11-20T00:00:00.000Z")).toEqual({
      collectedAt: "2026-11-20T00:00:00.000Z",
      ageDays: 11,
      undatedFiles: [],
    });
  });

  it("does not apply to a live host", async () => {
    const outcome = await runHostProbe(windowsEvidenceProbe, fakePowerShellHost(fixtureSections("2019-default")).transport);
    expect(outcome).toMatchObject({ notApplicable: expect.stringMatching(/not an evidence file/) });
  });
});
