import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { mountsProbe } from "./mounts.probe.js";

describe("mounts", () => {
  it("reads the running mounts on a live host", async () => {
    const facts = factsOf(
      await collectOnFakeHost(mountsProbe, {
        kind: "local",
        commands: {},
        files: {
          "/proc/self/mounts": "overlay / overlay rw 0 0\ntmpfs /tmp tmpfs rw,nosuid,nodev,noexec 0 0\nshm /dev/shm tmpfs rw,nosuid,nodev 0 0\n",
          "/etc/fstab": "tmpfs /var/tmp tmpfs rw,nosuid 0 0\n",
        },
      }),
    );
    expect(facts["mounts.options"]).toEqual({ tmp: ["nodev", "noexec", "nosuid", "rw"], varTmp: null, devShm: ["nodev", "nosuid", "rw"] });
    expect(facts["mounts.judged"]).toContain("/proc/self/mounts");
  });

  it("reads fstab on an offline root, with systemd's /dev/shm when fstab does not name it", async () => {
    const facts = factsOf(await collectOnFakeHost(mountsProbe, { files: { "/etc/fstab": "# <fs> <dir>\ntmpfs /tmp tmpfs defaults,nodev 0 0\n" } }));
    expect(facts["mounts.options"]).toEqual({ tmp: ["defaults", "nodev"], varTmp: null, devShm: ["nodev", "nosuid"] });
    expect(facts["mounts.judged"]).toContain("/etc/fstab");
  });
});
