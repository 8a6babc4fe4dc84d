import { describe, expect, it } from "vitest";
import { factsOnBothPaths } from "../../test/support/probe-cases.js";
import { schannelFacts, windowsSchannelProbe } from "./windows-schannel.probe.js";

describe("windows-schannel", () => {
  it.each([
    // No keys: the release's defaults apply — 2019 has no TLS 1.3, 2022 has; both keep TLS 1.0/1.1 and 3DES on.
    ["2019-default", ["TLS 1.0", "TLS 1.1", "TLS 1.2"], ["AES 128/128", "AES 256/256", "Triple DES 168"]],
    ["2022-default", ["TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"], ["AES 128/128", "AES 256/256", "Triple DES 168"]],
    ["2019-hardened", ["TLS 1.2"], ["AES 128/128", "AES 256/256"]],
    ["2022-hardened", ["TLS 1.2", "TLS 1.3"], ["AES 128/128", "AES 256/256"]],
  ] as const)("%s → server protocols %j, ciphers %j", async (set, protocols, ciphers) => {
    const facts = await factsOnBothPaths(windowsSchannelProbe, set);
    expect(facts["windows.schannel.protocols"]).toMatchObject({ serverEnabled: protocols, clientEnabled: protocols });
    expect(facts["windows.schannel.ciphers"]).toMatchObject({ enabled: ciphers });
  });

  it("counts a protocol whose default is unknown (an unlisted build) as enabled, and 0xffffffff as on", () => {
    const facts = schannelFacts(
      { protocols: [{ protocol: "TLS 1.2", side: "Server", enabled: 4294967295, disabledByDefault: 0 }], ciphers: [] },
      { buildNumber: "99999" },
    );
    const protocols = facts["windows.schannel.protocols"] as { serverEnabled: string[]; server: Array<{ protocol: string; source: string }> };
    expect(protocols.serverEnabled).toEqual(["SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"]);
    expect(protocols.server.find((state) => state.protocol === "TLS 1.0")?.source).toBe("unknown-default");
  });
});
