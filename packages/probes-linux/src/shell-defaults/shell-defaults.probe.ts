/**
 * What an interactive login shell starts with: its umask (pam_umask from login.defs, then
 * /etc/profile and its snippets) and an idle timeout (TMOUT).
 */
import { defineFacts, defineProbe, type HostProbe, type HostTransport } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { confFilesIn } from "../support/text.js";

/** The files a Debian login shell reads, in order. */
async function profileFiles(transport: HostTransport): Promise<string[]> {
  return ["/etc/profile", ...(await confFilesIn(transport, "/etc/profile.d", ".sh")).sort(), "/etc/bash.bashrc"];
}

/** Permission bits left after a umask, as octal text: `0666 & ~umask` for files, `0777 & ~umask` for directories. */
function modeAfter(umask: number, base: number): string {
  return (base & ~umask).toString(8).padStart(4, "0");
}

/** The facts `shell-defaults` produces, each with its schema and meaning. */
export const shellDefaultsFacts = defineFacts({
  "shell.umask": {
    description: 'the umask a login shell ends up with, as octal text ("0027"); the last setting read wins, 0022 when none is set',
    schema: z.string(),
  },
  "shell.umaskSource": {
    description: "the file that set it",
    schema: z.string(),
  },
  "shell.defaultFileMode": {
    description: 'mode of a new file under that umask ("0640" for umask 027)',
    schema: z.string(),
  },
  "shell.defaultDirectoryMode": {
    description: 'mode of a new directory under that umask ("0750" for umask 027)',
    schema: z.string(),
  },
  "shell.timeoutSeconds": {
    description: "the TMOUT the login shell ends up with, null when none is set",
    schema: z.number().int().nullable(),
  },
  "shell.timeoutReadonly": {
    description: "true when TMOUT is made readonly (a user cannot unset it)",
    schema: z.boolean(),
  },
});

/** The umask and idle timeout a login shell ends up with. */
export const shellDefaultsProbe: HostProbe = defineProbe({
  meta: {
    id: "shell-defaults",
    description: "Reads the login umask (login.defs UMASK, then umask lines in /etc/profile, profile.d and bash.bashrc) and TMOUT.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: shellDefaultsFacts,
  },
  async collect(_host, _params, { transport }) {
    let umask = 0o022;
    let source = "built-in default";
    const loginDefs = /^\s*UMASK\s+([0-7]{3,4})\s*$/m.exec((await transport.readFile("/etc/login.defs")) ?? "");
    if (loginDefs) {
      umask = Number.parseInt(loginDefs[1] as string, 8);
      source = "/etc/login.defs";
    }
    let timeout: number | null = null;
    let readonly = false;
    for (const file of await profileFiles(transport)) {
      const text = ((await transport.readFile(file)) ?? "").replace(/(^|\s)#.*$/gm, "");
      // Only top-level assignments count: a umask inside an `if` for UID 0 is not what users get, so indented lines are skipped.
      for (const match of text.matchAll(/^umask\s+([0-7]{3,4})\b/gm)) {
        umask = Number.parseInt(match[1] as string, 8);
        source = file;
      }
      for (const match of text.matchAll(/^(?:(?:readonly|export|declare\s+-[rx]+)\s+)?TMOUT=(\d+)/gm)) timeout = Number(match[1]);
      if (/^(?:readonly\s+TMOUT\b|declare\s+-\w*r\w*\s+TMOUT\b)/m.test(text)) readonly = true;
    }
    return {
      facts: {
        "shell.umask": umask.toString(8).padStart(4, "0"),
        "shell.umaskSource": source,
        "shell.defaultFileMode": modeAfter(umask, 0o666),
        "shell.defaultDirectoryMode": modeAfter(umask, 0o777),
        "shell.timeoutSeconds": timeout,
        "shell.timeoutReadonly": readonly,
      },
    };
  },
});
