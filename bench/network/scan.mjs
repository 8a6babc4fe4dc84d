// Network protocol bench: bundles lab-scan.ts (lab servers + one Hardcheck.scan of all their endpoints)
// with esbuild and runs it once. Needs built packages (npx turbo run build), the Debian servers from
// scripts/system-packages.txt (postfix, slapd, snmpd, nginx, kamailio …) and root (Postfix's master).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, ".build", "lab-scan.mjs");
await build({ entryPoints: [join(here, "lab-scan.ts")], bundle: true, platform: "node", format: "esm", packages: "external", logLevel: "warning", outfile });
const run = spawnSync(process.execPath, [outfile], { stdio: "inherit" });
process.exit(run.status ?? 1);
