import { describe, expect, it } from 'vitest';
import { RpmWindow } from '../../../src/clients/rpm-window.js';

const MINUTE = 60_000;

describe('RpmWindow: a client key’s requests per minute', () => {
  it('admits `limit` requests in any 60 s, and says how long until the oldest leaves the minute', () => {
    const w = new RpmWindow(3);
    for (const t of [1_000, 2_000, 30_000]) {
      expect(w.waitMs(t)).toBe(0);
      w.take(t);
    }
    expect(w.waitMs(40_000)).toBe(1_000 + MINUTE - 40_000);
    expect(w.waitMs(1_000 + MINUTE - 1)).toBe(1);
    expect(w.waitMs(1_000 + MINUTE)).toBe(0); // exactly a minute later, the first is out
    w.take(1_000 + MINUTE);
    expect(w.waitMs(1_000 + MINUTE)).toBe(2_000 + MINUTE - (1_000 + MINUTE));
  });

  it('keeps every request of a busy minute in order while it grows past its first size', () => {
    const limit = 1_000;
    const w = new RpmWindow(limit);
    for (let i = 0; i < limit; i++) {
      expect(w.waitMs(i * 10)).toBe(0);
      w.take(i * 10);
    }
    // All 1,000 within 10 s: the next waits for the first (t = 0) to be a minute old.
    expect(w.waitMs(9_999)).toBe(MINUTE - 9_999);
    // After it leaves, the next to leave is the second (t = 10): order survived the growth.
    w.take(MINUTE);
    expect(w.waitMs(MINUTE)).toBe(10);
    expect(w.waitMs(MINUTE + 10)).toBe(0);
  });

  it('admits a steady stream under the limit indefinitely', () => {
    const w = new RpmWindow(60);
    for (let t = 0; t < 10 * MINUTE; t += 1_000) {
      expect(w.waitMs(t)).toBe(0);
      w.take(t);
    }
  });
});
