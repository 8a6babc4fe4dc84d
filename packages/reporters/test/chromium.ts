/** Starts the system Chromium (Debian package) under playwright-core for browser tests; never downloads one. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/** The Debian `chromium` binary. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** How long a launch, a navigation or a wait may take before the test fails. */
const BROWSER_TIMEOUT_MS = 90_000;

/** A running browser with a fresh profile, and how to stop it. */
export interface TestBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile directory and no background network traffic. */
export async function launchChromium(): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), "hardcheck-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: BROWSER_TIMEOUT_MS,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  // A fresh browser's first page load can take tens of seconds on a loaded CI machine (and longer
  // under libfaketime in the dated pass); the tests judge what is rendered, never how fast.
  context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(BROWSER_TIMEOUT_MS);
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
