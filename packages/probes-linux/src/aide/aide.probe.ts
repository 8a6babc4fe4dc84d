/** File integrity monitoring with AIDE: installed, a baseline database, and a scheduled check. */
import { defineFacts, defineProbe, type HostProbe } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { dpkgInstalled, unitEnabledByFiles } from "../support/text.js";

const DATABASES = ["/var/lib/aide/aide.db", "/var/lib/aide/aide.db.gz"];
const CRON_JOBS = ["/etc/cron.daily/aide", "/etc/cron.d/aide"];

/** The facts `aide` produces, each with its schema and meaning. */
export const aideFacts = defineFacts({
  "aide.installed": {
    description: "true when the aide package is installed (dpkg) or /usr/bin/aide exists",
    schema: z.boolean(),
  },
  "aide.databasePresent": {
    description: "true when /var/lib/aide/aide.db(.gz) exists (aideinit has been run)",
    schema: z.boolean(),
  },
  "aide.scheduled": {
    description: "true when dailyaidecheck.timer is enabled or a cron job for aide exists",
    schema: z.boolean(),
  },
});

/** Whether AIDE can detect changed files on this host. */
export const aideProbe: HostProbe = defineProbe({
  meta: {
    id: "aide",
    description: "Reads whether AIDE is installed, has a baseline database, and runs from a timer or cron job.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: aideFacts,
  },
  async collect(_host, _params, { transport }) {
    const installed = (await dpkgInstalled(transport))?.has("aide") === true || (await transport.stat("/usr/bin/aide")) !== undefined;
    let databasePresent = false;
    for (const path of DATABASES) if ((await transport.stat(path)) !== undefined) databasePresent = true;
    let scheduled = await unitEnabledByFiles(transport, "dailyaidecheck.timer");
    for (const path of CRON_JOBS) if ((await transport.stat(path)) !== undefined) scheduled = true;
    return { facts: { "aide.installed": installed, "aide.databasePresent": databasePresent, "aide.scheduled": scheduled } };
  },
});
