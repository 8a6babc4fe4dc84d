import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { auditdProbe } from "./auditd.probe.js";

describe("auditd", () => {
  it("reads rules.d in name order, watched paths from -w and -F path=, and -e 2 last", async () => {
    const facts = factsOf(
      await collectOnFakeHost(auditdProbe, {
        files: {
          "/var/lib/dpkg/status": "Package: auditd\nStatus: install ok installed\nVersion: 1:3.0.9-1\n",
          "/etc/audit/rules.d/10-base.rules": "-D\n-b 8192\n",
          "/etc/audit/rules.d/50-identity.rules":
            "-w /etc/passwd -p wa -k identity\n-w /etc/shadow -p wa -k identity\n-a always,exit -F arch=b64 -F path=/etc/sudoers -F perm=wa -k scope\n",
          "/etc/audit/rules.d/99-finalize.rules": "-e 2\n",
        },
        symlinks: { "/etc/systemd/system/multi-user.target.wants/auditd.service": "/lib/systemd/system/auditd.service" },
      }),
    );
    expect(facts).toEqual({
      "auditd.installed": true,
      "auditd.enabled": true,
      "auditd.watchedPaths": ["/etc/passwd", "/etc/shadow", "/etc/sudoers"],
      "auditd.ruleCount": 3,
      "auditd.immutable": true,
    });
  });

  it("a host without auditd has nothing installed, enabled or watched", async () => {
    const facts = factsOf(
      await collectOnFakeHost(auditdProbe, { files: { "/var/lib/dpkg/status": "Package: bash\nStatus: install ok installed\nVersion: 5\n" } }),
    );
    expect(facts).toEqual({ "auditd.installed": false, "auditd.enabled": false, "auditd.watchedPaths": [], "auditd.ruleCount": 0, "auditd.immutable": false });
  });
});
