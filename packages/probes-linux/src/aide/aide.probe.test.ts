import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { aideProbe } from "./aide.probe.js";

describe("aide", () => {
  it.each([
    { name: "not installed", files: { "/var/lib/dpkg/status": "" }, symlinks: {}, expected: [false, false, false] },
    {
      name: "installed, initialised, timer enabled",
      files: { "/var/lib/dpkg/status": "Package: aide\nStatus: install ok installed\nVersion: 0.18\n", "/var/lib/aide/aide.db": "x" },
      symlinks: { "/etc/systemd/system/timers.target.wants/dailyaidecheck.timer": "/lib/systemd/system/dailyaidecheck.timer" },
      expected: [true, true, true],
    },
    {
      name: "installed but never initialised",
      files: { "/var/lib/dpkg/status": "Package: aide\nStatus: install ok installed\nVersion: 0.18\n", "/etc/cron.daily/aide": "#!/bin/sh\n" },
      symlinks: {},
      expected: [true, false, true],
    },
  ])("$name", async ({ files, symlinks, expected }) => {
    const facts = factsOf(await collectOnFakeHost(aideProbe, { files, symlinks }));
    expect([facts["aide.installed"], facts["aide.databasePresent"], facts["aide.scheduled"]]).toEqual(expected);
  });
});
