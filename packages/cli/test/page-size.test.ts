import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HTML_PAGE_LIMIT_BYTES, warnOversizedPage } from "../src/commands/render.js";

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
    const stderr = await warnings(HTML_PAGE_LIMIT_BYTES + 2 ** 20, ["hardcheck.json", "hardcheck.html"]);
    expect(stderr).toBe(
      "warning: hardcheck.html is 513 MiB, more than a browser can load (about 512 MiB of page data): the page will say it cannot show its results. Every result is in hardcheck.json; write HTML per shard, or use markdown or sarif for the whole estate.\n",
    );
  });

  it("is not named when it fits, or when this run did not write it", async () => {
    expect(await warnings(HTML_PAGE_LIMIT_BYTES, ["hardcheck.json", "hardcheck.html"])).toBe("");
    expect(await warnings(HTML_PAGE_LIMIT_BYTES + 1, ["hardcheck.json"])).toBe("");
  });
});
