/**
 * A child process whose clock starts at a pinned instant: libfaketime preloaded straight into the
 * program, without the `faketime` wrapper. The wrapper creates a named semaphore per run
 * (`/faketime_sem_<pid>`) and exits with "sem_open: File exists" when an earlier run that was killed
 * left one behind under a PID the system has since reused; preloading the library needs no semaphore.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Where Debian and source builds put the library; the multiarch folder is searched as well. */
function candidatePaths() {
  const paths = [];
  for (const root of ["/usr/lib", "/usr/local/lib", "/lib"]) {
    let entries = [];
    try {
      entries = readdirSync(root, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) if (entry.isDirectory()) paths.push(join(root, entry.name, "faketime", "libfaketime.so.1"));
    paths.push(join(root, "faketime", "libfaketime.so.1"));
  }
  return paths;
}

let found;

/** The path of libfaketime.so.1; throws, naming the package to install, when it is missing. */
export function libfaketimePath() {
  found ??= candidatePaths().find((path) => existsSync(path));
  if (found === undefined) throw new Error("libfaketime.so.1 not found: install the Debian package libfaketime (scripts/install-system-deps.sh does)");
  return found;
}

/** `2031-03-14 09:00:00`, `2031-03-14T09:00:00Z` or a Date, as libfaketime's absolute start `@YYYY-MM-DD HH:MM:SS` in UTC. */
function startOf(instant) {
  const date = instant instanceof Date ? instant : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(instant) ? instant : `${instant.replace(" ", "T")}Z`);
  if (Number.isNaN(date.getTime())) throw new Error(`not an instant: ${String(instant)}`);
  return `@${date.toISOString().slice(0, 19).replace("T", " ")}`;
}

/**
 * The variables that start a program's clock at `instant` (UTC) and let it run from there:
 * `LD_PRELOAD`, `FAKETIME` and `TZ=UTC`. Merge them over an environment that holds no outer
 * libfaketime of its own.
 */
export function pinnedClockEnvironment(instant) {
  return { LD_PRELOAD: libfaketimePath(), FAKETIME: startOf(instant), TZ: "UTC" };
}
