import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HTML_PAGE_LIMIT_CHARS, warnOversizedPage } from "../src/commands/render.js";

describe("a page larger than a browser can show", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hardcheck-page-size-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const warnings = async (size: number, written: readonly string[]) => {
    const file = join(dir, "hardcheck.html");
    await writeFile(file, "");
    // A sparse file: its size without the disk space.
    await truncate(file, size);
    let stderr = "";
    await warnOversizedPage(dir, written, { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) }, env: {}, cwd: dir });
    return stderr;
  };

  it("is named on stderr with its size and where the results are instead", async () => {
    const stderr = await warnings(HTML_PAGE_LIMIT_CHARS + 2 ** 20, ["hardcheck.json", "hardcheck.html"]);
    expect(stderr).toBe(
      "warning: hardcheck.html is 513 MiB, more than a browser can load (about 512 Mi characters of page data): the page will say it cannot show its results. Every result is in hardcheck.json; write HTML per shard, or use markdown or sarif for the whole estate.\n",
    );
  });

  it("is not named when it fits, or when this run did not write it", async () => {
    expect(await warnings(HTML_PAGE_LIMIT_CHARS, ["hardcheck.json", "hardcheck.html"])).toBe("");
    expect(await warnings(HTML_PAGE_LIMIT_CHARS + 1, ["hardcheck.json"])).toBe("");
  });

  it("counts characters, not bytes: a page over the limit in bytes only is not named", async () => {
    const file = join(dir, "hardcheck.html");
    let stderr = "";
    const io = { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) }, env: {}, cwd: dir };
    // 600 characters of two bytes each, one of four bytes (two code units), against a limit of 1,000.
    await writeFile(file, `${"é".repeat(600)}😀`);
    await warnOversizedPage(dir, ["hardcheck.html"], io, 1_000);
    expect(stderr).toBe("");
    await writeFile(file, `${"é".repeat(999)}😀`);
    await warnOversizedPage(dir, ["hardcheck.html"], io, 1_000);
    expect(stderr).toContain("warning: hardcheck.html is 0 MiB, more than a browser can load");
  });
});
