// Builds (once, cached outside the repository) a minimal Debian root file system with debootstrap,
// so `root:` scans run against the files a real system has rather than hand-written fixtures.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Where the pristine root lives; override with HARDCHECK_DEBIAN_ROOT_CACHE. */
export const debianRootCache = process.env.HARDCHECK_DEBIAN_ROOT_CACHE ?? "/var/cache/hardcheck-test/debian-root";
const readyMarker = ".hardcheck-ready";

/** The Debian mirror this machine's apt already uses (so the build reaches a host known to work). */
export function localDebianMirror(): { mirror: string; suite: string } {
  const texts: string[] = [];
  for (const file of ["/etc/apt/sources.list", "/etc/apt/sources.list.d/debian.sources"]) {
    if (existsSync(file)) texts.push(readFileSync(file, "utf8"));
  }
  const text = texts.join("\n");
  const deb822 = /URIs:\s*(\S+)\s*\nSuites:\s*([a-z]+)\s/.exec(text);
  const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+([a-z]+)\s/m.exec(text);
  const found = deb822 ?? oneLine;
  const codename = /VERSION_CODENAME=(\w+)/.exec(existsSync("/etc/os-release") ? readFileSync("/etc/os-release", "utf8") : "")?.[1];
  return { mirror: found?.[1] ?? "http://deb.debian.org/debian", suite: found?.[2] ?? codename ?? "bookworm" };
}

/** The outcome of preparing the cached root: its path, or why it cannot exist here. */
export type DebianRoot = { readonly path: string; readonly builtMs?: number } | { readonly skip: string };

/**
 * Returns the cached Debian root, building it with `debootstrap --variant=minbase` first when it is
 * missing. A file lock serialises concurrent test files so only one of them builds.
 */
export async function ensureDebianRoot(): Promise<DebianRoot> {
  if (existsSync(join(debianRootCache, readyMarker))) return { path: debianRootCache };
  if (!existsSync("/usr/sbin/debootstrap")) return { skip: "debootstrap is not installed (scripts/system-packages.txt lists it)" };
  if (process.getuid?.() !== 0) return { skip: "debootstrap needs root to build the cached Debian root" };
  const { mirror, suite } = localDebianMirror();
  const started = Date.now();
  // The script runs under flock: the second caller waits, then sees the ready marker and does nothing.
  const script = [
    "set -e",
    `[ -e "$1/${readyMarker}" ] && exit 0`,
    'rm -rf "$1"; mkdir -p "$(dirname "$1")"',
    'debootstrap --variant=minbase "$2" "$1.partial" "$3" > "$1.log" 2>&1 || { tail -20 "$1.log" >&2; rm -rf "$1.partial"; exit 1; }',
    'mv "$1.partial" "$1"',
    `touch "$1/${readyMarker}"`,
  ].join("\n");
  try {
    await run("mkdir", ["-p", join(debianRootCache, "..")]);
    await run("flock", [`${debianRootCache}.lock`, "sh", "-c", script, "build", debianRootCache, suite, mirror], { timeout: 15 * 60_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    return { skip: `debootstrap of ${suite} from ${mirror} failed: ${stderr.trim().split("\n").slice(-3).join(" | ")}` };
  }
  return { path: debianRootCache, builtMs: Date.now() - started };
}

/** A private copy of the cached root (only /etc, /var/lib/dpkg and /usr/lib/os-release matter to the probes). */
export async function copyDebianRoot(source: string, label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `hardcheck-${label}-`));
  for (const part of ["etc", "var/lib/dpkg/status", "var/lib/apt", "var/log/apt", "usr/lib/os-release"]) {
    if (existsSync(join(source, part))) await cp(join(source, part), join(dir, part), { recursive: true, verbatimSymlinks: true });
  }
  return dir;
}

