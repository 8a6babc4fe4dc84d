import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { osReleaseProbe } from "./os-release.probe.js";

describe("os-release", () => {
  it.each([
    {
      name: "Ubuntu",
      files: { "/etc/os-release": 'NAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\nVERSION_CODENAME=jammy\n' },
      expected: { id: "ubuntu", idLike: ["debian"], versionId: "22.04", versionCodename: "jammy", prettyName: "Ubuntu 22.04.4 LTS" },
    },
    {
      name: "fallback to /usr/lib/os-release, single quotes",
      files: { "/usr/lib/os-release": "ID='rhel'\nID_LIKE='fedora centos'\nVERSION_ID='9.4'\n" },
      expected: { id: "rhel", idLike: ["fedora", "centos"], versionId: "9.4", versionCodename: null, prettyName: null },
    },
  ])("$name", async ({ files, expected }) => {
    expect(factsOf(await collectOnFakeHost(osReleaseProbe, { files }))["os.release"]).toEqual(expected);
  });

  it("is not applicable without os-release", async () => {
    expect(await collectOnFakeHost(osReleaseProbe, { files: {} })).toHaveProperty("notApplicable");
  });
});
