import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { kernelModulesProbe } from "./kernel-modules.probe.js";

describe("kernel-modules", () => {
  it("separates refused from blacklisted modules and normalises dashes", async () => {
    const facts = factsOf(
      await collectOnFakeHost(kernelModulesProbe, {
        files: {
          "/etc/modprobe.d/cis.conf":
            "install cramfs /bin/false\ninstall udf /bin/true\nblacklist sctp\n# install dccp /bin/false\ninstall usb-storage /usr/bin/false\n",
          "/etc/modprobe.d/notes.txt": "install tipc /bin/false\n",
        },
      }),
    );
    expect(facts).toEqual({ "modules.loaded": [], "modules.refused": ["cramfs", "udf", "usb_storage"], "modules.blacklisted": ["sctp"] });
  });

  it("reads the running kernel's modules on a live host", async () => {
    const facts = factsOf(
      await collectOnFakeHost(kernelModulesProbe, {
        kind: "local",
        commands: {},
        files: { "/proc/modules": "sctp 434176 2 - Live 0x0\nnf_tables 1 0 - Live 0x0\n" },
      }),
    );
    expect(facts["modules.loaded"]).toEqual(["nf_tables", "sctp"]);
  });
});
