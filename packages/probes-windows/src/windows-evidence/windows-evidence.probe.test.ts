import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakePowerShellHost, fixtureBundle, fixtureSections, runHostProbe } from "../testing/fixture-host.js";
import { factsOf } from "../testing/probe-cases.js";
import { evidenceTransport, loadEvidence } from "../transports/evidence.transport.js";
import { windowsEvidenceProbe } from "./windows-evidence.probe.js";

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

  it("does not apply to a live host", async () => {
    const outcome = await runHostProbe(windowsEvidenceProbe, fakePowerShellHost(fixtureSections("2019-default")).transport);
    expect(outcome).toMatchObject({ notApplicable: expect.stringMatching(/not an evidence file/) });
  });
});
