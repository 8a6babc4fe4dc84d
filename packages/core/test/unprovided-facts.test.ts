/** Bundled packs may read facts of plugins that are not installed; user packs may not. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromObject } from "../src/config/config.js";
import { isHardcheckError } from "../src/errors.js";
import { Hardcheck } from "../src/hardcheck.js";
import { fixedClock, passingProbe, ruleData, thrown, when, writePack } from "./support/fakes.js";

let workDir = "";
let packFile = "";
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "hardcheck-unprovided-"));
  packFile = await writePack(workDir, "vendor", [
    ruleData("known", { conditions: when("fake.value", "equal", "ok") }),
    ruleData("needs-smtp", {
      conditions: {
        all: [
          { fact: "smtp.capabilities", operator: "isDefined", value: true },
          { fact: "fake.value", operator: "equal", value: "ok" },
        ],
      },
    }),
  ]);
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function instance(bundled: boolean) {
  return Hardcheck.create({
    plugins: [
      (context) => {
        context.registerProbe(passingProbe);
        if (bundled) context.registerPack({ id: "vendor", file: packFile, displayName: "vendor.json" });
      },
    ],
  });
}

describe("facts no probe provides", () => {
  it("in a bundled pack: the load succeeds with a notice, and each such check is an error naming the fact", async () => {
    const hardcheck = await instance(true);
    const config = configFromObject({ packs: ["vendor"], targets: [{ id: "web", endpoints: ["tls://web.test"] }] });
    const report = await hardcheck.scan(config, { clock: fixedClock("2026-01-01T00:00:00Z") });
    expect(report.results.map((r) => `${r.ruleId} ${r.status} ${r.message}`)).toEqual([
      'needs-smtp error no probe provides fact "smtp.capabilities" — install the plugin that provides it',
      "known pass all conditions hold",
    ]);
    expect(report.notices).toEqual([
      {
        level: "warning",
        code: "HC_FACT_UNPROVIDED",
        message: "pack vendor: 1 rule(s) read facts no installed probe provides (smtp.capabilities); their checks are reported as error",
      },
    ]);
  });

  it("in a user's pack file: the load fails with the file and line of the fact", async () => {
    const hardcheck = await instance(false);
    const config = configFromObject({ packs: [packFile], targets: [{ id: "web", endpoints: ["tls://web.test"] }] });
    const error = await thrown(() => hardcheck.resolve(config));
    expect(isHardcheckError(error, "HC_RULE_UNKNOWN_FACT")).toBe(true);
    expect((error as Error).message).toMatch(/vendor\.json:\d+:\d+ rules\[1\]\.conditions\.all\[0\]\.fact: no probe provides fact "smtp\.capabilities"/);
  });
});
