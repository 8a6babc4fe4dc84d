import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { decodeProcAddress, listeningSocketsProbe } from "./listening-sockets.probe.js";

const HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
const TCP = `${HEADER}   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n   1: 0100007F:0CEA 00000000:0000 0A 0 0 0 0 0 2\n   2: 0100007F:0016 0100007F:D2F0 01 0 0 0 0 0 3\n`;
const TCP6 = `${HEADER}   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 0 0 0 0 0 4\n`;
const UDP = `${HEADER}   0: 00000000:007B 00000000:0000 07 0 0 0 0 0 5\n`;

describe("listening-sockets", () => {
  it.each([
    ["0100007F:0016", { address: "127.0.0.1", port: 22 }],
    ["00000000:01BB", { address: "0.0.0.0", port: 443 }],
    ["00000000000000000000000001000000:1F90", { address: "::1", port: 8080 }],
    ["00000000000000000000000000000000:0016", { address: "::", port: 22 }],
  ])("decodes %s", (hex, expected) => {
    expect(decodeProcAddress(hex)).toEqual(expected);
  });

  it("lists listening TCP and bound UDP sockets, loopback apart", async () => {
    const facts = factsOf(
      await collectOnFakeHost(listeningSocketsProbe, {
        kind: "local",
        commands: {},
        files: { "/proc/net/tcp": TCP, "/proc/net/tcp6": TCP6, "/proc/net/udp": UDP },
      }),
    );
    expect(facts["network.listeningPorts"]).toEqual(["tcp/22", "tcp/3306", "tcp/8080", "udp/123"]);
    expect(facts["network.externalListeningPorts"]).toEqual(["tcp/22", "udp/123"]);
  });

  it("is not applicable to a root file system", async () => {
    expect(await collectOnFakeHost(listeningSocketsProbe, { files: { "/proc/net/tcp": TCP } })).toHaveProperty("notApplicable");
  });
});
