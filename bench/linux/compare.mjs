// Bench: linux-baseline next to OpenSCAP (SCAP Security Guide for Debian) and Lynis on the same hosts.
// Builds the weak and the hardened Debian roots the tests use, scans each with hardcheck (root:) and
// with `oscap xccdf eval` (OSCAP_PROBE_ROOT, the way oscap-chroot works), then scans this machine with
// hardcheck (local:) and `lynis audit system`, which has no offline mode. Prints wall times, their
// ratios and, for every hardcheck rule with a counterpart, the verdicts side by side.
// Needs root, debootstrap (or the cached root), and the Debian packages openscap-scanner, ssg-debian
// and lynis. Usage: node bench/linux/compare.mjs [--without-lynis]
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { register as checklists } from "@hardcheck/checklists";
import { configFromObject, fixedClock, Hardcheck } from "@hardcheck/core";
import { register as linuxProbes } from "@hardcheck/probes-linux";
import { build } from "esbuild";

const run = promisify(execFile);
const withLynis = !process.argv.includes("--without-lynis");
const SSG = "/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml";
const PROFILES = ["standard", "anssi_np_nt28_high"];

// The roots are built by the same code the tests use (TypeScript, bundled here for plain node).
const work = mkdtempSync(join(tmpdir(), "hardcheck-bench-compare-"));
const helper = join(work, "debian-root.mjs");
await build({
  entryPoints: [fileURLToPath(new URL("../../packages/probes-linux/test/debian-root.ts", import.meta.url))],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile: helper,
  logLevel: "error",
});
const { ensureDebianRoot, copyDebianRoot, hardenRoot, weakenRoot, ROOT_SCAN_AT } = await import(helper);

