import { it, expect } from "vitest";
import { configFromObject } from "../src/config/config.js";
import { Hardcheck } from "../src/hardcheck.js";
import { fakeEndpointProbe, fakePlugin, fixedClock } from "./support/fakes.js";

it("race", async () => {
  const probe = fakeEndpointProbe(async (endpoint) => {
    await Promise.resolve();
    return { facts: { "fake.value": endpoint.port % 2 ? "ok" : "bad", "fake.date": "2099-01-01T00:00:00Z", "fake.count": 1, "fake.list": [] } };
  });
  const targets = Array.from({ length: 60 }, (_, i) => ({ id: `t${i}`, endpoints: ["tls://shared.test:443"] }));
  const config = configFromObject({ packs: ["fake-pack"], targets });
  const hc = await Hardcheck.create({ plugins: [fakePlugin(probe)], config });
  const report = await hc.scan(config, { clock: fixedClock("2026-01-01T00:00:00Z") });
  const errors = report.results.filter((r) => r.status === "error");
  console.log(report.summary, errors[0]?.message);
  expect(errors).toEqual([]);
});
