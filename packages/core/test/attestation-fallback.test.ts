/** An automated rule with a prompt falls back to a person's attestation when its evidence is missing. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromObject } from "../src/config/config.js";
import { Hardcheck } from "../src/hardcheck.js";
import { notApplicable } from "../src/plugin/probe.js";
import { fakeEndpointProbe, fixedClock, ruleData, when, writePack } from "./support/fakes.js";

let workDir = "";
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "hardcheck-fallback-"));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe("attestation fallback", () => {
  it("turns missing evidence into manual when the rule has a prompt, and lets an attestation decide it", async () => {
    const pack = await writePack(workDir, "cfg", [
      ruleData("with-prompt", { prompt: "Is the master password disabled?", conditions: when("fake.value", "equal", "ok") }),
      ruleData("without-prompt", { conditions: when("fake.value", "equal", "ok") }),
    ]);
    const probe = fakeEndpointProbe(async () => notApplicable("no configuration file given"), { facts: ["fake.value"] });
    const hardcheck = await Hardcheck.create({ plugins: [(context) => context.registerProbe(probe)] });
    const scan = (attestations: unknown[]) =>
      hardcheck.scan(
        configFromObject(
          {
            packs: [pack],
            attestations,
            targets: [
              { id: "a", endpoints: ["tls://a.test"] },
              { id: "b", endpoints: ["tls://b.test"] },
            ],
          },
          { baseDir: workDir },
        ),
        { clock: fixedClock("2026-05-01T00:00:00Z") },
      );
    const report = await scan([{ rule: "with-prompt", target: "b", verdict: "fail", by: "j.doe", at: "2026-04-30T10:00:00Z", note: "still enabled" }]);
    expect(report.results.map((r) => `${r.ruleId} ${r.target} ${r.status}: ${r.message}`)).toEqual([
      "with-prompt a manual: Is the master password disabled? (not checked automatically: no configuration file given)",
      "without-prompt a not-applicable: no configuration file given",
      "with-prompt b fail: attested fail by j.doe at 2026-04-30T10:00:00Z: still enabled",
      "without-prompt b not-applicable: no configuration file given",
    ]);
  });
});
