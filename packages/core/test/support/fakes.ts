/** Fake probes, a fixed clock and small helpers shared by the core tests: no network anywhere. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Endpoint } from "../../src/model/target.js";
import type { JsonObject, JsonValue } from "../../src/model/values.js";
import type { PluginContext } from "../../src/plugin/plugin.js";
import { defineProbe, type EndpointProbe, type ProbeDeps, type ProbeOutcome } from "../../src/plugin/probe.js";

/** Absolute path of a file under `test/fixtures/`. */
export function fixture(...parts: string[]): string {
  return fileURLToPath(new URL(`../fixtures/${parts.join("/")}`, import.meta.url));
}

/** A clock that always says the given instant (core's own, re-exported for the tests). */
export { fixedClock } from "../../src/plugin/services.js";

/** The pack every config fixture names by id. */
export const FAKE_PACK_FILE = fixture("packs", "fake-pack.yaml");

/** The facts the fake TLS probe declares. */
export const FAKE_FACTS = ["fake.value", "fake.date", "fake.count", "fake.list"] as const;

type Collect = (endpoint: Endpoint, params: JsonObject, deps: ProbeDeps) => Promise<ProbeOutcome>;

/** An endpoint probe for scheme `tls` (or `schemes`) whose behaviour the test supplies. */
export function fakeEndpointProbe(collect: Collect, options: { id?: string; schemes?: readonly string[]; facts?: readonly string[] } = {}): EndpointProbe {
  return defineProbe({
    meta: {
      id: options.id ?? "fake-endpoint",
      description: "Reports whatever the test tells it to.",
      schemes: options.schemes ?? ["tls"],
      facts: (options.facts ?? FAKE_FACTS).map((name) => ({ name, description: `test fact ${name}` })),
    },
    collect,
  });
}

/** A plugin registering `probes` and the fake pack (as a bundled pack would be). */
export function fakePlugin(...probes: EndpointProbe[]): (context: PluginContext) => void {
  return function registerFakes(context) {
    for (const probe of probes) context.registerProbe(probe);
    context.registerPack({ id: "fake-pack", file: FAKE_PACK_FILE, displayName: "fake-pack.yaml" });
  };
}

/** The default fake probe: every rule of the fake pack passes on it. */
export const passingProbe = fakeEndpointProbe(async () => ({
  facts: { "fake.value": "ok", "fake.date": "2099-01-01T00:00:00Z", "fake.count": 3, "fake.list": ["a", "b"] },
}));

/** Runs `action` and returns what it threw (fails the test when it does not throw). */
export async function thrown(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error("expected the action to throw, but it returned normally");
}

/** A rule as written in a pack file, with the prose fields filled in. */
export function ruleData(id: string, fields: JsonObject): JsonObject {
  return { id, title: `Rule ${id}`, severity: "medium", rationale: "Test rule.", remediation: "Fix it.", ...fields };
}

/** Writes a pack file (JSON) into `dir` and returns its path. */
export async function writePack(dir: string, id: string, rules: readonly JsonObject[], version = "1.0.0"): Promise<string> {
  const file = join(dir, `${id}.json`);
  const pack: JsonValue = { id, title: `Pack ${id}`, version, rules: [...rules] };
  await writeFile(file, `${JSON.stringify(pack, null, 2)}\n`);
  return file;
}

/** A condition tree with one leaf: `{ all: [{ fact, operator, value }] }`. */
export function when(fact: string, operator: string, value: JsonValue): JsonObject {
  return { all: [{ fact, operator, value }] };
}
