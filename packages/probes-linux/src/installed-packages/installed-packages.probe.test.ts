import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { installedPackagesProbe } from "./installed-packages.probe.js";

const STATUS = [
  "Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n",
  "Package: tcpdump\nStatus: deinstall ok config-files\nVersion: 4.99.3-1\n",
  "Package: nmap\nStatus: install ok installed\nPriority: optional\nVersion: 7.93+dfsg1-1\n",
].join("\n");

describe("installed-packages", () => {
  it("lists only fully installed dpkg packages (removed-but-configured ones do not count)", async () => {
    const facts = factsOf(await collectOnFakeHost(installedPackagesProbe, { files: { "/var/lib/dpkg/status": STATUS } }));
    expect(facts).toEqual({
      "packages.manager": "dpkg",
      "packages.installed": ["bash", "nmap"],
      "packages.versions": { bash: "5.2.15-2+b2", nmap: "7.93+dfsg1-1" },
    });
  });

  it("asks rpm where there is no dpkg database and commands run", async () => {
    const facts = factsOf(
      await collectOnFakeHost(installedPackagesProbe, {
        commands: { "rpm -qa --qf %{NAME}\\t%{VERSION}-%{RELEASE}\\n": { stdout: "wireshark\t3.4.10-1.el9\nbash\t5.1.8-6.el9\n" } },
      }),
    );
    expect(facts["packages.manager"]).toBe("rpm");
    expect(facts["packages.installed"]).toEqual(["bash", "wireshark"]);
  });

  it("is not applicable offline without dpkg", async () => {
    expect(await collectOnFakeHost(installedPackagesProbe, { files: {} })).toHaveProperty("notApplicable");
  });
});
