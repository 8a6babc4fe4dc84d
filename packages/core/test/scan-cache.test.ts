// The per-scan cache: one computation per key, shared by concurrent callers; failures are not kept;
// a kept value past its validity is computed anew.
import { describe, expect, it } from "vitest";
import { createScanCache } from "../src/plugin/services.js";

describe("createScanCache", () => {
  it("computes a key once, for concurrent and later callers alike", async () => {
    const cache = createScanCache();
    let runs = 0;
    const compute = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return `answer ${runs}`;
    };
    const answers = await Promise.all([cache.remember("k", compute), cache.remember("k", compute), cache.remember("k", compute)]);
    expect(answers).toEqual(["answer 1", "answer 1", "answer 1"]);
    expect(await cache.remember("k", compute)).toBe("answer 1");
    expect(await cache.remember("other", compute)).toBe("answer 2");
  });

  it("does not keep a failure: the next caller computes again", async () => {
    const cache = createScanCache();
    await expect(cache.remember("k", () => Promise.reject(new Error("responder reset")))).rejects.toThrow("responder reset");
    expect(await cache.remember("k", async () => "second try")).toBe("second try");
  });

  it("computes anew once the kept value is no longer valid", async () => {
    const cache = createScanCache();
    let now = 0;
    const answer = (validUntil: number) => async () => ({ validUntil });
    const valid = (value: { validUntil: number }) => value.validUntil > now;
    expect(await cache.remember("k", answer(10), valid)).toEqual({ validUntil: 10 });
    now = 5;
    expect(await cache.remember("k", answer(20), valid)).toEqual({ validUntil: 10 });
    now = 15;
    expect(await cache.remember("k", answer(20), valid)).toEqual({ validUntil: 20 });
  });
});
