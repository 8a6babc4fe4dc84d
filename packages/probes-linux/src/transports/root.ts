/**
 * The `root:/path` transport: an offline root file system (mounted image, container export,
 * chroot). Files only; absolute symlinks inside it resolve against the root, never the scanner's
 * own `/`, so an image cannot make hardcheck read the host it runs on.
 */
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { isAbsolute, posix } from "node:path";
import { defineTransport, execUnavailable, type HostTransport, type TransportProvider } from "@hardcheck/core";
import { detectUnixOs } from "../os-detection/detect-os.js";
import { TransportError } from "./errors.js";
import { absentAsUndefined, fileStatOf } from "./local.js";

const MAX_SYMLINK_HOPS = 40;

/**
 * Maps a path on the scanned system to a path on this machine, following symlinks as the scanned
 * system would (the final component too unless `followLast` is false). Undefined when missing.
 */
export async function resolveInRoot(root: string, path: string, followLast = true): Promise<string | undefined> {
  const pending = posix.normalize(path).split("/").filter(Boolean);
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === ".") continue;
    if (part === "..") {
      resolved.pop();
      continue;
    }
    const candidate = `${root}/${[...resolved, part].join("/")}`;
    const stats = await absentAsUndefined(candidate, () => lstat(candidate));
    if (!stats) return undefined;
    if (!stats.isSymbolicLink() || (!followLast && pending.length === 0)) {
      resolved.push(part);
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) return undefined;
    const target = await readlink(candidate);
    if (target.startsWith("/")) resolved.length = 0;
    pending.unshift(...target.split("/").filter(Boolean));
  }
  return `${root}/${resolved.join("/")}`;
}

/** Opens a root file system at `root` (an absolute path on this machine). */
export async function openRootTransport(root: string): Promise<HostTransport> {
  const base = root.replace(/\/+$/, "") || "/";
  const stats = isAbsolute(base) ? await absentAsUndefined(base, () => lstat(base)) : undefined;
  if (!stats?.isDirectory()) {
    throw new TransportError("HC_ROOT_MISSING", `root:${root} is not a directory`, "name the absolute path of a mounted or extracted root file system");
  }
  const within = base === "/" ? "" : base;
  return {
    kind: "root",
    canExec: false,
    async readFile(path) {
      const real = await resolveInRoot(within, path);
      return real === undefined ? undefined : absentAsUndefined(path, () => readFile(real, "utf8"));
    },
    async listDir(path) {
      const real = await resolveInRoot(within, path);
      return real === undefined ? undefined : absentAsUndefined(path, async () => (await readdir(real)).sort());
    },
    async stat(path) {
      const real = await resolveInRoot(within, path, false);
      return real === undefined ? undefined : absentAsUndefined(path, async () => fileStatOf(await lstat(real)));
    },
    exec: async () => execUnavailable("root"),
    close: async () => {},
  };
}

/** Provider of the `root:` transport. */
export const rootTransportProvider: TransportProvider = defineTransport({
  kind: "root",
  description: "an offline root file system (mounted image, container export, chroot): files only",
  open: (host) => openRootTransport(host.location),
  detectOs: detectUnixOs,
});
