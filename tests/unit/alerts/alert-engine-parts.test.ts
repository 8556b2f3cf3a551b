import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { publicBaseUrl } from '../../../src/alerts/alert-wiring.js';
import type { AlertMessage } from '../../../src/alerts/alert-types.js';
import { defaultRule } from '../../../src/alerts/alert-rules.js';
import { keysTurned } from '../../../src/alerts/detectors/keys.js';
import { KeyBursts } from '../../../src/alerts/key-bursts.js';
import { fanOut } from '../../../src/alerts/sinks.js';
import { runwayEveryMs, Snapshotter, type PoolSnapshot, type SnapshotSources } from '../../../src/alerts/snapshot.js';
import { loadConfig } from '../../../src/config/env.js';
import { silentLogger } from '../../../src/logger.js';

const MIN = 60_000;
const arrival = (id: number, keyId: number, at: number) => ({ id, keyId, at, status: 'invalid' as const, masked: `sk-ab…${keyId}` });

describe('the runway reading', () => {
  it('is taken once a minute per 10,000 keys, and at least once a minute', () => {
    expect([0, 1, 10_000, 10_001, 100_000].map(runwayEveryMs)).toEqual([MIN, MIN, MIN, 2 * MIN, 10 * MIN]);
  });
});

describe('the snapshot of an idle pool', () => {
  /** Sources that count what a snapshot asks of the database: the key events and the runway. */
  function sources() {
    const asked = { entered: 0, runway: 0 };
    const events = new EventEmitter<{ recorded: [ids: number[]] }>();
    let inputs = 0;
    const unknown = { kind: 'unknown', hours: null, days: null, at: null, perHour: null, reason: 'no-spend' } as const;
    const s = {
      pool: {
        size: 10,
        enabledCount: 10,
        availability: () => ({ usable: 10, exhausted: 0 }),
        servingAccounts: () => new Map(),
        get: () => undefined,
      },
      runway: () => (asked.runway++, { gift: unknown, paid: unknown }),
      runwayInputs: () => inputs,
      keyEvents: { events, lastId: () => 0, entered: () => (asked.entered++, []) },
      cooling: { list: () => [] },
      backoff: { remainingOf: () => 0 },
      clients: { all: () => [][Symbol.iterator](), rolled: (c: unknown) => c },
      mustChangePassword: () => false,
    } as unknown as SnapshotSources;
    return { s, asked, events, changeInputs: () => inputs++ };
  }
  const window = () => 10 * MIN;

  it('reads key events at the first snapshot, then only after a status change was recorded', () => {
    const { s, asked, events } = sources();
    const snapshots = new Snapshotter(s);
    snapshots.take(0, window);
    snapshots.take(15_000, window);
    snapshots.take(30_000, window);
    expect(asked.entered).toBe(1);
    events.emit('recorded', [1]);
    snapshots.take(45_000, window);
    snapshots.take(60_000, window);
    expect(asked.entered).toBe(2);
  });

  it('reads the runway again after its minute only when what it is made of changed, else hourly', () => {
    const { s, asked, changeInputs } = sources();
    const snapshots = new Snapshotter(s);
    snapshots.take(0, window);
    snapshots.take(2 * MIN, window);
    expect(asked.runway).toBe(1);
    changeInputs();
    snapshots.take(2 * MIN + 1, window);
    expect(asked.runway).toBe(2);
    snapshots.take(62 * MIN, window);
    expect(asked.runway).toBe(2);
    snapshots.take(62 * MIN + 1, window);
    expect(asked.runway).toBe(3);
  });
});

describe('key bursts', () => {
  it('arrivals within the window of the one before belong to one burst; a later one starts another', () => {
    const bursts = new KeyBursts();
    bursts.add([arrival(1, 1, 0), arrival(2, 2, 8 * MIN), arrival(3, 3, 16 * MIN)], () => 10 * MIN);
    expect(bursts.view('invalid', 20 * MIN, 10 * MIN, () => true)).toMatchObject({ first: 0, last: 16 * MIN, count: 3, stillIn: 3 });
    expect(bursts.view('invalid', 26 * MIN + 1, 10 * MIN, () => true)).toBeNull();
    bursts.add([arrival(4, 4, 27 * MIN)], () => 10 * MIN);
    expect(bursts.view('invalid', 27 * MIN, 10 * MIN, () => true)).toMatchObject({ first: 27 * MIN, count: 1, ids: [4] });
  });

  it('a key that came twice counts once; the sample names at most 10', () => {
    const bursts = new KeyBursts();
    bursts.add(
      Array.from({ length: 14 }, (_, i) => arrival(i + 1, i % 12, i * 1000)),
      () => 10 * MIN,
    );
    const view = bursts.view('invalid', 20_000, 10 * MIN, () => true)!;
    expect(view.count).toBe(12);
    expect(view.masked).toHaveLength(10);
  });
});

describe('the keys-invalid detector', () => {
  const rule = defaultRule('keys-invalid'); // window 10 min, gather 30 s
  const snapshot = (at: number, stillIn: number) =>
    ({
      at,
      bursts: { invalid: { first: 0, last: 0, count: 5, stillIn, masked: ['sk-a…'], ids: [1] }, exhausted: null },
    }) as unknown as PoolSnapshot;

  it('holds once gatherSeconds passed, and not once every key of the burst left the status', () => {
    const detect = keysTurned('invalid');
    expect(detect(snapshot(29_000, 5), rule)).toEqual([]);
    expect(detect(snapshot(30_000, 5), rule)[0]).toMatchObject({ title: { en: '5 keys turned invalid' }, data: { count: 5, stillIn: 5 } });
    expect(detect(snapshot(30_000, 0), rule)).toEqual([]);
  });
});

describe('PUBLIC_URL', () => {
  it('takes an http(s) origin and refuses a path, a query or another scheme', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://pool.example.com' }).publicUrl).toBe('https://pool.example.com');
    expect(loadConfig({ PUBLIC_URL: 'http://10.0.0.5:3000/' }).publicUrl).toBe('http://10.0.0.5:3000/');
    for (const bad of ['ftp://pool.example.com', 'https://pool.example.com/admin', 'https://pool.example.com?x=1', 'pool.example.com']) {
      expect(() => loadConfig({ PUBLIC_URL: bad }), bad).toThrow(/^PUBLIC_URL must be an http\(s\) address/);
    }
  });

  it('links default to http://<HOST or localhost>:<PORT>', () => {
    expect(publicBaseUrl({ publicUrl: undefined, host: '0.0.0.0', port: 3000 })).toBe('http://localhost:3000');
    expect(publicBaseUrl({ publicUrl: undefined, host: '192.168.1.2', port: 8080 })).toBe('http://192.168.1.2:8080');
    expect(publicBaseUrl({ publicUrl: undefined, host: '::1', port: 80 })).toBe('http://[::1]:80');
    expect(publicBaseUrl({ publicUrl: 'https://pool.example.com/', host: '0.0.0.0', port: 3000 })).toBe('https://pool.example.com');
  });
});

describe('fanOut', () => {
  it('one sink that throws never keeps the others from the message', () => {
    const got: string[] = [];
    const sink = fanOut(
      [
        { send: () => got.push('first') },
        {
          send: () => {
            throw new Error('down');
          },
        },
        { send: () => got.push('third') },
      ],
      silentLogger,
    );
    sink.send({ event: 'keys-low' } as AlertMessage);
    expect(got).toEqual(['first', 'third']);
  });
});
