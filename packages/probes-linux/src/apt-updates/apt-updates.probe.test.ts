import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { aptUpdatesProbe, securityUpgradesFromSimulation } from "./apt-updates.probe.js";
import { compareDebianVersions } from "./debian-version.js";

describe("Debian version order", () => {
  it.each([
    ["1.0", "1.0", 0],
    ["1.0-1", "1.0-2", -1],
    ["1:1.0", "2.0", 1],
    ["1.0~rc1", "1.0", -1],
    ["2.36-9+deb12u4", "2.36-9+deb12u10", -1],
    ["1.10", "1.9", 1],
    ["1.0a", "1.0", 1],
    ["1.0+b1", "1.0", 1],
    ["7.93+dfsg1-1", "7.93+dfsg1-1", 0],
  ])("%s vs %s", (a, b, expected) => {
    expect(compareDebianVersions(a as string, b as string)).toBe(expected);
  });
});

const LISTS = "/var/lib/apt/lists";
const STATUS = "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9+deb12u4\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n";

describe("apt-updates from package lists", () => {
  it.each([
    {
      name: "newer security version pending",
      security: "Package: libc6\nVersion: 2.36-9+deb12u10\n\nPackage: openssl\nVersion: 3.0.15-1\n",
      pending: ["libc6"],
    },
    { name: "security version already installed", security: "Package: libc6\nVersion: 2.36-9+deb12u4\n", pending: [] },
    { name: "older security version", security: "Package: bash\nVersion: 5.2.15-2\n", pending: [] },
  ])("$name", async ({ security, pending }) => {
    const facts = factsOf(
      await collectOnFakeHost(aptUpdatesProbe, {
        files: {
          "/var/lib/dpkg/status": STATUS,
          [`${LISTS}/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages`]: security,
          [`${LISTS}/x_InRelease`]: "",
        },
      }),
    );
    expect(facts).toEqual({
      "updates.securityListsPresent": true,
      "updates.pendingSecurity": pending,
      "updates.lastRefreshAgeDays": 151,
      "updates.source": "package lists",
    });
  });

  it("without lists nothing is known: no security lists, no refresh", async () => {
    const facts = factsOf(await collectOnFakeHost(aptUpdatesProbe, { files: { "/var/lib/dpkg/status": STATUS } }));
    expect(facts).toMatchObject({ "updates.securityListsPresent": false, "updates.lastRefreshAgeDays": null });
  });

  it("refuses to guess from compressed lists offline", async () => {
    await expect(
      collectOnFakeHost(aptUpdatesProbe, { files: { "/var/lib/dpkg/status": STATUS, [`${LISTS}/x_bookworm-security_main_binary-amd64_Packages.lz4`]: "" } }),
    ).rejects.toThrow(/compressed/);
  });

  it("is not applicable without dpkg", async () => {
    expect(await collectOnFakeHost(aptUpdatesProbe, { files: {} })).toHaveProperty("notApplicable");
  });
});

describe("apt-updates from apt's simulation", () => {
  const SIMULATION = [
    "Inst base-files [12.4+deb12u11] (12.4+deb12u15 Debian:12.15/oldstable [amd64])",
    "Inst libgcrypt20 [1.10.1-3] (1.10.1-3+deb12u1 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [amd64])",
    "Inst libssl3 (3.0.17-1~deb12u3 Ubuntu:22.04/jammy-security [amd64]) []",
    "Conf libgcrypt20 (1.10.1-3+deb12u1 Debian:12.15/oldstable [amd64])",
  ].join("\n");

  it("keeps only upgrades offered by a security suite", () => {
    expect(securityUpgradesFromSimulation(SIMULATION)).toEqual(["libgcrypt20", "libssl3"]);
  });

  it("runs apt-get -s where commands run", async () => {
    const facts = factsOf(
      await collectOnFakeHost(aptUpdatesProbe, {
        files: { "/var/lib/dpkg/status": STATUS },
        commands: { "apt-get -s -o Debug::NoLocking=1 dist-upgrade": { stdout: SIMULATION } },
      }),
    );
    expect(facts).toMatchObject({ "updates.pendingSecurity": ["libgcrypt20", "libssl3"], "updates.source": "apt-get simulation" });
  });
});
