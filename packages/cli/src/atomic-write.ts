/** Report files are replaced whole: a reader, or a run stopped mid-write, sees the old file or the new one. */
import { randomBytes } from "node:crypto";
import { unlinkSync } from "node:fs";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Temporary files being written now, removed if the process is stopped at once. */
const pendingTemporaryFiles = new Set<string>();
let removedOnExit = false;

/** Tracks `file` until it is renamed or removed; the process removes what is left when it exits. */
function trackTemporaryFile(file: string): void {
  if (!removedOnExit) {
    removedOnExit = true;
    process.once("exit", removePendingTemporaryFiles);
  }
  pendingTemporaryFiles.add(file);
}

/**
 * Writes `content` to a temporary file beside `path`, flushes it to disk and renames it over `path`
 * (rename within one folder is atomic on POSIX and on NTFS).
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await writeFileAtomicFrom(path, async (handle) => {
    await handle.writeFile(content);
  });
}

/**
 * Like {@link writeFileAtomic}, for a file too large to hold in memory: `write` writes the content
 * to the temporary file's handle piece by piece.
 */
export async function writeFileAtomicFrom(path: string, write: (handle: FileHandle) => Promise<void>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  trackTemporaryFile(temporary);
  try {
    const handle = await open(temporary, "w", 0o644);
    try {
      await write(handle);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  } finally {
    pendingTemporaryFiles.delete(temporary);
  }
}

/**
 * A scratch file beside `path` for a writer's spooled parts: removed like a temporary file when the
 * process is stopped, and by `discard()` when done.
 */
export function scratchFileBeside(path: string, part: string): { readonly path: string; discard(): Promise<void> } {
  const scratch = join(dirname(path), `.${basename(path)}.${part}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  trackTemporaryFile(scratch);
  return {
    path: scratch,
    async discard() {
      await rm(scratch, { force: true });
      pendingTemporaryFiles.delete(scratch);
    },
  };
}

/** Removes the temporary files of writes still in progress (synchronous: runs on the way out). */
export function removePendingTemporaryFiles(): void {
  for (const temporary of pendingTemporaryFiles) {
    try {
      unlinkSync(temporary);
    } catch {
      // Already renamed or never created.
    }
  }
  pendingTemporaryFiles.clear();
}
