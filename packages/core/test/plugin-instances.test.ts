/** Two instances in one process, each with its own plugins: registrations stay in the instance that made them. */
import "reflect-metadata";
import { container as rootContainer } from "tsyringe";
import { describe, expect, it } from "vitest";
import { configFromObject } from "../src/config/config.js";
import { HardcheckError } from "../src/errors.js";
import { Hardcheck } from "../src/hardcheck.js";
import { parseEndpoint } from "../src/model/endpoint.js";
import type { PluginContext } from "../src/plugin/plugin.js";
import { ENDPOINT_SCHEME, PROBE } from "../src/plugin/tokens.js";
import { FAKE_PACK_FILE, fakeEndpointProbe, passingProbe, thrown } from "./support/fakes.js";

const imapProbe = fakeEndpointProbe(async () => ({ facts: { "imap.greeting": "* OK" } }), { id: "imap-greeting", schemes: ["imap"], facts: ["imap.greeting"] });
const gopherProbe = fakeEndpointProbe(async () => ({ facts: { "gopher.menu": "1" } }), { id: "gopher-menu", schemes: ["gopher"], facts: ["gopher.menu"] });

function imapPlugin(context: PluginContext): void {
  context.registerScheme({ name: "imap", defaultPort: 143 });
  context.registerProbe(imapProbe);
  context.registerReporter({ id: "imap-digest", description: "test reporter", fileName: "imap.txt", render: () => "" });
  context.registerTransport({ kind: "evidence", description: "test transport", open: async () => Promise.reject(new Error("not opened in this test")) });
}

function gopherPlugin(context: PluginContext): void {
  context.registerScheme({ name: "gopher", defaultPort: 70 });
  // Built from what every plugin of its instance registered: sees its own instance's schemes only.
  context.registerProbe((container) => {
    const schemes = container.resolveAll(ENDPOINT_SCHEME).map((scheme) => scheme.name);
    return fakeEndpointProbe(gopherProbe.collect, {
      id: "gopher-menu",
      schemes: schemes.filter((name) => name === "gopher" || name === "imap"),
      facts: ["gopher.menu"],
    });
  });
}

const configWith = (url: string) => configFromObject({ packs: [FAKE_PACK_FILE], targets: [{ id: "mail", endpoints: [url] }] });
/** The fake pack's facts, so a scan of either instance can be prepared. */
const fakePackProbe = (context: PluginContext) => context.registerProbe(passingProbe);

describe("two Hardcheck instances in one process", () => {
  it("do not see each other's schemes, probes, reporters or transports", async () => {
    const imap = await Hardcheck.create({ plugins: [imapPlugin] });
    const gopher = await Hardcheck.create({ plugins: [gopherPlugin] });

    expect(imap.registry.schemes.get("imap")?.defaultPort).toBe(143);
    expect(imap.registry.schemes.has("gopher")).toBe(false);
    expect(gopher.registry.schemes.get("gopher")?.defaultPort).toBe(70);
    expect(gopher.registry.schemes.has("imap")).toBe(false);
    // Built-in schemes are in every instance.
    for (const instance of [imap, gopher]) expect(instance.registry.schemes.get("smtp")?.defaultPort).toBe(25);

    expect([...imap.registry.probes.keys()]).toEqual(["imap-greeting"]);
    expect([...gopher.registry.probes.keys()]).toEqual(["gopher-menu"]);
    expect(gopher.registry.probes.get("gopher-menu")?.meta).toMatchObject({ schemes: ["gopher"] });
    expect([...imap.registry.reporters.keys()]).toEqual(["imap-digest"]);
    expect([...gopher.registry.reporters.keys()]).toEqual([]);
    expect([...imap.registry.transports.keys()]).toEqual(["evidence"]);
    expect([...gopher.registry.transports.keys()]).toEqual([]);

    // Nothing went into tsyringe's root container, which every instance's container descends from.
    expect(rootContainer.isRegistered(PROBE)).toBe(false);
    expect(rootContainer.isRegistered(ENDPOINT_SCHEME)).toBe(false);
  });

  it("parse endpoint URLs with their own scheme table", async () => {
    const imap = await Hardcheck.create({ plugins: [imapPlugin, fakePackProbe] });
    const gopher = await Hardcheck.create({ plugins: [gopherPlugin, fakePackProbe] });

    const setup = await imap.prepare(configWith("imap://mail.example"));
    expect(setup.targets[0]?.endpoints[0]?.url).toBe("imap://mail.example:143");

    const error = await thrown(() => gopher.prepare(configWith("imap://mail.example")));
    expect(error).toBeInstanceOf(HardcheckError);
    expect((error as HardcheckError).message).toContain(
      'has unknown scheme "imap" — expected one of gopher, http, https, ldap, ldaps, mssql, rdp, sip, sips, smtp, smtps, snmp, tcp, tls',
    );

    // Without a table, the parser knows the built-in schemes only.
    expect(() => parseEndpoint("imap://mail.example")).toThrow(/unknown scheme "imap"/);
  });

  it("refuses one scheme with two default ports within an instance, but not across instances", async () => {
    const clash = (context: PluginContext) => context.registerScheme({ name: "imap", defaultPort: 993 });
    const error = await thrown(() => Hardcheck.create({ plugins: [imapPlugin, clash] }));
    expect((error as HardcheckError).code).toBe("HC_PLUGIN_REGISTER");
    expect((error as HardcheckError).message).toContain('scheme "imap" is already registered with default port 143');

    const other = await Hardcheck.create({ plugins: [clash] });
    expect(other.registry.schemes.get("imap")?.defaultPort).toBe(993);
  });
});
