import { it } from "vitest";
import { configFromObject } from "../src/config/config.js";
import { Hardcheck } from "../src/hardcheck.js";
import { fakeEndpointProbe, fakePlugin, fixedClock } from "./support/fakes.js";

it.each([['pa"ss\\word'], ["1234"], ["plain-s3cret"]])("secret %s", async (secret) => {
  process.env.HC_SCRATCH_SECRET = secret;
  const probe = fakeEndpointProbe(async (_e, _p, deps) => {
    const value = await deps.secrets.resolve("env:HC_SCRATCH_SECRET");
    return { facts: { "fake.value": `bad ${value}`, "fake.date": 1234, "fake.count": 1234, "fake.list": [] } };
  });
  const config = configFromObject({ packs: ["fake-pack"], targets: [{ id: "t", endpoints: ["tls://a.test"] }] });
  const hc = await Hardcheck.create({ plugins: [fakePlugin(probe)], config });
  try {
    const report = await hc.scan(config, { clock: fixedClock("2026-01-01T00:00:00Z") });
    console.log(secret, JSON.stringify(report.results.map((r) => [r.message, r.evidence])));
  } catch (e) { console.log(secret, "THREW", String(e)); }
});
