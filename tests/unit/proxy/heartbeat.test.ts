import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeats, StreamBeat } from '../../../src/proxy/heartbeat.js';

/** What StreamBeat uses of a ServerResponse, recording what was written. */
function fakeResponse() {
  const written: string[] = [];
  const res = { writableNeedDrain: false, destroyed: false, writableEnded: false, write: (s: string) => written.push(s) > 0 };
  return { res, written, beat: new StreamBeat(res as unknown as ServerResponse) };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the heartbeat sweep', () => {
  it('runs no timer while no stream is open, one for any number of streams, and none again after the last', () => {
    const beats = new Heartbeats(1000);
    expect(vi.getTimerCount()).toBe(0);
    const streams = Array.from({ length: 2000 }, () => fakeResponse());
    for (const s of streams) beats.add(s.beat);
    expect(vi.getTimerCount()).toBe(1);
    for (const s of streams) beats.remove(s.beat);
    expect(vi.getTimerCount()).toBe(0);
    expect(beats.size).toBe(0);
  });

  it('writes a comment after each HEARTBEAT_MS of silence, never sooner, and a chunk starts the silence again', () => {
    const beats = new Heartbeats(1000);
    const s = fakeResponse();
    beats.add(s.beat);
    vi.advanceTimersByTime(999);
    expect(s.written).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(s.written).toEqual([': keep-alive\n\n']);
    vi.advanceTimersByTime(500);
    s.beat.sent(Buffer.from('data: {}\n\n'));
    vi.advanceTimersByTime(1000); // the chunk was seen at the sweep after it: still under a second of silence
    expect(s.written).toHaveLength(1);
    vi.advanceTimersByTime(400);
    expect(s.written).toHaveLength(2);
  });

  it('waits while the stream is inside an event or the client is not keeping up', () => {
    const beats = new Heartbeats(100);
    const s = fakeResponse();
    beats.add(s.beat);
    s.beat.sent(Buffer.from('data: {"half":'));
    vi.advanceTimersByTime(500);
    s.beat.sent(Buffer.from('1}\n'));
    vi.advanceTimersByTime(500);
    expect(s.written).toEqual([]);
    s.beat.sent(Buffer.from('\r\n'));
    s.res.writableNeedDrain = true;
    vi.advanceTimersByTime(500);
    expect(s.written).toEqual([]);
    s.res.writableNeedDrain = false;
    vi.advanceTimersByTime(30); // the next sweep (every 20 ms) finds a long silence
    expect(s.written).toEqual([': keep-alive\n\n']);
  });

  it('HEARTBEAT_MS=0 keeps nothing and starts no timer', () => {
    const beats = new Heartbeats(0);
    beats.add(fakeResponse().beat);
    expect(vi.getTimerCount()).toBe(0);
    expect(beats.size).toBe(0);
  });
});
