/**
 * What the filled-in checklist is made from: the pack's server roles, the rules' access rights and
 * references, the config's site overview, and where the config defines each target and endpoint.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfigFile } from "../src/config/config.js";
import { loadPackFile } from "../src/config/pack.js";
import { Hardcheck } from "../src/hardcheck.js";
import { mergeReports, parseReport } from "../src/report/report.js";
import { serializeReport } from "../src/report/serialize.js";
import { fakeEndpointProbe, fixedClock, ruleData, when } from "./support/fakes.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hardcheck-checklist-data-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PACK = {
  id: "roles-pack",
  title: "Roles pack",
  version: "1.0.0",
  roles: [
    { tag: "main-server", name: "Main server" },
    { tag: "standby-server", name: "Standby server" },
  ],
  rules: [
    ruleData("R-1", {
      conditions: when("fake.value", "equal", "ok"),
      accessRights: "Local administrator on the server",
      references: ["§3.4 of the vendor checklist", "release notes"],
    }),
  ],
};

// Line numbers below count from 1 in this text.
const CONFIG = `packs: [./roles-pack.json]
site:
  customer: { company: Example Customer Ltd, name: A. Admin, email: admin@customer.example }
  supplier: { company: Example Integrator GmbH }
  coveredSystems: "main 10.0.0.1, standby 10.0.0.2 (product 5.0)"
  checklistVersion: "03/2025"
  openIssuesUntil: 2026-06-30
targets:
  - id: main
    tags: [main-server]
    endpoints:
      - tls://127.0.0.1:4443
      - { url: "tls://127.0.0.1:4444", tags: [web] }
  - id: standby
    tags: [standby-server]
    endpoints: [tls://127.0.0.1:5443]
`;

describe("checklist data", () => {
  it("carries roles, access rights, references, the site and the config lines of targets and endpoints into the report", async () => {
    await writeFile(join(dir, "roles-pack.json"), JSON.stringify(PACK));
    await writeFile(join(dir, "hardcheck.yaml"), CONFIG);
    const config = await loadConfigFile("hardcheck.yaml", { cwd: dir });
    const hardcheck = await Hardcheck.create({
      plugins: [(context) => context.registerProbe(fakeEndpointProbe(async () => ({ facts: { "fake.value": "ok" } })))],
    });
    const report = await hardcheck.scan(config, { clock: fixedClock("2026-03-01T12:00:00Z") });
    expect(report.packs).toEqual([{ id: "roles-pack", title: "Roles pack", version: "1.0.0", roles: PACK.roles }]);
    expect(report.rules?.[0]).toMatchObject({
      accessRights: "Local administrator on the server",
      references: ["§3.4 of the vendor checklist", "release notes"],
    });
    expect(report.site).toEqual({
      customer: { company: "Example Customer Ltd", name: "A. Admin", email: "admin@customer.example" },
      supplier: { company: "Example Integrator GmbH" },
      coveredSystems: "main 10.0.0.1, standby 10.0.0.2 (product 5.0)",
      checklistVersion: "03/2025",
      openIssuesUntil: "2026-06-30",
    });
    const main = report.targets.find((target) => target.id === "main");
    expect(main?.source).toEqual({ file: "hardcheck.yaml", line: 9 });
    expect(main?.endpointLines).toEqual({ "tls://127.0.0.1:4443": 12, "tls://127.0.0.1:4444": 13 });
    expect(report.targets.find((target) => target.id === "standby")?.source).toEqual({ file: "hardcheck.yaml", line: 14 });
    // The JSON report parses back with all of it, and a merge keeps the overview.
    const parsed = parseReport(JSON.parse(serializeReport(report)), "hardcheck.json");
    expect(parsed.site).toEqual(report.site);
    expect(mergeReports([parsed]).site).toEqual(report.site);
  });

  it.each([
    [
      {
        roles: [
          { tag: "a", name: "A" },
          { tag: "a", name: "B" },
        ],
      },
      /roles\[1\]\.tag.*role tag "a" is listed twice — first at roles\[0\]/s,
    ],
    [{ roles: [{ tag: "has space", name: "A" }] }, /roles\[0\]\.tag.*may contain only letters/s],
    [{ roles: [{ tag: "a" }] }, /roles\[0\]\.name/],
    [{ roles: [] }, /list at least one role/],
  ])("refuses bad roles: %j", async (extra, message) => {
    const file = join(dir, "bad-roles.json");
    await writeFile(file, JSON.stringify({ ...PACK, ...extra }));
    await expect(loadPackFile(file)).rejects.toThrow(message);
  });

  it("refuses an unknown site key with the keys it knows", async () => {
    await writeFile(join(dir, "bad-site.yaml"), `${CONFIG.replace("  checklistVersion:", "  version:")}`);
    await expect(loadConfigFile("bad-site.yaml", { cwd: dir })).rejects.toThrow(
      /site.*unknown key "version" — expected one of customer, supplier, coveredSystems, checklistVersion/s,
    );
  });
});
