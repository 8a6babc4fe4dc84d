import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { unattendedUpgradesProbe } from "./unattended-upgrades.probe.js";

const INSTALLED = "Package: unattended-upgrades\nStatus: install ok installed\nVersion: 2.9.1\n";
const DEBIAN_50 =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: apt's own ${variable} syntax, not a template
  'Unattended-Upgrade::Origins-Pattern {\n        "origin=Debian,codename=${distro_codename},label=Debian-Security";\n//      "o=Debian,a=proposed-updates";\n};\n';

describe("unattended-upgrades", () => {
  it.each([
    {
      name: "Debian's package with 20auto-upgrades",
      files: {
        "/var/lib/dpkg/status": INSTALLED,
        "/etc/apt/apt.conf.d/50unattended-upgrades": DEBIAN_50,
        "/etc/apt/apt.conf.d/20auto-upgrades": 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n',
      },
      expected: [true, true, true],
    },
    {
      name: "a later file turns it off",
      files: {
        "/var/lib/dpkg/status": INSTALLED,
        "/etc/apt/apt.conf.d/50unattended-upgrades": DEBIAN_50,
        "/etc/apt/apt.conf.d/20auto-upgrades": 'APT::Periodic::Unattended-Upgrade "1";\n',
        "/etc/apt/apt.conf.d/99local": 'APT::Periodic::Unattended-Upgrade "0";\n',
      },
      expected: [true, false, true],
    },
    { name: "nothing installed", files: { "/var/lib/dpkg/status": "" }, expected: [false, false, false] },
  ])("$name", async ({ files, expected }) => {
    const facts = factsOf(await collectOnFakeHost(unattendedUpgradesProbe, { files }));
    expect([facts["unattendedUpgrades.installed"], facts["unattendedUpgrades.enabled"], facts["unattendedUpgrades.securityOrigin"]]).toEqual(expected);
  });
});