/** hardcheck rule → SSG rule ids (all must pass for a pass) and Lynis test ids (a warning or suggestion is a fail). */
const COUNTERPARTS = {
  "LNX-SSH-NO-ROOT-LOGIN": { ssg: ["sshd_disable_root_login"], lynis: ["SSH-7408:PermitRootLogin"] },
  "LNX-SSH-NO-EMPTY-PASSWORDS": { ssg: ["sshd_disable_empty_passwords"], lynis: ["SSH-7408:PermitEmptyPasswords"] },
  "LNX-SSH-MAX-AUTH-TRIES": { ssg: ["sshd_set_max_auth_tries"], lynis: ["SSH-7408:MaxAuthTries"] },
  "LNX-SSH-IDLE-TIMEOUT": { ssg: ["sshd_set_idle_timeout", "sshd_set_keepalive_0"], lynis: ["SSH-7408:ClientAliveCountMax"] },
  "LNX-SYSCTL-ASLR": { ssg: ["sysctl_kernel_randomize_va_space"], lynis: ["KRNL-6000:kernel.randomize_va_space"] },
  "LNX-SYSCTL-KERNEL-POINTERS": {
    ssg: ["sysctl_kernel_kptr_restrict", "sysctl_kernel_dmesg_restrict"],
    lynis: ["KRNL-6000:kernel.kptr_restrict", "KRNL-6000:kernel.dmesg_restrict"],
  },
  "LNX-SYSCTL-PROTECTED-LINKS": {
    ssg: ["sysctl_fs_protected_symlinks", "sysctl_fs_protected_hardlinks"],
    lynis: ["KRNL-6000:fs.protected_symlinks", "KRNL-6000:fs.protected_hardlinks"],
  },
  "LNX-SYSCTL-NO-REDIRECTS": {
    ssg: ["sysctl_net_ipv4_conf_all_accept_redirects", "sysctl_net_ipv4_conf_all_send_redirects"],
    lynis: ["KRNL-6000:net.ipv4.conf.all.accept_redirects", "KRNL-6000:net.ipv4.conf.all.send_redirects"],
  },
  "LNX-CORE-DUMPS-RESTRICTED": { ssg: ["sysctl_fs_suid_dumpable", "disable_users_coredumps"], lynis: ["KRNL-5820"] },
  "LNX-ACCOUNT-FILE-PERMISSIONS": {
    ssg: ["passwd", "shadow", "group", "gshadow"].flatMap((file) => [`file_owner_etc_${file}`, `file_groupowner_etc_${file}`, `file_permissions_etc_${file}`]),
    lynis: [],
  },
  "LNX-UID0-ONLY-ROOT": { ssg: ["accounts_no_uid_except_zero"], lynis: ["AUTH-9204"] },
  "LNX-UNIQUE-ACCOUNT-IDS": { ssg: ["account_unique_name"], lynis: ["AUTH-9208"] },
  "LNX-SUDO-PASSWORD-REQUIRED": { ssg: ["sudo_remove_nopasswd", "sudo_remove_no_authenticate"], lynis: [] },
  "LNX-SUDO-USE-PTY": { ssg: ["sudo_add_use_pty"], lynis: [] },
  "LNX-SUDO-LOGFILE": { ssg: ["sudo_custom_logfile"], lynis: [] },
  "LNX-TMP-MOUNT-OPTIONS": { ssg: ["partition_for_tmp", "mount_option_tmp_nodev", "mount_option_tmp_nosuid", "mount_option_tmp_noexec"], lynis: ["FILE-6310"] },
  "LNX-DEV-SHM-MOUNT-OPTIONS": { ssg: ["mount_option_dev_shm_nodev", "mount_option_dev_shm_nosuid", "mount_option_dev_shm_noexec"], lynis: [] },
  "LNX-AUDITD-ACTIVE": { ssg: ["package_audit_installed", "service_auditd_enabled"], lynis: ["ACCT-9628"] },
  "LNX-FILE-INTEGRITY": { ssg: ["package_aide_installed", "aide_build_database"], lynis: ["FINT-4350"] },
  "LNX-REMOTE-LOG-HOST": { ssg: ["rsyslog_remote_loghost"], lynis: ["LOGG-2154"] },
  "LNX-DEFAULT-UMASK": { ssg: ["accounts_umask_etc_login_defs", "accounts_umask_etc_profile"], lynis: ["AUTH-9328"] },
  "LNX-SHELL-TIMEOUT": { ssg: ["accounts_tmout"], lynis: [] },
  "LNX-STICKY-WORLD-WRITABLE-DIRS": { ssg: ["dir_perms_world_writable_sticky_bits"], lynis: [] },
  "LNX-NO-WORLD-WRITABLE-FILES": { ssg: ["file_permissions_unauthorized_world_writable"], lynis: [] },
  "LNX-PAM-NO-BLANK-PASSWORDS": { ssg: ["no_empty_passwords"], lynis: [] },
  "LNX-PWQ-LENGTH": { ssg: ["accounts_password_pam_minlen"], lynis: ["AUTH-9262"] },
  "LNX-PASSWORD-AGING-DEFAULTS": { ssg: ["accounts_maximum_age_login_defs"], lynis: ["AUTH-9286"] },
  "LNX-UNNEEDED-KERNEL-MODULES": {
    ssg: ["kernel_module_cramfs_disabled", "kernel_module_udf_disabled", "kernel_module_dccp_disabled", "kernel_module_sctp_disabled"],
    lynis: [],
  },
  "LNX-FIREWALL-ACTIVE": { ssg: [], lynis: ["FIRE-4590"] },
  "LNX-SECURITY-UPDATES": { ssg: ["security_patches_up_to_date"], lynis: ["PKGS-7392"] },
  "LNX-UNATTENDED-SECURITY-UPGRADES": { ssg: ["package_unattended-upgrades_installed"], lynis: [] },
};

async function hardcheck(host, tailoring = {}) {
  const config = configFromObject({ packs: ["linux-baseline"], targets: [{ id: "bench", host, os: "linux" }], tailoring });
  const instance = await Hardcheck.create({ plugins: [linuxProbes, checklists], config });
  const started = performance.now();
  const report = await instance.scan(config, host.startsWith("root:") ? { clock: fixedClock(ROOT_SCAN_AT) } : {});
  return { ms: performance.now() - started, verdicts: Object.fromEntries(report.results.map((result) => [result.ruleId, result.status])) };
}

async function openscap(root) {
  const verdicts = {};
  let ms = 0;
  for (const profile of PROFILES) {
    const results = join(work, `oscap-${profile}.xml`);
    const started = performance.now();
    // oscap exits 2 when a rule fails: that is a result, not an error.
    await run("oscap", ["xccdf", "eval", "--profile", `xccdf_org.ssgproject.content_profile_${profile}`, "--results", results, SSG], {
      env: { ...process.env, OSCAP_PROBE_ROOT: root },
      maxBuffer: 64 << 20,
    }).catch((error) => {
      if (error.code !== 2) throw error;
    });
    ms += performance.now() - started;
    for (const match of readFileSync(results, "utf8").matchAll(
      /<rule-result idref="xccdf_org\.ssgproject\.content_rule_([^"]+)"[\s\S]*?<result>(\w+)<\/result>/g,
    ))
      verdicts[match[1]] = match[2];
  }
  return { ms, verdicts };
}

