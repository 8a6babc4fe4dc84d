import { fakeHost } from "@hardcheck/core/testing";
import { describe, expect, it } from "vitest";
import { openLocalTransport } from "../transports/local.js";
import { detectUnixOs } from "./detect-os.js";

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nID=debian\n';

describe("detectUnixOs", () => {
  it.each([
    ["/etc/os-release", { files: { "/etc/os-release": DEBIAN } }, { family: "linux", name: "Debian GNU/Linux 12 (bookworm)", source: "/etc/os-release" }],
    [
      "its fallback /usr/lib/os-release",
      { files: { "/usr/lib/os-release": "ID=alpine\n" } },
      { family: "linux", name: "alpine", source: "/usr/lib/os-release" },
    ],
    ["uname where no os-release exists", { commands: { "uname -s": { stdout: "Linux\n" } } }, { family: "linux", name: "Linux", source: "uname -s" }],
    ["uname naming another kernel", { commands: { "uname -s": { stdout: "FreeBSD\n" } } }, { family: "freebsd", name: "FreeBSD", source: "uname -s" }],
    ["nothing on an image without os-release", { files: { "/etc/hostname": "x\n" } }, undefined],
    ["nothing where uname fails (Windows behind OpenSSH)", { commands: {} }, undefined],
    ["nothing for an os-release without ID or NAME", { files: { "/etc/os-release": "# empty\n" } }, undefined],
  ])("%s", async (_case, content, expected) => {
    expect(await detectUnixOs(fakeHost(content))).toEqual(expected);
  });

  it("reads this machine through the local transport", async () => {
    expect((await detectUnixOs(await openLocalTransport()))?.family).toBe("linux");
  });
});
