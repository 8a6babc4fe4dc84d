/** The PAM password stack: quality module, history, hashing, and whether blank passwords pass. */
import { defineFacts, defineProbe, type HostProbe, type JsonObject, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { pamArguments, passwordStack, readPamStack } from "../support/pam.js";

const HASHES = ["yescrypt", "gost_yescrypt", "sha512", "sha256", "blowfish", "bigcrypt", "md5", "descrypt"];

/** The facts `pam-password` produces, each with its schema and meaning. */
export const pamPasswordFacts = defineFacts({
  "pam.passwordService": {
    description: "the PAM service file that holds the password stack (common-password, system-auth, …)",
    schema: z.string(),
  },
  "pam.passwordModules": {
    description: "module names of the password stack in order (pam_pwquality, pam_unix, …)",
    schema: z.array(z.string()),
  },
  "pam.qualityModule": {
    description: '"pam_pwquality", "pam_cracklib" or null when no password-quality module is stacked',
    schema: z.enum(["pam_pwquality", "pam_cracklib"]).nullable(),
  },
  "pam.qualityArguments": {
    description: "arguments of the quality module as an object (flags are true), {} when none",
    schema: z.record(z.string(), z.union([z.string(), z.literal(true)])),
  },
  "pam.remember": {
    description: "passwords remembered (largest remember= of pam_pwhistory / pam_unix), 0 when none",
    schema: z.number(),
  },
  "pam.hashAlgorithm": {
    description: "hash pam_unix writes (sha512, yescrypt, …), null when pam_unix names none (login.defs ENCRYPT_METHOD then applies)",
    schema: z.string().nullable(),
  },
  "pam.nullok": {
    description: "true when pam_unix in the password or auth stack carries nullok (blank passwords accepted)",
    schema: z.boolean(),
  },
});

/** Facts of the password stack of `common-password` (Debian) or `system-auth` (Red Hat). */
export const pamPasswordProbe: HostProbe = defineProbe({
  meta: {
    id: "pam-password",
    description: "Reads the PAM password and auth stacks: quality module arguments, remembered passwords, hash, nullok.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: pamPasswordFacts,
  },
  async collect(_host, _params, { transport }) {
    const stack = await passwordStack(transport);
    if (!stack) return notApplicable("no PAM password stack (/etc/pam.d/common-password, system-auth, password-auth, passwd)");
    const authService = stack.service === "common-password" ? "common-auth" : stack.service;
    const auth = await readPamStack(transport, authService, "auth");
    const quality = stack.entries.find((entry) => entry.module === "pam_pwquality" || entry.module === "pam_cracklib");
    let remember = 0;
    let hash: string | null = null;
    for (const entry of stack.entries) {
      const args = pamArguments(entry.args);
      if ((entry.module === "pam_pwhistory" || entry.module === "pam_unix") && typeof args.remember === "string")
        remember = Math.max(remember, Number(args.remember) || 0);
      if (entry.module === "pam_unix") hash = HASHES.find((name) => args[name] === true) ?? hash;
    }
    const nullok = [...stack.entries, ...auth].some((entry) => entry.module === "pam_unix" && entry.args.includes("nullok"));
    return {
      facts: {
        "pam.passwordService": stack.service,
        "pam.passwordModules": stack.entries.map((entry) => entry.module),
        "pam.qualityModule": quality?.module ?? null,
        "pam.qualityArguments": (quality ? pamArguments(quality.args) : {}) as JsonObject,
        "pam.remember": remember,
        "pam.hashAlgorithm": hash,
        "pam.nullok": nullok,
      },
    };
  },
});
