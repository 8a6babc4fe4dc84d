import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { lldpProbe } from "./lldp.probe.js";

const status = (...names: string[]) => names.map((name) => `Package: ${name}\nStatus: install ok installed\nVersion: 1.0-1\n`).join("\n");
const WANTS = "/etc/systemd/system/multi-user.target.wants";

describe("lldp", () => {
  it.each([
    { name: "no agent", files: { "/var/lib/dpkg/status": status("bash") }, symlinks: {}, expected: { "lldp.installedAgents": [], "lldp.enabledAgents": [] } },
    {
      name: "lldpd installed and enabled",
      files: { "/var/lib/dpkg/status": status("lldpd") },
      symlinks: { [`${WANTS}/lldpd.service`]: "/x" },
      expected: { "lldp.installedAgents": ["lldpd"], "lldp.enabledAgents": ["lldpd"] },
    },
    {
      name: "lldpad installed, disabled",
      files: { "/var/lib/dpkg/status": status("lldpad") },
      symlinks: {},
      expected: { "lldp.installedAgents": ["lldpad"], "lldp.enabledAgents": [] },
    },
  ])("$name", async ({ files, symlinks, expected }) => {
    expect(factsOf(await collectOnFakeHost(lldpProbe, { files, symlinks }))).toEqual(expected);
  });

  it("asks systemd whether a disabled agent runs anyway", async () => {
    const facts = factsOf(
      await collectOnFakeHost(lldpProbe, {
        files: { "/var/lib/dpkg/status": status("lldpd") },
        commands: { "systemctl is-active --quiet lldpd.service": { exitCode: 0 } },
      }),
    );
    expect(facts["lldp.enabledAgents"]).toEqual(["lldpd"]);
  });
});
