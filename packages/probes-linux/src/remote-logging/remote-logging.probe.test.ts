import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { remoteLoggingProbe } from "./remote-logging.probe.js";

describe("remote-logging", () => {
  it.each([
    { name: "Debian's local-only rsyslog", files: { "/etc/rsyslog.conf": "*.*;auth,authpriv.none\t-/var/log/syslog\n# *.* @@loghost\n" }, expected: [] },
    {
      name: "legacy and RainerScript forwarding",
      files: {
        "/etc/rsyslog.conf": "auth.* /var/log/auth.log\n",
        "/etc/rsyslog.d/90-remote.conf":
          '*.* @@logs.example:6514\nkern.* @10.0.0.9\n*.* action(type="omfwd" target="siem.example" port="514" protocol="tcp")\n',
      },
      expected: ["tcp://logs.example:6514", "tcp://siem.example", "udp://10.0.0.9"],
    },
    {
      name: "syslog-ng network destination",
      files: { "/etc/syslog-ng/conf.d/remote.conf": 'destination d_net { network("loghost.example" port(514)); };\n' },
      expected: ["syslog-ng://loghost.example"],
    },
  ])("$name", async ({ files, expected }) => {
    const facts = factsOf(await collectOnFakeHost(remoteLoggingProbe, { files }));
    expect(facts["logging.remoteTargets"]).toEqual(expected);
    expect(facts["logging.remoteTargetCount"]).toBe(expected.length);
  });

  it("journal upload counts only when the service is enabled", async () => {
    const files = { "/etc/systemd/journal-upload.conf": "[Upload]\nURL=https://journal.example:19532\n" };
    expect(factsOf(await collectOnFakeHost(remoteLoggingProbe, { files }))["logging.remoteTargets"]).toEqual([]);
    const enabled = factsOf(
      await collectOnFakeHost(remoteLoggingProbe, {
        files,
        symlinks: { "/etc/systemd/system/multi-user.target.wants/systemd-journal-upload.service": "/lib/systemd/system/systemd-journal-upload.service" },
      }),
    );
    expect(enabled["logging.remoteTargets"]).toEqual(["journal-upload://journal.example:19532"]);
  });
});
