/** The GRUB boot loader: who may change its menu (superusers and a password) and who may read its configuration. */
import { defineFacts, defineProbe, type HostProbe, notApplicable } from "@hardcheck/core";
import { z } from "zod";
import { LINUX_OS, LINUX_TRANSPORTS } from "../support/linux.js";
import { fileOwnershipSchema, namesById, ownershipOf } from "../support/ownership.js";

const GRUB_CONFIGS = ["/boot/grub/grub.cfg", "/boot/grub2/grub.cfg"];

/** Whether a GRUB configuration names superusers and gives one a password (the hash never becomes a fact). */
export function grubPasswordSet(text: string): { superusers: boolean; password: boolean } {
  const lines = text.split("\n").map((line) => line.replace(/#.*$/, "").trim());
  return {
    superusers: lines.some((line) => /^set\s+superusers\s*=\s*\S/.test(line)),
    password: lines.some((line) => /^password(_pbkdf2)?\s+\S+\s+\S/.test(line)),
  };
}

/** The facts `grub` produces, each with its schema and meaning. */
export const grubFacts = defineFacts({
  "grub.config": {
    description: '{ path, mode ("0600"), uid, gid, owner, group } of grub.cfg',
    schema: fileOwnershipSchema,
  },
  "grub.passwordSet": {
    description: "true when grub.cfg sets superusers and a password (or password_pbkdf2) line for one",
    schema: z.boolean(),
  },
});

/** The generated grub.cfg's ownership, and whether it demands a password to edit entries. */
export const grubProbe: HostProbe = defineProbe({
  meta: {
    id: "grub",
    description: "Reads the generated GRUB configuration: its owner and mode, and whether superusers with a password are set.",
    transports: LINUX_TRANSPORTS,
    os: LINUX_OS,
    facts: grubFacts,
  },
  async collect(_host, _params, { transport }) {
    for (const path of GRUB_CONFIGS) {
      const stat = await transport.stat(path);
      if (!stat) continue;
      const text = await transport.readFile(path);
      // grub.cfg is 0600 on hardened hosts: unreadable means "ask with privileges", never "no password".
      if (text === undefined) throw new Error(`${path} exists but cannot be read: scan as root (or set ssh.sudo) to judge the boot loader`);
      const found = grubPasswordSet(text);
      const ownership = await ownershipOf(transport, path, await namesById(transport, "/etc/passwd"), await namesById(transport, "/etc/group"));
      return { facts: { "grub.config": ownership, "grub.passwordSet": found.superusers && found.password } };
    }
    return notApplicable("no /boot/grub/grub.cfg: GRUB is not the boot loader (a container, an image without /boot, or another loader)");
  },
});
