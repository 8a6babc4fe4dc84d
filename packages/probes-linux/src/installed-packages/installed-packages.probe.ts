/** Installed software packages: dpkg's status file, or `rpm -qa` on RPM systems where commands run. */
import { defineFacts, defineProbe, type HostProbe, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { dpkgInstalled } from "../support/text.js";

/** The facts `installed-packages` produces, each with its schema and meaning. */
export const installedPackagesFacts = defineFacts({
  "packages.manager": {
    description: '"dpkg" or "rpm"',
    schema: z.enum(["dpkg", "rpm"]),
  },
  "packages.installed": {
    description: "names of the fully installed packages, sorted",
    schema: z.array(z.string()),
  },
  "packages.versions": {
    description: "installed version by package name",
    schema: z.record(z.string(), z.string()),
  },
});

/** Names (and versions) of the installed packages. */
export const installedPackagesProbe: HostProbe = defineProbe({
  meta: {
    id: "installed-packages",
    description: "Lists installed packages from /var/lib/dpkg/status (files only), or rpm -qa where commands run.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: installedPackagesFacts,
  },
  async collect(_host, _params, { transport }) {
    const dpkg = await dpkgInstalled(transport);
    if (dpkg) {
      const names = [...dpkg.keys()].sort();
      return {
        facts: {
          "packages.manager": "dpkg",
          "packages.installed": names,
          "packages.versions": Object.fromEntries(names.map((name) => [name, dpkg.get(name) as string])),
        },
      };
    }
    if (!transport.canExec) return notApplicable("no dpkg database; an RPM database can be read only where commands run");
    const rpm = await transport.exec(["rpm", "-qa", "--qf", "%{NAME}\\t%{VERSION}-%{RELEASE}\\n"]);
    if (rpm.exitCode !== 0) return notApplicable("neither dpkg nor rpm manages packages on this host");
    const versions = new Map(
      rpm.stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split("\t") as [string, string]),
    );
    const names = [...versions.keys()].sort();
    return {
      facts: {
        "packages.manager": "rpm",
        "packages.installed": names,
        "packages.versions": Object.fromEntries(names.map((name) => [name, versions.get(name) as string])),
      },
    };
  },
});
