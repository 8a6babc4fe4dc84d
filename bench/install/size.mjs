#!/usr/bin/env node
// What a user installs: packs every publishable package as npm would publish it, installs the
// tarballs into an empty project (third-party packages from the registry, as a user gets them),
// and prints the size of node_modules, the largest packages in it, and the same after adding the
// optional `mssql` peer that only the SQL Server login check needs.
// Usage: node bench/install/size.mjs
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");
const work = mkdtempSync(join(tmpdir(), "hc-install-size-"));
const npm = (args, cwd) => execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8" });

function bytesOf(path) {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const name of readdirSync(path)) total += bytesOf(join(path, name));
  return total;
}

/** Sizes of the top-level packages (scopes grouped) of a node_modules folder, largest first. */
function largest(modules, count) {
  const sizes = [];
  for (const name of readdirSync(modules)) {
    if (name.startsWith(".")) continue;
    sizes.push([name, bytesOf(join(modules, name))]);
  }
  return sizes.sort((a, b) => b[1] - a[1]).slice(0, count);
}

const mb = (bytes) => `${(bytes / 1_048_576).toFixed(1)} MB`;

try {
  const tarballs = [];
  for (const pkg of ["core", "probes-network", "probes-linux", "probes-windows", "reporters", "checklists", "cli"]) {
    const out = npm(["pack", "--json", "--pack-destination", work], join(root, "packages", pkg));
    tarballs.push(join(work, JSON.parse(out)[0].filename));
  }
  const project = join(work, "user");
  execFileSync("mkdir", ["-p", project]);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "user-project", private: true, type: "module" }));
  const started = performance.now();
  npm(["install", ...tarballs], project);
  const installMs = performance.now() - started;
  const modules = join(project, "node_modules");
  const base = bytesOf(modules);
  console.log(`user install of the 7 packages: ${mb(base)} of node_modules (npm install ${(installMs / 1000).toFixed(1)} s)`);
  for (const [name, bytes] of largest(modules, 8)) console.log(`  ${name.padEnd(28)} ${mb(bytes)}`);
  npm(["install", "mssql@12"], project);
  const withMssql = bytesOf(modules);
  console.log(`with the optional mssql peer (SQL Server login check): ${mb(withMssql)} (+${mb(withMssql - base)})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
