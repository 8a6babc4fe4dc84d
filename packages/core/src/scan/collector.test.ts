import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { fixedClock, ruleData, when, writePack } from "../../test/support/fakes.js";
import { configFromObject } from "../config/config.js";
import { Hardcheck } from "../hardcheck.js";
import type { JsonValue } from "../model/values.js";
import { checkFacts, defineFacts, type FactsOf, factsFrom } from "../plugin/facts.js";
import { defineProbe } from "../plugin/probe.js";

const listenerFacts = defineFacts({
  "listener.port": { description: "the port the service listens on", schema: z.number().int() },
  "listener.peer": {
    description: "what the service says about itself",
    schema: z.object({ name: z.string(), versions: z.array(z.object({ label: z.string(), year: z.number() })) }),
  },
});
type ListenerFacts = FactsOf<typeof listenerFacts>;

const banner = defineFacts({ "banner.text": { description: "first line the server sends", schema: z.string() } });

const goodFacts: ListenerFacts = { "listener.port": 443, "listener.peer": { name: "web", versions: [{ label: "1.3", year: 2018 }] } };

/** Runs one scan with the listener probe returning `returned`, and a banner probe that always works. */
async function scanWith(returned: Record<string, unknown>) {
  const listenerProbe = defineProbe({
    meta: { id: "listener", description: "Reports what the test gives it.", schemes: ["tls"], facts: listenerFacts },
    // The values are deliberately not what the declarations say: that is what is tested.
    collect: async () => ({ facts: returned as Record<string, JsonValue> }),
  });
  const bannerProbe = defineProbe({
    meta: { id: "banner", description: "Reads a banner.", schemes: ["tls"], facts: banner },
    collect: async () => ({ facts: { "banner.text": "hello" } }),
  });
  const hardcheck = await Hardcheck.create({
    plugins: [
      (context) => {
        context.registerProbe(listenerProbe);
        context.registerProbe(bannerProbe);
      },
    ],
  });
  const config = configFromObject({ packs: [packFile], targets: [{ id: "web", endpoints: ["tls://web.test:443"] }] });
  const report = await hardcheck.scan(config, { clock: fixedClock("2026-01-01T00:00:00Z") });
  return Object.fromEntries(report.results.map((result) => [result.ruleId, `${result.status}: ${result.message}`]));
}

