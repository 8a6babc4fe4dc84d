/** sudo's policy (Defaults, NOPASSWD grants) from /etc/sudoers and its includes, and who may use su. */
import { defineFacts, defineProbe, type HostProbe, type HostTransport } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { pamArguments, readPamStack } from "../support/pam.js";

const MAX_INCLUDE_DEPTH = 8;

interface SudoersLine {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** The policy lines of a sudoers file and the files it includes (@include, #include, @includedir, #includedir). */
async function sudoersLines(transport: HostTransport, file: string, depth = 0): Promise<SudoersLine[]> {
  const text = await transport.readFile(file);
  if (text === undefined) {
    if ((await transport.stat(file)) !== undefined) throw new Error(`${file} exists but cannot be read: scan as root (or set ssh.sudo) to judge sudo`);
    return [];
  }
  const out: SudoersLine[] = [];
  const lines = text.replace(/\\\n/g, " ").split("\n");
  for (const [index, raw] of lines.entries()) {
    const include = /^[@#]include(dir)?\s+(\S+)/.exec(raw.trim());
    if (include && depth < MAX_INCLUDE_DEPTH) {
      const target = include[2] as string;
      if (include[1]) {
        // sudo skips names with a dot or ending in ~ in an included directory.
        for (const name of ((await transport.listDir(target)) ?? []).filter((entry) => !entry.includes(".") && !entry.endsWith("~")).sort())
          out.push(...(await sudoersLines(transport, `${target}/${name}`, depth + 1)));
      } else out.push(...(await sudoersLines(transport, target, depth + 1)));
      continue;
    }
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line) out.push({ file, line: index + 1, text: line });
  }
  return out;
}

/** The facts `sudoers` produces, each with its schema and meaning. */
export const sudoersFacts = defineFacts({
  "sudo.installed": {
    description: "true when /etc/sudoers exists",
    schema: z.boolean(),
  },
  "sudo.defaults": {
    description: 'every Defaults setting, sorted ("use_pty", "logfile=/var/log/sudo.log", "!authenticate")',
    schema: z.array(z.string()),
  },
  "sudo.logfile": {
    description: "the file named by Defaults logfile=, null when sudo keeps no log of its own",
    schema: z.string().nullable(),
  },
  "sudo.noPasswordGrants": {
    description: 'grants that skip the password (NOPASSWD or !authenticate), as "file:line: text"',
    schema: z.array(z.string()),
  },
  "su.restricted": {
    description: "true when /etc/pam.d/su requires pam_wheel (su only for members of its group)",
    schema: z.boolean(),
  },
  "su.group": {
    description: "the group pam_wheel admits (group= argument, else root's group 0), null when su is open",
    schema: z.string().nullable(),
  },
});

/** sudo Defaults and password-less grants, and the su restriction from PAM. */
export const sudoersProbe: HostProbe = defineProbe({
  meta: {
    id: "sudoers",
    description: "Reads /etc/sudoers with its includes (Defaults, NOPASSWD grants) and /etc/pam.d/su for pam_wheel.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: sudoersFacts,
  },
  async collect(_host, _params, { transport }) {
    const installed = (await transport.stat("/etc/sudoers")) !== undefined;
    const lines = installed ? await sudoersLines(transport, "/etc/sudoers") : [];
    const defaults = lines
      .filter((entry) => /^Defaults\b/.test(entry.text))
      .flatMap((entry) => entry.text.replace(/^Defaults\S*\s+/, "").split(/\s*,\s*/))
      .map((setting) => setting.replace(/\s*=\s*/, "=").replace(/"/g, ""));
    const noPassword = lines.filter((entry) => /NOPASSWD\s*:|!authenticate/.test(entry.text)).map((entry) => `${entry.file}:${entry.line}: ${entry.text}`);
    const wheel = (await readPamStack(transport, "su", "auth")).find(
      (entry) => entry.module === "pam_wheel" && /^(required|requisite)$/.test(entry.control) && !entry.args.includes("trust"),
    );
    const group = wheel ? pamArguments(wheel.args).group : undefined;
    return {
      facts: {
        "sudo.installed": installed,
        "sudo.defaults": [...new Set(defaults)].sort(),
        "sudo.logfile": defaults.findLast((setting) => setting.startsWith("logfile="))?.slice("logfile=".length) ?? null,
        "sudo.noPasswordGrants": noPassword,
        "su.restricted": wheel !== undefined,
        "su.group": wheel ? (typeof group === "string" ? group : "root") : null,
      },
    };
  },
});
