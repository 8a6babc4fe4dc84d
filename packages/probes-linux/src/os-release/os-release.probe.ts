/** Which distribution and release a host runs, from os-release. */
import { defineFacts, defineProbe, type HostProbe, type JsonObject, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";

/** Parses os-release's shell-style `KEY="value"` lines. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    out[match[1] as string] = (match[2] as string).replace(/^(["'])(.*)\1$/, "$2").replace(/\\(.)/g, "$1");
  }
  return out;
}

/** The facts `os-release` produces, each with its schema and meaning. */
export const osReleaseFacts = defineFacts({
  "os.release": {
    description: "{ id, idLike[], versionId, versionCodename, prettyName } from os-release; absent fields are null",
    schema: z.object({
      id: z.string().nullable(),
      idLike: z.array(z.string()),
      versionId: z.string().nullable(),
      versionCodename: z.string().nullable(),
      prettyName: z.string().nullable(),
    }),
  },
});

/** Reads /etc/os-release (or /usr/lib/os-release, its fallback by the specification). */
export const osReleaseProbe: HostProbe = defineProbe({
  meta: {
    id: "os-release",
    description: "Reads the distribution id, version and name from os-release.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: osReleaseFacts,
  },
  async collect(_host, _params, { transport }) {
    const text = (await transport.readFile("/etc/os-release")) ?? (await transport.readFile("/usr/lib/os-release"));
    if (text === undefined) return notApplicable("the host has no os-release file");
    const fields = parseOsRelease(text);
    const release: JsonObject = {
      id: fields.ID ?? null,
      idLike: fields.ID_LIKE ? fields.ID_LIKE.split(/\s+/) : [],
      versionId: fields.VERSION_ID ?? null,
      versionCodename: fields.VERSION_CODENAME ?? null,
      prettyName: fields.PRETTY_NAME ?? null,
    };
    return { facts: { "os.release": release } };
  },
});
