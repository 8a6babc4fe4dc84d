/**
 * One clock per scan: every verdict reads "now" from it, an explicit `asOf` replaces it, and an
 * offline copy (a transport that records when it was taken, or a target's `asOf`) is judged as of
 * that moment — by its probes and by the date operators alike.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromObject } from "../src/config/config.js";
import { Hardcheck } from "../src/hardcheck.js";
import { parseIsoInstant } from "../src/model/instant.js";
import type { ReportDocument } from "../src/model/report.js";

import { defineProbe, type HostProbe } from "../src/plugin/probe.js";
import { defineTransport, type HostTransport } from "../src/plugin/transport.js";
import { resultsWithRules } from "../src/report/report.js";
import { fakeEndpointProbe, fixedClock, ruleData, when, writePack } from "./support/fakes.js";

let workDir = "";
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "hardcheck-clock-"));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const DAY = 86_400_000;

/** An image whose transport records when it was taken (or not, with `observedAt` undefined). */
const imageTransport = (observedAt: string | undefined) =>
  defineTransport({
    kind: "evidence",
    description: "an image taken at a known time",
    async open(): Promise<HostTransport> {
      return {
        kind: "evidence",
        canExec: false,
        ...(observedAt ? { observedAt } : {}),
        readFile: async () => undefined,
        listDir: async () => undefined,
        stat: async () => undefined,
        exec: async () => {
          throw new Error("no exec");
        },
        close: async () => {},
      };
    },
  });

/** Signatures dated 2026-11-22: their age is what the probe computes against its clock. */
const signatureProbe: HostProbe = defineProbe({
  meta: {
    id: "signatures",
    description: "signature date and age",
    transports: ["evidence", "root"],
    facts: [
      { name: "av.signatureDate", description: "date of the signatures" },
      { name: "av.signatureAgeDays", description: "age of the signatures at the probe's now" },
      { name: "av.scanNow", description: "the scan clock's now" },
    ],
  },
  async collect(_host, _params, deps) {
    const signed = Date.parse("2026-11-22T08:00:00Z");
    return {
      facts: {
        "av.signatureDate": "2026-11-22T08:00:00Z",
        "av.signatureAgeDays": Math.floor((deps.clock.now().getTime() - signed) / DAY),
        "av.scanNow": deps.scanClock.now().toISOString(),
      },
    };
  },
});

async function scanImage(options: { observedAt?: string; targetAsOf?: string; scanAt: string; asOf?: string; host?: string }): Promise<ReportDocument> {
  const pack = await writePack(workDir, "age", [
    ruleData("age-by-probe", { conditions: when("av.signatureAgeDays", "lessThanInclusive", 7) }),
    ruleData("age-by-operator", { conditions: when("av.signatureDate", "dateAfter", "now-7d") }),
  ]);
  const host = options.host ?? "evidence:/bundle.json";
  const config = configFromObject(
    { packs: [pack], targets: [{ id: "server", host, ...(options.targetAsOf ? { asOf: options.targetAsOf } : {}) }] },
    { file: "clock.yaml", baseDir: workDir },
  );
  const transport = imageTransport(options.observedAt);
  const hardcheck = await Hardcheck.create({
    plugins: [
      (context) => {
        context.registerProbe(signatureProbe);
        context.registerTransport(transport);
        context.registerTransport(defineTransport({ ...transport, kind: "root" }));
      },
    ],
  });
  return hardcheck.scan(config, { clock: fixedClock(options.scanAt), ...(options.asOf ? { asOf: options.asOf } : {}) });
}

const statuses = (report: ReportDocument) => report.results.map((result) => `${result.ruleId} ${result.status}`);