let workDir = "";
let packFile = "";
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "hardcheck-collector-"));
  packFile = await writePack(workDir, "listener-pack", [
    ruleData("port-is-443", { conditions: when("listener.port", "equal", 443) }),
    ruleData("peer-named", { conditions: { all: [{ fact: "listener.peer", path: "name", operator: "equal", value: "web" }] } }),
    ruleData("banner-says-hello", { conditions: when("banner.text", "equal", "hello") }),
  ]);
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe("the collector checks facts against their declarations", () => {
  it("passes facts that match", async () => {
    expect(await scanWith(goodFacts)).toEqual({
      "banner-says-hello": "pass: all conditions hold",
      "peer-named": "pass: all conditions hold",
      "port-is-443": "pass: all conditions hold",
    });
  });

  const circular: Record<string, unknown> = { name: "web", versions: [] };
  circular.self = circular;
  it.each([
    [
      "a fact of the wrong type",
      { ...goodFacts, "listener.port": "443" },
      /^probe listener returned fact "listener\.port" that does not match its declaration: .*number/,
    ],
    [
      "a nested field of the wrong type",
      { ...goodFacts, "listener.peer": { name: "web", versions: [{ label: "1.3", year: "2018" }] } },
      /^probe listener returned fact "listener\.peer" that does not match its declaration: at versions\[0\]\.year: /,
    ],
    [
      "a missing field",
      { ...goodFacts, "listener.peer": { versions: [] } },
      /^probe listener returned fact "listener\.peer" that does not match its declaration: at name: /,
    ],
    ["a circular fact", { ...goodFacts, "listener.peer": circular }, /^probe listener returned fact "listener\.peer" that is not JSON: .*circular/i],
    ["a BigInt", { ...goodFacts, "listener.port": 443n }, /^probe listener returned fact "listener\.port" that is not JSON: .*BigInt/],
  ])("%s makes exactly that probe's checks error, naming the fact and field; the scan goes on", async (_name, returned, reason) => {
    const results = await scanWith(returned);
    expect(results["banner-says-hello"]).toBe("pass: all conditions hold");
    for (const rule of ["port-is-443", "peer-named"]) {
      const [status, message] = (results[rule] ?? "").split(/: (.*)/s);
      expect(status).toBe("error");
      expect(message).toMatch(reason);
    }
  });

  it("leaves facts the probe did not return out, and drops undeclared ones", async () => {
    const check = await checkFacts(listenerFacts, { "listener.port": 80, "other.fact": 1 });
    expect(check).toEqual({ ok: true, facts: { "listener.port": 80 } });
  });

  it("gives the same answers while zod checks interpreted and after it compiles, and awaits an asynchronous refinement", async () => {
    const peer = z.object({ name: z.string(), versions: z.array(z.object({ label: z.string(), year: z.number() })) });
    const declared = defineFacts({ "peer.info": { description: "what the peer says", schema: peer } });
    const bad = { "peer.info": { name: "web", versions: [{ label: "1.3", year: "2018" }] } };
    // The first checks of a schema run interpreted, the later ones through zod's generated code: 40 covers both.
    for (let round = 0; round < 40; round++) {
      expect(await checkFacts(declared, { "peer.info": goodFacts["listener.peer"] })).toEqual({ ok: true, facts: { "peer.info": goodFacts["listener.peer"] } });
      expect(await checkFacts(declared, bad)).toEqual({
        ok: false,
        problem: 'returned fact "peer.info" that does not match its declaration: at versions[0].year: Invalid input: expected number, received string',
      });
    }
    const remote = defineFacts({
      "remote.name": { description: "checked asynchronously", schema: z.string().refine(async (name) => name !== "forbidden", "name is forbidden") },
    });
    expect(await checkFacts(remote, { "remote.name": "fine" })).toEqual({ ok: true, facts: { "remote.name": "fine" } });
    expect(await checkFacts(remote, { "remote.name": "forbidden" })).toEqual({
      ok: false,
      problem: 'returned fact "remote.name" that does not match its declaration: name is forbidden',
    });
  });

  it("checks facts declared without a schema only for being JSON", async () => {
    const plain = [{ name: "plain.value", description: "anything" }];
    expect(await checkFacts(plain, { "plain.value": { any: ["shape"] } })).toEqual({ ok: true, facts: { "plain.value": { any: ["shape"] } } });
  });
});

describe("factsFrom", () => {
  it("types a probe's facts by its declarations", () => {
    const facts = factsFrom(listenerFacts, { facts: goodFacts });
    expect(facts["listener.peer"].versions[0]?.year).toBe(2018);
  });

  it("throws on facts that do not match or are missing, and on a probe that does not apply", () => {
    expect(() => factsFrom(listenerFacts, { facts: { ...goodFacts, "listener.port": 1.5 } })).toThrow(/fact "listener\.port" does not match its declaration/);
    expect(() => factsFrom(listenerFacts, { facts: { "listener.port": 1 } })).toThrow(/fact "listener\.peer" is missing/);
    expect(() => factsFrom(listenerFacts, { notApplicable: "no listener" })).toThrow(/does not apply: no listener/);
  });
});

describe("defineProbe", () => {
  it("refuses a fact schema that is not a Standard Schema", () => {
    const facts = [{ name: "odd.fact", description: "declared with a plain object", schema: { validate: () => true } as never }];
    expect(() => defineProbe({ meta: { id: "odd", description: "x", schemes: ["tls"], facts }, collect: async () => ({ facts: {} }) })).toThrow(
      /fact "odd\.fact" has a schema that is not a Standard Schema/,
    );
  });
});
