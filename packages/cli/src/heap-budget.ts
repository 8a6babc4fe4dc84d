/**
 * Keeps a long streamed scan's heap near what it really holds. V8 lets garbage pile up until its
 * old generation reaches a limit sized for the machine (hundreds of MiB), so a scan that keeps only
 * ~50 MiB alive still shows a peak RSS several times that. The CLI cannot pass V8 a heap limit once
 * the process runs, so it asks for a full collection whenever the heap has grown a fixed headroom
 * past what survived the previous one: the live set is unchanged, the peak follows it.
 */
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Growth over the last live size that triggers a collection: large enough that collections stay rare. */
export const HEADROOM_BYTES = 64 * 2 ** 20;

/** A function that checks the heap and collects when it has outgrown its headroom. */
export type HeapCheck = () => void;

/** Starts a budget; returns a check to call between units of work (targets handed over). */
export function heapBudget(headroom = HEADROOM_BYTES): HeapCheck {
  const collect = garbageCollector();
  if (!collect) return () => {};
  let live = getHeapStatistics().used_heap_size;
  return () => {
    if (getHeapStatistics().used_heap_size < live + headroom) return;
    collect();
    live = getHeapStatistics().used_heap_size;
  };
}

/** V8's full collection, exposed to a private context only (the program's own global gets no `gc`). */
function garbageCollector(): (() => void) | undefined {
  const exposed = typeof (globalThis as { gc?: unknown }).gc === "function";
  try {
    if (!exposed) setFlagsFromString("--expose-gc");
    const collect: unknown = runInNewContext("gc");
    return typeof collect === "function" ? () => (collect as () => void)() : undefined;
  } catch {
    return undefined;
  } finally {
    if (!exposed) setFlagsFromString("--no-expose-gc");
  }
}