/** Writes files into a root copy, creating directories. */
async function put(root: string, files: Readonly<Record<string, string>>): Promise<void> {
  const { mkdir, writeFile } = await import("node:fs/promises");
  const { dirname } = await import("node:path");
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

async function link(root: string, path: string, target: string): Promise<void> {
  const { mkdir, symlink } = await import("node:fs/promises");
  const { dirname } = await import("node:path");
  await mkdir(dirname(join(root, path)), { recursive: true });
  await symlink(target, join(root, path));
}

async function editFile(root: string, path: string, edit: (text: string) => string): Promise<void> {
  const { readFile, writeFile } = await import("node:fs/promises");
  await writeFile(join(root, path), edit(await readFile(join(root, path), "utf8")));
}

/** The instant the root copies are scanned as of: their files are dated relative to it, never to today. */
export const ROOT_SCAN_AT = new Date("2026-06-01T00:00:00Z");

/**
 * A security Packages index naming `version` for `pkg`, and a Release file; every list is dated
 * `refreshedAt` (the list refresh time the probe reads), so the verdict does not depend on when the
 * cached root was built or on today's date.
 */
async function securityList(root: string, pkg: string, version: string, refreshedAt: Date): Promise<void> {
  const { readdir, utimes } = await import("node:fs/promises");
  const lists = "var/lib/apt/lists";
  await put(root, {
    [`${lists}/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages`]: `Package: ${pkg}\nVersion: ${version}\nArchitecture: amd64\n\n`,
    [`${lists}/deb.debian.org_debian-security_dists_bookworm-security_InRelease`]: "Origin: Debian\n",
  });
  for (const name of await readdir(join(root, lists))) await utimes(join(root, lists, name), refreshedAt, refreshedAt);
}

/** The installed version of a package in a root's dpkg status. */
export function installedVersion(root: string, pkg: string): string {
  const status = readFileSync(join(root, "var/lib/dpkg/status"), "utf8");
  const stanza = status.split("\n\n").find((text) => text.startsWith(`Package: ${pkg}\n`)) ?? "";
  return /^Version: (\S+)/m.exec(stanza)?.[1] ?? "0";
}

const UNNEEDED_MODULES = ["cramfs", "freevxfs", "hfs", "hfsplus", "jffs2", "udf", "dccp", "sctp", "rds", "tipc"];
const DEBIAN_SUDOERS =
  'Defaults\tenv_reset\nDefaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"\nroot\tALL=(ALL:ALL) ALL\n%sudo\tALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n';

/** Marks packages installed in a root's dpkg status (the probes read the status, not the binaries). */
async function addPackages(root: string, names: readonly string[]): Promise<void> {
  await editFile(
    root,
    "var/lib/dpkg/status",
    (text) => `${text.trimEnd()}\n\n${names.map((name) => `Package: ${name}\nStatus: install ok installed\nVersion: 1.0-1\n`).join("\n")}`,
  );
}

async function chmod(root: string, path: string, mode: number): Promise<void> {
  const { chmod: setMode } = await import("node:fs/promises");
  await setMode(join(root, path), mode);
}

const SSHD_CONFIG =
  "Include /etc/ssh/sshd_config.d/*.conf\n#PermitRootLogin prohibit-password\nKbdInteractiveAuthentication no\nUsePAM yes\nSubsystem sftp /usr/lib/openssh/sftp-server\n";

/** Applies the Xpert hardening values to a root copy (what the MLC hardening script would leave). */
export async function hardenRoot(root: string): Promise<void> {
  await put(root, {
    "etc/ssh/sshd_config": SSHD_CONFIG,
    "etc/ssh/sshd_config.d/10-hardening.conf": [
      "PermitRootLogin no",
      "PasswordAuthentication no",
      "PermitEmptyPasswords no",
      "MaxAuthTries 4",
      "ClientAliveInterval 300",
      "ClientAliveCountMax 3",
      "Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr",
      "MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-512,hmac-sha2-256",
      "KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512",
      "",
    ].join("\n"),
    "etc/security/pwquality.conf": "# defaults\n",
    "etc/security/pwquality.conf.d/50-hardening.conf":
      "minlen = 14\ndifok = 2\ndcredit = -1\nucredit = -1\nlcredit = -1\nmaxrepeat = 3\nmaxsequence = 3\nusercheck = 1\nenforce_for_root\n",
    "etc/pam.d/common-password": [
      "password requisite pam_pwquality.so retry=3",
      "password required pam_pwhistory.so remember=5 use_authtok",
      "password [success=1 default=ignore] pam_unix.so obscure use_authtok try_first_pass sha512",
      "password requisite pam_deny.so",
      "password required pam_permit.so",
      "",
    ].join("\n"),
    "etc/modprobe.d/usb-storage.conf": "install usb-storage /bin/false\nblacklist usb-storage\n",
    "etc/nftables.conf":
      "#!/usr/sbin/nft -f\nflush ruleset\ntable inet filter {\n  chain input {\n    type filter hook input priority filter; policy drop;\n    iif lo accept\n    ct state established,related accept\n    tcp dport 22 accept\n  }\n}\n",
    "etc/sysctl.d/60-no-forwarding.conf": "net.ipv4.ip_forward = 0\n",
    "etc/sysctl.d/60-hardening.conf": [
      ...["all", "default"].flatMap((scope) => [
        `net.ipv4.conf.${scope}.accept_redirects = 0`,
        `net.ipv4.conf.${scope}.secure_redirects = 0`,
        `net.ipv4.conf.${scope}.send_redirects = 0`,
        `net.ipv6.conf.${scope}.accept_redirects = 0`,
        `net.ipv4.conf.${scope}.accept_source_route = 0`,
        `net.ipv6.conf.${scope}.accept_source_route = 0`,
        `net.ipv4.conf.${scope}.rp_filter = 1`,
      ]),
      "net.ipv4.conf.all.log_martians = 1",
      "net.ipv4.tcp_syncookies = 1",
      "kernel.randomize_va_space = 2",
      "kernel.kptr_restrict = 2",
      "kernel.dmesg_restrict = 1",
      "fs.protected_symlinks = 1",
      "fs.protected_hardlinks = 1",
      "fs.suid_dumpable = 0",
      "",
    ].join("\n"),
  });
  await put(root, {
    "etc/security/faillock.conf": "deny = 5\nunlock_time = 900\n",
    "boot/grub/grub.cfg": 'set default=0\nset superusers="bootadmin"\npassword_pbkdf2 bootadmin grub.pbkdf2.sha512.10000.00AA.11BB\n',
    "etc/fstab": `${["/tmp", "/var/tmp", "/dev/shm"].map((point) => `tmpfs ${point} tmpfs rw,nodev,nosuid,noexec 0 0`).join("\n")}\n`,
    "etc/sudoers": DEBIAN_SUDOERS,
    "etc/sudoers.d/hardening": 'Defaults use_pty\nDefaults logfile="/var/log/sudo.log"\n',
    "etc/modprobe.d/unneeded.conf": `${UNNEEDED_MODULES.map((name) => `install ${name} /bin/false\nblacklist ${name}`).join("\n")}\n`,
  });
  await chmod(root, "boot/grub/grub.cfg", 0o600);
  await put(root, {
    "etc/audit/rules.d/50-identity.rules": `${["passwd", "shadow", "group", "gshadow", "sudoers"].map((name) => `-w /etc/${name} -p wa -k identity`).join("\n")}\n`,
    "etc/audit/rules.d/99-finalize.rules": "-e 2\n",
    "etc/cron.daily/aide": "#!/bin/sh\n",
    "var/lib/aide/aide.db": "baseline\n",
    "etc/apt/apt.conf.d/20auto-upgrades": 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n',
    "etc/apt/apt.conf.d/50unattended-upgrades":
      // biome-ignore lint/suspicious/noTemplateCurlyInString: apt's own ${variable} syntax, not a template
      'Unattended-Upgrade::Origins-Pattern {\n  "origin=Debian,codename=${distro_codename},label=Debian-Security";\n};\n',
    "etc/rsyslog.d/90-remote.conf": "*.* @@loghost.example:514\n",
    "etc/security/limits.d/90-nocore.conf": "* hard core 0\n",
    "etc/profile.d/50-hardening.sh": "umask 027\nreadonly TMOUT=900\nexport TMOUT\n",
  });
  await link(root, "etc/systemd/system/multi-user.target.wants/auditd.service", "/lib/systemd/system/auditd.service");
  await addPackages(root, ["auditd", "aide", "unattended-upgrades"]);
  await editFile(root, "etc/pam.d/su", (text) => `${text}\nauth required pam_wheel.so use_uid group=sugroup\n`);
  await editFile(root, "etc/pam.d/common-auth", (text) =>
    text
      .replace(/^(auth\s.*pam_unix\.so.*)$/m, "auth required pam_faillock.so preauth\n$1\nauth [default=die] pam_faillock.so authfail")
      .concat("auth sufficient pam_faillock.so authsucc\n"),
  );
  await link(root, "etc/systemd/system/sysinit.target.wants/nftables.service", "/lib/systemd/system/nftables.service");
  await editFile(root, "etc/pam.d/common-auth", (text) => text.replace(/ nullok/g, ""));
  await editFile(root, "etc/login.defs", (text) => text.replace(/^PASS_MAX_DAYS.*$/m, "PASS_MAX_DAYS\t90").replace(/^PASS_WARN_AGE.*$/m, "PASS_WARN_AGE\t14"));
  await editFile(root, "etc/shadow", (text) => text.replace(/^root:[^:]*:(\d*):\d*:\d*:\d*:/m, "root:$6$salt$hash:$1:1:90:14:"));
  await securityList(root, "libc6", installedVersion(root, "libc6"), new Date(ROOT_SCAN_AT.getTime() - 86_400_000));
}

/** Leaves Debian's defaults and adds the findings a neglected host has (tools, LLDP, forwarding, an old hash). */
export async function weakenRoot(root: string): Promise<void> {
  await put(root, {
    "etc/ssh/sshd_config": SSHD_CONFIG,
    "etc/sysctl.d/99-router.conf": "net.ipv4.ip_forward=1\nnet.ipv4.conf.all.accept_redirects=1\nkernel.randomize_va_space=0\n",
    "etc/ssh/sshd_config.d/50-legacy.conf":
      "Ciphers aes128-cbc,aes128-ctr\nMACs hmac-md5,hmac-sha2-256\nKexAlgorithms diffie-hellman-group14-sha1,curve25519-sha256\nPermitEmptyPasswords yes\n",
    "etc/modprobe.d/blacklist-usb.conf": "blacklist usb-storage\n",
  });
  await editFile(root, "etc/pam.d/common-password", (text) => text.replace(/^(password.*pam_unix\.so.*) yescrypt/m, "$1 md5"));
  // root keeps a usable (old MD5) password that never expires: a locked one would have nothing to age.
  await editFile(root, "etc/shadow", (text) => text.replace(/^root:[^:]*:/m, "root:$1$salt$hash:"));
  await editFile(
    root,
    "var/lib/dpkg/status",
    (text) =>
      `${text.trimEnd()}\n\nPackage: tcpdump\nStatus: install ok installed\nVersion: 4.99.3-1\n\nPackage: lldpd\nStatus: install ok installed\nVersion: 1.0.16-1\n`,
  );
  await link(root, "etc/systemd/system/multi-user.target.wants/lldpd.service", "/lib/systemd/system/lldpd.service");
  await put(root, {
    "boot/grub/grub.cfg": "set default=0\nmenuentry 'Debian' { linux /vmlinuz root=/dev/vda }\n",
    "etc/sudoers": DEBIAN_SUDOERS,
    "etc/sudoers.d/ops": "ops ALL=(ALL) NOPASSWD: ALL\n",
  });
  await editFile(
    root,
    "etc/passwd",
    (text) => `${text}toor:x:0:0:spare root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1000:1000::/home/bob:/bin/bash\n`,
  );
  await chmod(root, "etc/shadow", 0o644);
  await put(root, { "srv/drop/readme": "", "etc/open.conf": "", "usr/local/bin/rootshell": "", "srv/orphan.tar": "" });
  await chmod(root, "srv/drop", 0o777);
  await chmod(root, "etc/open.conf", 0o666);
  await chmod(root, "usr/local/bin/rootshell", 0o4755);
  const { chown } = await import("node:fs/promises");
  await chown(join(root, "srv/orphan.tar"), 4242, 4242);
  // auditd installed but never enabled and without rules; AIDE installed but never initialised.
  await addPackages(root, ["auditd", "aide"]);
  await securityList(root, "libc6", `${installedVersion(root, "libc6")}+deb12u99`, new Date(ROOT_SCAN_AT.getTime() - 400 * 86_400_000));
}
