/** Checks shared by the tests of streamed report files: each equals its renderer fed the whole document. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ReportDocument } from "@hardcheck/core";
import { reporters } from "@hardcheck/reporters";
import { expect } from "vitest";

/**
 * Expects every file of `formats` in `outDir` to be byte for byte what its reporter renders from
 * `document` held whole, and, when `stdout` is given, the console view to be that of the console reporter.
 */
export async function expectRenderedAsWhole(outDir: string, document: ReportDocument, formats: readonly string[], stdout?: string): Promise<void> {
  for (const reporter of reporters.filter((candidate) => formats.includes(candidate.id) && candidate.id !== "console")) {
    expect(await readFile(join(outDir, reporter.fileName), "utf8"), reporter.id).toBe(String(reporter.render(document, { color: false })));
  }
  if (stdout !== undefined) expect(stdout).toBe(String(reporters.find((reporter) => reporter.id === "console")?.render(document, { color: false })));
}

/** The targets a JUnit file has a test suite for, in the file's order. */
export async function junitSuites(path: string): Promise<string[]> {
  const junit = await readFile(path, "utf8");
  return [...junit.matchAll(/<testsuite name="([^"]+)"/g)].map((match) => match[1] as string);
}
