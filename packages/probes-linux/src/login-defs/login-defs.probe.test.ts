import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { loginDefsProbe } from "./login-defs.probe.js";

describe("login-defs", () => {
  it.each([
    {
      name: "numbers and words",
      text: "PASS_MAX_DAYS\t90\nPASS_WARN_AGE 14\nENCRYPT_METHOD SHA512\n",
      expected: { PASS_MAX_DAYS: 90, PASS_WARN_AGE: 14, ENCRYPT_METHOD: "SHA512" },
    },
    { name: "comments and blank lines", text: "# PASS_MAX_DAYS 1\n\nPASS_MAX_DAYS 99999 # never\n", expected: { PASS_MAX_DAYS: 99999 } },
    { name: "the last occurrence wins", text: "PASS_MAX_DAYS 30\nPASS_MAX_DAYS 60\n", expected: { PASS_MAX_DAYS: 60 } },
  ])("$name", async ({ text, expected }) => {
    expect(factsOf(await collectOnFakeHost(loginDefsProbe, { files: { "/etc/login.defs": text } }))["login.defs"]).toEqual(expected);
  });

  it("is not applicable without the file", async () => {
    expect(await collectOnFakeHost(loginDefsProbe, { files: {} })).toHaveProperty("notApplicable");
  });
});
