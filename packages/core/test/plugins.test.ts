/** Plugin loading, registration failures, conflicts, and the decorator metadata DI depends on. */
import "reflect-metadata";
import { existsSync } from "node:fs";
import { PluginRegistry as BuiltPluginRegistry, Scanner as BuiltScanner } from "@hardcheck/core";
import { injectable } from "tsyringe";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfigFile } from "../src/config/config.js";
import { HardcheckError } from "../src/errors.js";
import { Hardcheck } from "../src/hardcheck.js";
import { PluginRegistry } from "../src/plugin/registry.js";
import { resultsWithRules } from "../src/report/report.js";
import { Scanner } from "../src/scan/scanner.js";
import { fakeEndpointProbe, fakePlugin, fixedClock, fixture, passingProbe, thrown } from "./support/fakes.js";

const clock = fixedClock("2026-03-01T12:00:00Z");

async function createFrom(configName: string): Promise<unknown> {
  const config = await loadConfigFile(fixture("plugins", configName));
  return thrown(() => Hardcheck.create({ config }));
}

describe("plugins named in the config", () => {
  it("loads a probe plugin from a local .mjs file and scans with it", async () => {
    const config = await loadConfigFile(fixture("plugins", "uses-banner-plugin.yaml"));
    const hardcheck = await Hardcheck.create({ config });
    expect([...hardcheck.registry.probes.keys()]).toEqual(["banner-greeting"]);
    const report = await hardcheck.scan(config, { clock });
    expect(report.results.map((result) => [result.ruleId, result.endpoint, result.status])).toEqual([["banner-greets", "banner://greeter.test:7000", "pass"]]);
    expect(resultsWithRules(report)[0]?.evidence).toEqual({ "banner.greeting": "hello from greeter.test" });
  });

  it.each([
    {
      config: "uses-throwing-plugin.yaml",
      code: "HC_PLUGIN_REGISTER",
      message: ":3:5 plugins[1]: plugin ./throws-on-register.mjs failed to register: licence file /etc/acme/licence.key not found",
    },
    {
      config: "uses-non-plugin.yaml",
      code: "HC_PLUGIN_LOAD",
      message: ':2:11 plugins[0]: plugin ./no-register.mjs exports no registration function — expected "export function register(context) { … }"',
    },
    {
      config: "uses-missing-package.yaml",
      code: "HC_PLUGIN_LOAD",
      message:
        ":6:5 plugins[0]: plugin @hardcheck-test/no-such-plugin: package not found — install it (npm install @hardcheck-test/no-such-plugin) or give a path to a file",
    },
    {
      config: "uses-missing-file.yaml",
      code: "HC_PLUGIN_LOAD",
      message: `:6:5 plugins[0]: plugin ./not-there.mjs: file ${fixture("plugins", "not-there.mjs")} not found`,
    },
  ])("$config → $code naming the config line and the plugin", async ({ config, code, message }) => {
    const error = await createFrom(config);
    expect(error).toBeInstanceOf(HardcheckError);
    expect((error as HardcheckError).code).toBe(code);
    expect((error as HardcheckError).message).toBe(`${code}: ${fixture("plugins", config)}${message}`);
  });

  it("keeps working after a plugin failed: the next instance registers normally", async () => {
    await createFrom("uses-throwing-plugin.yaml");
    const hardcheck = await Hardcheck.create({ plugins: [fakePlugin(passingProbe)] });
    expect([...hardcheck.registry.probes.keys()]).toEqual(["fake-endpoint"]);
    expect([...hardcheck.registry.packs.keys()]).toEqual(["fake-pack"]);
  });

  it("names a plugin given by value when its registration throws", async () => {
    const error = await thrown(() =>
      Hardcheck.create({
        plugins: [
          function registerBrokenThings() {
            throw new TypeError("cannot read properties of undefined");
          },
        ],
      }),
    );
    expect((error as HardcheckError).code).toBe("HC_PLUGIN_REGISTER");
    expect((error as HardcheckError).message).toBe("HC_PLUGIN_REGISTER: plugin registerBrokenThings failed to register: cannot read properties of undefined");
  });

  it("refuses a probe with invalid metadata at registration, naming the probe", async () => {
    const error = await thrown(() =>
      Hardcheck.create({
        plugins: [
          function registerBadProbe(context) {
            context.registerProbe({
              meta: { id: "Bad_Probe", description: "d", schemes: ["tls"], facts: [{ name: "Not A Fact", description: "d" }] },
              collect: async () => ({ facts: {} }),
            });
          },
        ],
      }),
    );
    expect((error as HardcheckError).code).toBe("HC_PLUGIN_REGISTER");
    expect((error as HardcheckError).message).toContain("plugin registerBadProbe failed to register: ");
    expect((error as HardcheckError).message).toContain('probe Bad_Probe: id "Bad_Probe" must be lower-case kebab-case');
    expect((error as HardcheckError).message).toContain('probe Bad_Probe: fact "Not A Fact" must be a dotted name such as tls.leaf');
  });
});

