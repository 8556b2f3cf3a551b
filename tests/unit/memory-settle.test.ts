import { afterEach, describe, expect, it } from 'vitest';
import { MemorySettler } from '../../src/memory-settle.js';

const QUIET_MS = 20;
const MiB = 2 ** 20;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A settler over a pretend heap and open-request count, collecting into a counter. */
function settlerOver(state: { open: number; heap: number }) {
  const collected: number[] = [];
  const settler = new MemorySettler(
    () => state.open,
    () => {
      collected.push(state.heap);
      state.heap = 30 * MiB; // what a collection leaves
    },
    () => state.heap,
    QUIET_MS,
  );
  return { settler, collected };
}

describe('MemorySettler: one full collection at a quiet moment', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('collects once the start is quiet, then only after the heap grew again and the server went quiet', async () => {
    const state = { open: 0, heap: 80 * MiB };
    const { settler, collected } = settlerOver(state);
    stop = () => settler.stop();
    await wait(QUIET_MS * 3);
    expect(collected).toEqual([80 * MiB]);
    settler.quiet(); // quiet again, heap not grown: nothing to gain
    await wait(QUIET_MS * 3);
    expect(collected).toHaveLength(1);
    state.heap = 30 * MiB + 20 * MiB; // a burst grew it by 20 MiB
    settler.quiet();
    await wait(QUIET_MS * 3);
    expect(collected).toEqual([80 * MiB, 50 * MiB]);
  });

  it('never collects while a request is open, and waits for the quiet that follows it', async () => {
    const state = { open: 3, heap: 80 * MiB };
    const { settler, collected } = settlerOver(state);
    stop = () => settler.stop();
    await wait(QUIET_MS * 3);
    expect(collected).toEqual([]);
    state.open = 0;
    settler.quiet();
    await wait(QUIET_MS / 2);
    expect(collected).toEqual([]); // not before the quiet has lasted
    await wait(QUIET_MS * 3);
    expect(collected).toEqual([80 * MiB]);
  });

  it('collects for real with V8’s own gc() by default', async () => {
    const settler = new MemorySettler(
      () => 0,
      undefined,
      () => Number.MAX_SAFE_INTEGER,
      QUIET_MS,
    );
    stop = () => settler.stop();
    const ref = new WeakRef(Array.from({ length: 200_000 }, (_, i) => [i]));
    await wait(QUIET_MS * 4);
    expect(ref.deref()).toBeUndefined();
  });
});
