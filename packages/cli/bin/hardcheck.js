#!/usr/bin/env node
// Committed on purpose: npm links a workspace's bin only when its target exists at install time,
// and dist/ is built after `npm ci`. This file exists from the clone on, so `npx hardcheck` works.
try {
  await import("../dist/command/bin.js");
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error?.message).includes("dist/command/bin.js")) throw error;
  process.stderr.write("HC_NOT_BUILT: hardcheck is not built yet — run `npm run build` in the repository, then try again\n");
  process.exitCode = 2;
}
