/**
 * Version schemes against their references: Debian versions against `dpkg --compare-versions` run for
 * real, semantic versions against the precedence chain of the SemVer 2.0 specification.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CUSTOM_OPERATORS, compareVersions } from "../src/engine/operators.js";
import { compareDebianVersions, compareSemver, parseDebianVersion } from "../src/engine/versions.js";
import { fixedClock } from "./support/fakes.js";

const run = promisify(execFile);
const clock = fixedClock("2026-03-01T12:00:00.000Z");

/** What dpkg itself says: -1, 0 or 1. */
async function dpkgOrder(a: string, b: string): Promise<number> {
  const holds = async (relation: string) =>
    run("dpkg", ["--compare-versions", a, relation, b], { timeout: 10_000 }).then(
      () => true,
      (error: { code?: unknown }) => {
        if (error.code === 1) return false;
        throw error;
      },
    );
  if (await holds("lt")) return -1;
  return (await holds("eq")) ? 0 : 1;
}

const DEBIAN_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ["1:1.0", "1.5"],
  ["1.0~rc1", "1.0"],
  ["1.0~rc1", "1.0~rc2"],
  ["1.0~~", "1.0~"],
  ["1.0~", "1.0"],
  ["1.0", "1.0a"],
  ["1.0a", "1.0+"],
  ["1.0+", "1.0."],
  ["1.0", "1.0-1"],
  ["1.0-1", "1.0-1~bpo12+1"],
  ["0:1.0", "1.0"],
  ["1.001", "1.1"],
  ["1.0", "1.0.0"],
  ["1.10", "1.9"],
  ["2:1.0", "1:9.9"],
  ["9.2p1-1", "9.2p1-1+deb12u3"],
  ["1:9.2p1-2+deb12u3", "1:9.2p1-2+deb12u2"],
  ["3.0.15-1~deb12u1", "3.0.15-1"],
  ["2.36-9+deb12u7", "2.36-9+deb12u10"],
  ["7.88.1-10+deb12u8", "7.88.1-10+deb12u12"],
  ["1.2.3-rc.1", "1.2.3"],
  ["5.10.0-28-amd64", "5.10.0-9-amd64"],
  ["1:2:3", "1:2.3"],
  ["0.9", "0.9+git20240101"],
  ["1.0+dfsg-1", "1.0-1"],
  ["1.0b", "1.0a9"],
  ["10", "9.99"],
  ["1.0-0", "1.0"],
];

describe("Debian versions, as dpkg --compare-versions orders them", () => {
  it.each(DEBIAN_PAIRS)("%s vs %s", async (a, b) => {
    const reference = await dpkgOrder(a, b);
    expect(compareDebianVersions(a, b)).toBe(reference);
    expect(compareDebianVersions(b, a)).toBe(-reference || 0);
  });

  it("the dotted ordering gets the issue's two cases wrong, which is why Debian rules name their scheme", async () => {
    expect(await dpkgOrder("1:1.0", "1.5")).toBe(1);
    expect(compareVersions("1:1.0", "1.5")).toBe(-1);
    expect(await dpkgOrder("1.0~rc1", "1.0")).toBe(-1);
    expect(compareVersions("1.0~rc1", "1.0")).toBe(1);
  });

  it.each(["", "a1.0", "1.0:", "x:1.0", "1.0 2", "1.0_1", "1:", "1.0-"])("%j is no Debian version", (text) => {
    expect(parseDebianVersion(text)).toBeUndefined();
  });

  it("splits epoch, upstream and revision at the last hyphen", () => {
    expect(parseDebianVersion("1:5.10.0-28-amd64")).toEqual({ epoch: 1, upstream: "5.10.0-28", revision: "amd64" });
    expect(parseDebianVersion("2.36")).toEqual({ epoch: 0, upstream: "2.36", revision: "" });
  });
});

describe("semantic versions, as the semver package orders them", () => {
  // The precedence example of SemVer 2.0.0 §11, lowest first.
  const chain = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "1.2.3-rc.1",
    "1.2.3",
    "1.10.0",
  ];
  it.each(chain.slice(1).map((higher, i) => [chain[i] as string, higher]))("%s < %s", (lower, higher) => {
    expect(compareSemver(lower, higher)).toBe(-1);
    expect(compareSemver(higher, lower)).toBe(1);
  });

  it("ignores build metadata and refuses what is no semantic version", () => {
    expect(compareSemver("1.2.3+build.5", "1.2.3")).toBe(0);
    expect(compareSemver("1.2", "1.2.0")).toBeUndefined();
    expect(compareSemver("1:1.0", "1.0.0")).toBeUndefined();
  });
});

describe("version operators name their scheme", () => {
  const operator = (name: string) => {
    const found = CUSTOM_OPERATORS.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no operator ${name}`);
    return found;
  };

  it.each([
    ["debianVersionGreaterThanInclusive", "1:1.0", "1.5", true],
    ["debianVersionLessThan", "1.0~rc1", "1.0", true],
    ["debianVersionGreaterThanInclusive", "3.0.15-1~deb12u1", "3.0.15-1", false],
    ["debianVersionLessThanInclusive", "1.001", "1.1", true],
    ["debianVersionGreaterThan", "not a version", "1.0", false],
    ["debianVersionLessThan", "not a version", "1.0", false],
    ["semverLessThan", "1.2.3-rc.1", "1.2.3", true],
    ["semverGreaterThanInclusive", "1.2.3-rc.1", "1.2.3", false],
    ["semverGreaterThan", "2.0.0", "1.99.99", true],
    ["semverGreaterThan", "2.0", "1.0.0", false],
    ["semverLessThan", "2.0", "3.0.0", false],
    ["versionGreaterThan", "1.10", "1.9", true],
  ] as const)("%s(%j, %j) → %s", (name, fact, expected, result) => {
    expect(operator(name).evaluate(fact, expected, clock)).toBe(result);
  });

  it.each([
    ["versionGreaterThanInclusive", "1:1.0", /Debian package version — use debianVersion/],
    ["versionLessThan", "1.0~rc1", /Debian package version — use debianVersion/],
    ["versionLessThan", "1.2.3-rc.1", /semantic version with a pre-release — use semver/],
    ["debianVersionLessThan", "x:1", /expected a Debian package version/],
    ["semverLessThan", "1.2", /expected a semantic version/],
  ] as const)("%s refuses %j at load", (name, value, message) => {
    expect(operator(name).validate?.(value)).toMatch(message);
  });

  it.each([
    ["versionLessThan", "10.0.19045"],
    ["versionLessThan", "1.1.1w"],
    ["debianVersionLessThan", "1:9.2p1-2+deb12u3"],
    ["semverLessThan", "1.2.3-rc.1"],
  ] as const)("%s accepts %j", (name, value) => {
    expect(operator(name).validate?.(value)).toBeUndefined();
  });
});
