// The command catalog is the single source of truth: the shipped collector is generated from it,
// and every section any probe reads is collected. Set HARDCHECK_WRITE_COLLECTOR=1 to regenerate.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURE_SETS, fakePowerShellHost, fixtureSections, runHostProbe } from "../../test/support/fixture-host.js";
import { renderCollectorScript } from "../collector/collector-script.js";
import { probes } from "../index.js";
import { SECTION_IDS, type SectionId } from "./catalog.js";
import { batchScript, COMMAND_LINE_BUDGET, planBatches, powershellArgv, readSection } from "./powershell.js";

const collectorFile = join(import.meta.dirname, "..", "..", "collector", "hardcheck-collect.ps1");

describe("command catalog", () => {
  it("the shipped hardcheck-collect.ps1 is exactly the script generated from the catalog", () => {
    if (process.env.HARDCHECK_WRITE_COLLECTOR) writeFileSync(collectorFile, renderCollectorScript());
    expect(readFileSync(collectorFile, "utf8")).toBe(renderCollectorScript());
  });

  it("every section a probe reads is collected by the script, and nothing else is needed", async () => {
    const collected = [...renderCollectorScript().matchAll(/\$hcResult\['([a-z-]+)'\] = & \{/g)].map((match) => match[1]);
    expect(collected.sort()).toEqual([...SECTION_IDS].sort());
    // A FAKE host that only knows the collected sections records what each probe asks for.
    for (const set of FIXTURE_SETS) {
      const sections = fixtureSections(set);
      const only = Object.fromEntries(collected.map((id) => [id, sections[id as SectionId]]));
      for (const probe of probes.filter((candidate) => candidate.meta.id !== "windows-evidence")) {
        const host = fakePowerShellHost(only);
        await expect(runHostProbe(probe as never, host.transport), `${probe.meta.id} on ${set}`).resolves.toHaveProperty("facts");
      }
    }
  });

  it("batches cover every section once and stay below cmd.exe's command-line limit", () => {
    const batches = planBatches();
    expect(batches.flat().sort()).toEqual([...SECTION_IDS].sort());
    for (const batch of batches) expect(powershellArgv(batchScript(batch)).join(" ").length).toBeLessThanOrEqual(COMMAND_LINE_BUDGET);
  });

  it("runs PowerShell as -NoProfile -NonInteractive -EncodedCommand <UTF-16LE Base64>, one batch per group, shared by probes", async () => {
    const host = fakePowerShellHost(fixtureSections("2022-default"));
    await Promise.all(SECTION_IDS.map((id) => readSection(host.transport, id)));
    expect(host.calls.length).toBe(planBatches().length);
    const argv = host.calls[0] as string[];
    expect(argv.slice(0, 4)).toEqual(["powershell", "-NoProfile", "-NonInteractive", "-EncodedCommand"]);
    expect(Buffer.from(argv[4] as string, "base64").toString("utf16le")).toContain("ConvertTo-Json -InputObject $hcResult -Depth 8 -Compress");
  });

  it("falls back to pwsh when powershell is not on the PATH, and names both when neither runs", async () => {
    const host = fakePowerShellHost(fixtureSections("2019-default"), { missingPrograms: ["powershell"] });
    await expect(readSection(host.transport, "os")).resolves.toMatchObject({ buildNumber: "17763" });
    expect(host.calls.map((call) => call[0])).toEqual(["powershell", "pwsh"]);
    const none = fakePowerShellHost({}, { missingPrograms: ["powershell", "pwsh"] });
    await expect(readSection(none.transport, "os")).rejects.toThrow(/cannot run PowerShell.*pwsh exited 127/);
  });

  it("a section whose command failed on the host becomes that section's error", async () => {
    const host = fakePowerShellHost({ os: { __error: "Access is denied" } });
    await expect(readSection(host.transport, "os")).rejects.toThrow(/"os" command failed on the host: Access is denied/);
  });
});
