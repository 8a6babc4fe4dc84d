/**
 * Version orderings of the two schemes whose rules a simple dotted comparison gets wrong: Debian
 * package versions (epochs, `~` before the release, revisions) and Semantic Versioning (pre-releases
 * before the release).
 */
// The two functions, not the package index: its 48 modules would load with every scan.
import semverCompare from "semver/functions/compare.js";
import semverParse from "semver/functions/parse.js";

/** A Debian version split as dpkg splits it: `[epoch:]upstream[-revision]`. */
export interface DebianVersion {
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

const DEBIAN_VERSION = /^(?:(\d+):)?([0-9][A-Za-z0-9.+~:-]*?)(?:-([A-Za-z0-9.+~]+))?$/;

/**
 * Parses a Debian version (Debian Policy §5.6.12), or returns undefined when dpkg would reject it:
 * an upstream part that does not start with a digit, characters outside `A-Za-z0-9.+~-:`, a colon
 * without an epoch before it.
 */
export function parseDebianVersion(text: string): DebianVersion | undefined {
  const trimmed = text.trim();
  // dpkg: "revision number is empty".
  if (trimmed.endsWith("-")) return undefined;
  const match = DEBIAN_VERSION.exec(trimmed);
  if (!match) return undefined;
  const [, epoch, upstream = "", revision = ""] = match;
  // A colon belongs to the epoch only; one in the upstream part needs an explicit epoch.
  if (epoch === undefined && upstream.includes(":")) return undefined;
  return { epoch: epoch === undefined ? 0 : Number(epoch), upstream, revision };
}

/** dpkg's weight of one character: `~` sorts before everything, even the end; letters before other signs. */
function weight(character: string | undefined): number {
  if (character === undefined || /\d/.test(character)) return 0;
  if (/[A-Za-z]/.test(character)) return character.charCodeAt(0);
  if (character === "~") return -1;
  return character.charCodeAt(0) + 256;
}

const isDigit = (character: string | undefined) => character !== undefined && character >= "0" && character <= "9";

/** dpkg's `verrevcmp`: alternating runs of non-digits (by weight) and digits (by value). */
function compareDebianPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const difference = weight(a[i]) - weight(b[j]);
      if (difference !== 0) return Math.sign(difference);
      i++;
      j++;
    }
    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    let firstDifference = 0;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (firstDifference === 0) firstDifference = (a[i] as string).charCodeAt(0) - (b[j] as string).charCodeAt(0);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDifference !== 0) return Math.sign(firstDifference);
  }
  return 0;
}

/**
 * Orders two Debian versions as `dpkg --compare-versions` does: epoch, then upstream, then revision;
 * `1:1.0` > `1.5`, `1.0~rc1` < `1.0`, `1.0` < `1.0-1`. Returns -1, 0 or 1, or undefined when either
 * is no Debian version.
 */
export function compareDebianVersions(a: string, b: string): -1 | 0 | 1 | undefined {
  const left = parseDebianVersion(a);
  const right = parseDebianVersion(b);
  if (!left || !right) return undefined;
  const order = Math.sign(left.epoch - right.epoch) || compareDebianPart(left.upstream, right.upstream) || compareDebianPart(left.revision, right.revision);
  return order as -1 | 0 | 1;
}

/**
 * Orders two Semantic Versions as the `semver` package does (`1.2.3-rc.1` < `1.2.3`; build metadata
 * ignored). Returns undefined when either is no valid semantic version.
 */
export function compareSemver(a: string, b: string): -1 | 0 | 1 | undefined {
  const left = semverParse(a.trim());
  const right = semverParse(b.trim());
  if (!left || !right) return undefined;
  return semverCompare(left, right);
}
