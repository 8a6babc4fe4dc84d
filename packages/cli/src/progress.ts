/** A one-line progress display on stderr, drawn only on a terminal. */
import type { ScanProgress } from "@hardcheck/core";
import type { CliIo } from "./io.js";

/** Returns an `onProgress` callback and a `finish` that clears the line. */
export function progressDisplay(io: CliIo): { onProgress: (progress: ScanProgress) => void; finish: () => void } {
  if (io.stderr.isTTY !== true) return { onProgress: () => {}, finish: () => {} };
  const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let frame = 0;
  let last = 0;
  let drawn = false;
  return {
    onProgress({ done, total }) {
      const now = Date.now();
      if (now - last < 80 && done < total) return;
      last = now;
      const width = 24;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      io.stderr.write(`\r${frames[frame++ % frames.length]} [${"█".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total} checks`);
      drawn = true;
    },
    finish() {
      if (drawn) io.stderr.write("\r\u001b[2K");
    },
  };
}