/** Lynis findings by test id (and `id:detail` for the per-setting SSH and kernel tests). */
async function lynis() {
  const report = join(work, "lynis-report.dat");
  const started = performance.now();
  await run("lynis", ["audit", "system", "--quick", "--no-colors", "--no-log", "--report-file", report], { maxBuffer: 64 << 20, timeout: 20 * 60_000 });
  const ms = performance.now() - started;
  const findings = new Set();
  const performed = new Set();
  for (const line of readFileSync(report, "utf8").split("\n")) {
    const finding = /^(?:warning|suggestion)\[\]=([A-Z]+-\d+)\|([^|]*)\|([^|]*)\|/.exec(line);
    if (finding) {
      findings.add(finding[1]);
      for (const detail of `${finding[2]} ${finding[3]}`.match(/[\w.]+/g) ?? []) findings.add(`${finding[1]}:${detail}`);
    }
    // Per-setting tests (sysctl values, sshd options) name each deviating setting in a details line.
    const detail = /^details\[\]=([A-Z]+-\d+)\|[^|]*\|.*?field:([^;]+);/.exec(line);
    if (detail) findings.add(`${detail[1]}:${detail[2]}`);
    const tests = /^tests_executed=(.*)$/.exec(line);
    if (tests) for (const id of tests[1].split("|")) performed.add(id);
  }
  return { ms, findings, performed };
}

const ssgVerdict = (verdicts, ids) => {
  const seen = ids.map((id) => verdicts[id]).filter((value) => value === "pass" || value === "fail");
  if (seen.length === 0) return "—";
  return seen.includes("fail") ? "fail" : "pass";
};
const lynisVerdict = ({ findings, performed }, ids) => {
  const relevant = ids.filter((id) => performed.has(id.split(":")[0]));
  if (relevant.length === 0) return "—";
  return relevant.some((id) => findings.has(id)) ? "fail" : "pass";
};
const agreement = (ours, theirs) => (theirs === "—" || !/^(pass|fail)$/.test(ours) ? "" : ours === theirs ? "=" : "≠");

const prepared = await ensureDebianRoot();
if ("skip" in prepared) throw new Error(`no Debian root: ${prepared.skip}`);
const rows = [];
const timings = [];
for (const [label, prepare] of [
  ["weak root", weakenRoot],
  ["hardened root", hardenRoot],
]) {
  const root = await copyDebianRoot(prepared.path, label.split(" ")[0]);
  await prepare(root);
  // ssg-debian ships Debian 11 content only; it marks every rule not applicable unless the root says 11.
  writeFileSync(join(root, "etc/debian_version"), "11.11\n");
  const ours = await hardcheck(`root:${root}`);
  const theirs = await openscap(root);
  timings.push([label, "OpenSCAP", ours.ms, theirs.ms]);
  for (const [rule, counterpart] of Object.entries(COUNTERPARTS)) {
    const other = ssgVerdict(theirs.verdicts, counterpart.ssg);
    if (other !== "—") rows.push([label, rule, ours.verdicts[rule] ?? "?", "OpenSCAP", other, agreement(ours.verdicts[rule], other)]);
  }
  rmSync(root, { recursive: true, force: true });
}
if (withLynis && existsSync("/usr/sbin/lynis")) {
  const ours = await hardcheck("local:");
  const theirs = await lynis();
  timings.push(["this machine", "Lynis", ours.ms, theirs.ms]);
  for (const [rule, counterpart] of Object.entries(COUNTERPARTS)) {
    const other = lynisVerdict(theirs, counterpart.lynis);
    if (other !== "—") rows.push(["this machine", rule, ours.verdicts[rule] ?? "?", "Lynis", other, agreement(ours.verdicts[rule], other)]);
  }
}
rmSync(work, { recursive: true, force: true });

console.log("| host | peer | hardcheck ms | peer ms | peer / hardcheck |\n| --- | --- | ---: | ---: | ---: |");
for (const [host, peer, ours, theirs] of timings)
  console.log(`| ${host} | ${peer} | ${ours.toFixed(0)} | ${theirs.toFixed(0)} | ${(theirs / ours).toFixed(1)}× |`);
console.log("\n| host | hardcheck rule | hardcheck | peer | peer verdict | agree |\n| --- | --- | --- | --- | --- | :-: |");
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
const decided = rows.filter((row) => row[5] !== "");
console.log(`\nagreement: ${decided.filter((row) => row[5] === "=").length} of ${decided.length} compared verdicts`);