describe("conflicting registrations", () => {
  const noFacts = async () => ({ facts: {} });

  it.each([
    {
      name: "two probes declaring one fact for the same scheme",
      probes: [
        fakeEndpointProbe(noFacts, { id: "first", facts: ["x.one"] }),
        fakeEndpointProbe(noFacts, { id: "second", facts: ["x.one"], schemes: ["https", "tls"] }),
      ],
      message: 'HC_PLUGIN_CONFLICT: fact "x.one" is provided by both probe "first" and probe "second" for the same schemes or transports',
    },
    {
      name: "two probes with one id",
      probes: [fakeEndpointProbe(noFacts, { id: "twin", facts: ["x.one"] }), fakeEndpointProbe(noFacts, { id: "twin", facts: ["x.two"] })],
      message: 'HC_PLUGIN_CONFLICT: two plugins register a probe with id "twin"',
    },
  ])("$name → HC_PLUGIN_CONFLICT", async ({ probes, message }) => {
    const error = await thrown(() => Hardcheck.create({ plugins: [fakePlugin(...probes)] }));
    expect(error).toBeInstanceOf(HardcheckError);
    expect((error as HardcheckError).code).toBe("HC_PLUGIN_CONFLICT");
    expect((error as HardcheckError).message).toBe(message);
  });

  it("allows one fact from two probes serving different schemes, and picks by scheme", async () => {
    const tls = fakeEndpointProbe(noFacts, { id: "for-tls", facts: ["x.one"], schemes: ["tls"] });
    const smtp = fakeEndpointProbe(noFacts, { id: "for-smtp", facts: ["x.one"], schemes: ["smtp", "smtps"] });
    const hardcheck = await Hardcheck.create({ plugins: [fakePlugin(tls, smtp)] });
    expect(hardcheck.registry.endpointProviderOf("x.one", "tls")?.meta.id).toBe("for-tls");
    expect(hardcheck.registry.endpointProviderOf("x.one", "smtps")?.meta.id).toBe("for-smtp");
    expect(hardcheck.registry.endpointProviderOf("x.one", "ldap")).toBeUndefined();
  });

  it("refuses two packs registered with one id", async () => {
    const error = await thrown(() => Hardcheck.create({ plugins: [fakePlugin(passingProbe), fakePlugin()] }));
    expect((error as HardcheckError).message).toBe('HC_PLUGIN_CONFLICT: two plugins register a pack with id "fake-pack"');
  });
});

/**
 * The constructor parameter types a compiler recorded for `target`. tsyringe's `@injectable()`
 * overwrites, in place, each entry that also carries `@inject(token)` with its injection descriptor
 * (`{ token, multiple }`), so both forms are read back as the token. Absent metadata stays undefined.
 */
function recordedParamTypes(target: object): unknown[] | undefined {
  const types: unknown = Reflect.getMetadata("design:paramtypes", target);
  if (!Array.isArray(types)) return undefined;
  return types.map((entry: unknown) => (entry !== null && typeof entry === "object" && "token" in entry ? entry.token : entry));
}

describe("decorator metadata", () => {
  it("survives the test transform: a class injected by type alone gets the registry", async () => {
    // No @inject here on purpose: tsyringe can only find PluginRegistry through design:paramtypes.
    @injectable()
    class RegistryReader {
      constructor(readonly registry: PluginRegistry) {}
    }
    const hardcheck = await Hardcheck.create({ plugins: [fakePlugin(passingProbe)] });
    const reader = hardcheck.container.resolve(RegistryReader);
    expect(reader.registry).toBeInstanceOf(PluginRegistry);
    expect(reader.registry).toBe(hardcheck.registry);
    expect(Reflect.getMetadata("design:paramtypes", RegistryReader)).toEqual([PluginRegistry]);
    // The same holds for core's own classes as the tests compile them.
    expect(recordedParamTypes(Scanner)).toEqual([PluginRegistry]);
  });

  describe("in the built package", () => {
    beforeAll(() => {
      if (!existsSync(fixture("..", "..", "dist", "index.js"))) {
        throw new Error("packages/core/dist is missing — run `npx turbo run build --filter=@hardcheck/core` first");
      }
    });

    it("keeps design:paramtypes on Scanner, so the published build resolves it by type", () => {
      // "@hardcheck/core" resolves through the package exports to dist/, not to src/.
      expect(BuiltScanner).not.toBe(Scanner);
      expect(recordedParamTypes(BuiltScanner)).toEqual([BuiltPluginRegistry]);
    });
  });
});
