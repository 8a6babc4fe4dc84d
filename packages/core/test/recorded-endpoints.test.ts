/** Endpoints whose facts were recorded elsewhere: added to their targets, read by the probe of their scheme. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromObject } from "../src/config/config.js";
import { isHardcheckError } from "../src/errors.js";
import { Hardcheck } from "../src/hardcheck.js";
import { notApplicable } from "../src/plugin/probe.js";
import type { RecordedEndpoint } from "../src/scan/resolve.js";
import { fakeEndpointProbe, fixedClock, ruleData, thrown, when, writePack } from "./support/fakes.js";

let workDir = "";
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "hardcheck-recorded-"));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Reads what was recorded for the endpoint, and says so when nothing was. */
const recordedProbe = fakeEndpointProbe(
  async (endpoint) => (endpoint.recorded ? { facts: endpoint.recorded.facts } : notApplicable(`nothing was recorded for ${endpoint.url}`)),
  { id: "recorded-reader", schemes: ["client-smtp"], facts: ["fake.value"] },
);

const record = (overrides: Partial<RecordedEndpoint> = {}): RecordedEndpoint => ({
  target: "appliance",
  url: "client-smtp://127.0.0.1:2525",
  facts: { "fake.value": "tls" },
  file: "client.json",
  path: "sessions[0]",
  ...overrides,
});

async function scan(recordedEndpoints: RecordedEndpoint[], endpoints: unknown[] = []) {
  const pack = await writePack(workDir, "recorded", [ruleData("CLIENT-TLS", { conditions: when("fake.value", "equal", "tls") })]);
  const hardcheck = await Hardcheck.create({
    plugins: [
      (context) => {
        context.registerScheme({ name: "client-smtp", defaultPort: -1 });
        context.registerProbe(recordedProbe);
      },
    ],
  });
  const config = configFromObject({ packs: [pack], targets: [{ id: "appliance", endpoints: ["tls://mail.test:465", ...endpoints] }] }, { baseDir: workDir });
  return hardcheck.scan(config, { clock: fixedClock("2026-01-01T00:00:00Z"), selection: { recordedEndpoints } });
}

describe("recorded endpoints", () => {
  it.each([
    ["tls", "pass"],
    ["plain", "fail"],
  ])("are judged on what was recorded (%s)", async (value, status) => {
    const report = await scan([record({ facts: { "fake.value": value } })]);
    const result = report.results.find((entry) => entry.ruleId === "CLIENT-TLS" && entry.endpoint === "client-smtp://127.0.0.1:2525");
    expect(result?.status).toBe(status);
    // The report names the endpoint by its URL; the recorded facts appear only as the result's evidence.
    expect(report.targets[0]?.endpoints).toContain("client-smtp://127.0.0.1:2525");
  });

  it("fill in an endpoint the config lists, which keeps its tags; a listed endpoint with nothing recorded is not checked", async () => {
    const report = await scan([record()], [{ url: "client-smtp://127.0.0.1:2525", tags: ["relay"] }, "client-smtp://127.0.0.1:2526"]);
    const statuses = report.results.filter((entry) => entry.ruleId === "CLIENT-TLS").map((entry) => [entry.endpoint, entry.status, entry.message]);
    expect(statuses).toContainEqual(["client-smtp://127.0.0.1:2525", "pass", expect.any(String)]);
    expect(statuses).toContainEqual(["client-smtp://127.0.0.1:2526", "not-applicable", "nothing was recorded for client-smtp://127.0.0.1:2526"]);
  });

  it.each([
    [
      record({ target: "apliance" }),
      /HC_EVIDENCE_INVALID: client\.json sessions\[0\]: target "apliance" is not in the config — expected one of appliance — did you mean "appliance"\?/,
    ],
    [record({ target: "evil\u001b[31m" }), /target "evil\\x1b\[31m" is not in the config/],
    [record({ url: "client-imap://127.0.0.1:143" }), /HC_EVIDENCE_INVALID: client\.json sessions\[0\]: .*client-imap/],
    [record({ url: "client-smtp://\u001b[31mhost:25" }), /HC_EVIDENCE_INVALID: client\.json sessions\[0\]: .*\\x1b\[31mhost/],
  ])("are refused with the record's file and key when they name what the scan does not know (%#)", async (bad, message) => {
    const error = await thrown(() => scan([bad]));
    expect(isHardcheckError(error, "HC_EVIDENCE_INVALID")).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it("refuses one listener recorded twice for a target", async () => {
    const error = await thrown(() => scan([record(), record({ path: "sessions[4]" })]));
    expect((error as Error).message).toMatch(/client\.json sessions\[4\]: client-smtp:\/\/127\.0\.0\.1:2525 of target appliance is recorded twice/);
  });
});
