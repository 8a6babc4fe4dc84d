import { describe, expect, it } from "vitest";
import { collectOnFakeHost, factsOf } from "../../test/support/probe-test.js";
import { firewallProbe } from "./firewall.probe.js";

const NFT_DROP = JSON.stringify({
  nftables: [
    { metainfo: {} },
    { table: { family: "inet", name: "filter" } },
    { chain: { family: "inet", table: "filter", name: "input", type: "filter", hook: "input", prio: 0, policy: "drop" } },
    { rule: { chain: "input", expr: [] } },
    { rule: { chain: "input", expr: [] } },
  ],
});
const IPTABLES =
  "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n";
const NFT_CONF =
  "table inet filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n    iif lo accept\n    tcp dport 22 accept\n  }\n}\n";
const NFT_ENABLED = { "/etc/systemd/system/sysinit.target.wants/nftables.service": "/lib/systemd/system/nftables.service" };

describe("firewall at run time", () => {
  it.each([
    {
      name: "nftables with input policy drop",
      commands: { "nft -j list ruleset": { stdout: NFT_DROP } },
      expected: { backend: "nftables", active: true, defaultInputPolicy: "drop", rulesCount: 2 },
    },
    {
      name: "empty nftables ruleset",
      commands: { "nft -j list ruleset": { stdout: '{"nftables":[{"metainfo":{}}]}' } },
      expected: { backend: "nftables", active: false, defaultInputPolicy: null, rulesCount: 0 },
    },
    {
      name: "iptables when nft is missing",
      commands: { "iptables-save": { stdout: IPTABLES } },
      expected: { backend: "iptables", active: true, defaultInputPolicy: "drop", rulesCount: 2 },
    },
    { name: "neither tool: boot configuration decides", commands: {}, expected: { backend: null, active: false, source: "configuration" } },
  ])("$name", async ({ commands, expected }) => {
    const facts = factsOf(await collectOnFakeHost(firewallProbe, { commands }));
    for (const [key, value] of Object.entries(expected)) expect(facts[`firewall.${key}`], key).toEqual(value);
  });

  it("errors when the ruleset exists but cannot be read", async () => {
    await expect(collectOnFakeHost(firewallProbe, { commands: { "nft -j list ruleset": { exitCode: 1, stderr: "Operation not permitted" } } })).rejects.toThrow(
      /Operation not permitted/,
    );
  });
});

describe("firewall from boot configuration", () => {
  it.each([
    {
      name: "ufw enabled with deny default",
      files: {
        "/etc/ufw/ufw.conf": "ENABLED=yes\n",
        "/etc/default/ufw": 'DEFAULT_INPUT_POLICY="DROP"\n',
        "/etc/ufw/user.rules": "*filter\n-A ufw-user-input -p tcp --dport 22 -j ACCEPT\nCOMMIT\n",
      },
      symlinks: {},
      expected: { backend: "ufw", active: true, defaultInputPolicy: "drop", rulesCount: 1 },
    },
    { name: "ufw installed but disabled", files: { "/etc/ufw/ufw.conf": "ENABLED=no\n" }, symlinks: {}, expected: { backend: null, active: false } },
    {
      name: "nftables.conf loaded at boot",
      files: { "/etc/nftables.conf": NFT_CONF },
      symlinks: NFT_ENABLED,
      expected: { backend: "nftables", active: true, defaultInputPolicy: "drop", rulesCount: 2 },
    },
    { name: "nftables.conf not enabled", files: { "/etc/nftables.conf": NFT_CONF }, symlinks: {}, expected: { backend: null, active: false } },
  ])("$name", async ({ files, symlinks, expected }) => {
    const facts = factsOf(await collectOnFakeHost(firewallProbe, { files, symlinks }));
    for (const [key, value] of Object.entries(expected)) expect(facts[`firewall.${key}`], key).toEqual(value);
    expect(facts["firewall.source"]).toBe("configuration");
  });
});