describe("the scan's clock", () => {
  it("judges an offline copy as of its collection, by probe and by operator, whatever the scan date", async () => {
    for (const scanAt of ["2026-11-25T00:00:00Z", "2028-11-25T00:00:00Z", "2031-01-01T00:00:00Z"]) {
      const report = await scanImage({ observedAt: "2026-11-24T08:00:00Z", scanAt });
      expect(statuses(report)).toEqual(["age-by-operator pass", "age-by-probe pass"]);
      expect(resultsWithRules(report).find((r) => r.ruleId === "age-by-probe")?.evidence).toEqual({ "av.signatureAgeDays": 2 });
      expect(report.evaluatedAt).toBe(new Date(scanAt).toISOString());
      expect(report.targets[0]?.observedAt).toBe("2026-11-24T08:00:00.000Z");
    }
  });

  it("judges a live copy (no recorded time) at the scan's time, so old signatures fail", async () => {
    const report = await scanImage({ scanAt: "2026-12-30T00:00:00Z" });
    expect(statuses(report)).toEqual(["age-by-operator fail", "age-by-probe fail"]);
    expect(report.targets[0]?.observedAt).toBeUndefined();
  });

  it("takes the target's asOf for an image that records no time of its own", async () => {
    const report = await scanImage({ scanAt: "2028-01-01T00:00:00Z", targetAsOf: "2026-11-23", host: "root:/image" });
    expect(statuses(report)).toEqual(["age-by-operator pass", "age-by-probe pass"]);
    expect(report.targets[0]?.observedAt).toBe("2026-11-23T00:00:00.000Z");
  });

  it("prefers the time the copy records over the target's asOf", async () => {
    const report = await scanImage({ scanAt: "2028-01-01T00:00:00Z", observedAt: "2026-12-30T00:00:00Z", targetAsOf: "2026-11-23" });
    expect(statuses(report)).toEqual(["age-by-operator fail", "age-by-probe fail"]);
  });

  it("an explicit asOf replaces the clock for every verdict and is recorded as evaluatedAt; probes still see the copy's time", async () => {
    const report = await scanImage({ scanAt: "2026-12-30T00:00:00Z", asOf: "2026-11-25T12:00:00Z" });
    expect(statuses(report)).toEqual(["age-by-operator pass", "age-by-probe pass"]);
    expect(report.evaluatedAt).toBe("2026-11-25T12:00:00.000Z");
    expect(report.startedAt).toBe("2026-12-30T00:00:00.000Z");
    // The scan clock a probe sees is the evaluation time too.
    const withCopy = await scanImage({ scanAt: "2026-12-30T00:00:00Z", asOf: "2027-02-01T00:00:00Z", observedAt: "2026-11-24T08:00:00Z" });
    expect(withCopy.results.find((r) => r.ruleId === "age-by-probe")?.status).toBe("pass");
  });

  it("judges endpoints, waiver expiry and date operators at the asOf time", async () => {
    const pack = await writePack(workDir, "cert", [ruleData("cert-valid", { conditions: when("fake.date", "dateAfter", "now") })]);
    const probe = fakeEndpointProbe(async () => ({ facts: { "fake.date": "2027-06-01T00:00:00Z", "fake.value": "x", "fake.count": 1, "fake.list": [] } }));
    const config = configFromObject(
      {
        packs: [pack],
        targets: [{ id: "web", endpoints: ["tls://web.test:443"] }],
        waivers: [{ rule: "cert-valid", target: "web", reason: "renewal ordered", approvedBy: "ciso", expires: "2028-01-31" }],
      },
      { file: "clock.yaml", baseDir: workDir },
    );
    const hardcheck = await Hardcheck.create({ plugins: [(context) => context.registerProbe(probe)] });
    const scanAt = fixedClock("2026-12-04T00:00:00Z");
    const before = await hardcheck.scan(config, { clock: scanAt });
    expect(before.results.map((r) => r.status)).toEqual(["pass"]);
    const later = await hardcheck.scan(config, { clock: scanAt, asOf: "2028-01-15T00:00:00Z" });
    expect(later.results.map((r) => `${r.status} ${r.waiver?.originalStatus}`)).toEqual(["waived fail"]);
    const muchLater = await hardcheck.scan(config, { clock: scanAt, asOf: "2028-02-01T00:00:00Z" });
    expect(muchLater.results.map((r) => `${r.status} ${r.waiver?.expired}`)).toEqual(["fail true"]);
  });

  it("refuses an asOf that is not a date", async () => {
    await expect(scanImage({ scanAt: "2026-12-04T00:00:00Z", asOf: "next tuesday" })).rejects.toThrow(/HC_USAGE: "next tuesday" is not a date/);
  });
});

describe("parseIsoInstant", () => {
  it.each([
    ["2026-11-24", "2026-11-24T00:00:00.000Z"],
    ["2026-11-24T08:00:00Z", "2026-11-24T08:00:00.000Z"],
    ["2026-11-24T08:00Z", "2026-11-24T08:00:00.000Z"],
    ["2026-11-24T08:00:00.5+02:00", "2026-11-24T06:00:00.500Z"],
    ["2026-11-24T08:00:00+0200", "2026-11-24T06:00:00.000Z"],
    ["2026-11-24T08:00:00", "2026-11-24T08:00:00.000Z"],
    ["2024-02-29", "2024-02-29T00:00:00.000Z"],
  ])("%s → %s", (text, iso) => {
    expect(new Date(parseIsoInstant(text) as number).toISOString()).toBe(iso);
  });

  it.each(["2025-02-30", "2026-13-01", "20260-01-01", "2026-11-24T24:00:00Z", "Nov 24 2026", "now", "", "2026-11-24T08:00:61Z"])("refuses %j", (text) => {
    expect(parseIsoInstant(text)).toBeUndefined();
  });
});
