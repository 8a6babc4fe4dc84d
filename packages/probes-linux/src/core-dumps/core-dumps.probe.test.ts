import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { coreDumpsProbe } from "./core-dumps.probe.js";

describe("core-dumps", () => {
  it.each([
    {
      name: "Debian's commented defaults",
      files: { "/etc/security/limits.conf": "#*               soft    core            0\n" },
      limit: null,
      storage: "external",
    },
    {
      name: "limits.d overrides limits.conf; coredump.conf.d overrides coredump.conf",
      files: {
        "/etc/security/limits.conf": "* hard core unlimited\n",
        "/etc/security/limits.d/90-nocore.conf": "* hard core 0\n",
        "/etc/systemd/coredump.conf": "[Coredump]\n#Storage=external\n",
        "/etc/systemd/coredump.conf.d/no.conf": "[Coredump]\nStorage=none\n",
      },
      limit: 0,
      storage: "none",
    },
    { name: "soft limits do not count", files: { "/etc/security/limits.conf": "* soft core 0\n@admins hard core 0\n" }, limit: null, storage: "external" },
  ])("$name", async ({ files, limit, storage }) => {
    const facts = factsOf(await collectOnFakeHost(coreDumpsProbe, { files }));
    expect(facts["coredump.hardLimit"]).toBe(limit);
    expect(facts["coredump.storage"]).toBe(storage);
  });
});
