import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ClientGate } from '../../../src/clients/client-gate.js';
import { chinaDay, chinaMonth, nextDayStart, nextMonthStart } from '../../../src/clients/client-periods.js';
import { ClientRegistry } from '../../../src/clients/client-registry.js';
import { unlimitedClient, type ClientRecord, type ClientSettings } from '../../../src/clients/client-types.js';

const emptyUsage = () => ({
  total: { period: 0, spent: 0, requests: 0, tokens: 0 },
  day: { period: 0, spent: 0, requests: 0, tokens: 0 },
  month: { period: 0, spent: 0, requests: 0, tokens: 0 },
  lastUsedAt: null,
});

function record(id: number, settings: Partial<ClientSettings> = {}): ClientRecord {
  return {
    id,
    ...unlimitedClient(`c${id}`),
    masked: 'sfm-…',
    createdAt: 0,
    deletedAt: null,
    selfIssued: false,
    usage: emptyUsage(),
    ...settings,
  };
}

/** A gate over one client (id 1, key "sfm-one") with these settings; `from` is the request's address. */
function gateWith(settings: Partial<ClientSettings>, free: string[] = ['Qwen/Qwen2.5-7B-Instruct']) {
  const registry = new ClientRegistry({ hash: (t) => `h:${t}` });
  registry.upsert(record(0), null);
  registry.upsert(record(1, settings), 'h:sfm-one');
  const gate = new ClientGate({
    registry,
    isAccessKey: (t) => t === 'admin-key',
    isPriced: (model) => model !== 'unpriced/model',
    freeModels: () => free,
    clientAddress: (req) => req.socket.remoteAddress,
  });
  return { gate, registry, client: gate.find('sfm-one')! };
}
const from = (address: string) => ({ socket: { remoteAddress: address }, headers: {} }) as unknown as IncomingMessage;

/** 2026-03-10 12:00 China time. */
const NOON = Date.parse('2026-03-10T12:00:00+08:00');
const SECOND = 1000;

describe('China days and months', () => {
  it('a China day starts at 16:00 UTC, and the next one 24 h later', () => {
    const midnight = Date.parse('2026-03-10T00:00:00+08:00');
    expect(chinaDay(midnight - 1)).toBe(chinaDay(midnight) - 1);
    expect(nextDayStart(midnight - 1)).toBe(midnight);
    expect(nextDayStart(NOON)).toBe(Date.parse('2026-03-11T00:00:00+08:00'));
  });

  it('a China month starts on the 1st at China midnight, across a year too', () => {
    expect(nextMonthStart(NOON)).toBe(Date.parse('2026-04-01T00:00:00+08:00'));
    expect(nextMonthStart(Date.parse('2026-12-31T23:59:59+08:00'))).toBe(Date.parse('2027-01-01T00:00:00+08:00'));
    // 2026-01-31 20:00 UTC is already February 1st in China.
    expect(chinaMonth(Date.parse('2026-01-31T20:00:00Z'))).toBe(chinaMonth(Date.parse('2026-02-15T00:00:00Z')));
  });
});

describe('ClientGate', () => {
  it('finds the admin key as the default client and a client key by its hash; anything else is unknown', () => {
    const { gate } = gateWith({});
    expect(gate.find('admin-key')?.id).toBe(0);
    expect(gate.find('sfm-one')?.id).toBe(1);
    expect(gate.find('sfm-two')).toBeUndefined();
    expect(gate.find('sk-not-a-client-key')).toBeUndefined();
  });

  it('refuses a disabled key, an expired one from its expiry on, and an address off the list', () => {
    const disabled = gateWith({ enabled: false });
    expect(disabled.gate.checkKey(disabled.client, from('127.0.0.1'), NOON)).toEqual({ reason: 'disabled' });
    const expiring = gateWith({ expiresAt: NOON });
    expect(expiring.gate.checkKey(expiring.client, from('127.0.0.1'), NOON - 1)).toBeNull();
    expect(expiring.gate.checkKey(expiring.client, from('127.0.0.1'), NOON)).toEqual({ reason: 'expired', at: NOON });
    const listed = gateWith({ allowedIps: ['10.0.0.0/8', '192.168.1.7', 'loopback'] });
    for (const ok of ['10.2.3.4', '192.168.1.7', '::ffff:10.9.9.9', '::1', '127.0.0.1']) {
      expect(listed.gate.checkKey(listed.client, from(ok), NOON)).toBeNull();
    }
    for (const refused of ['192.168.1.8', '11.0.0.1', '2001:db8::1']) {
      expect(listed.gate.checkKey(listed.client, from(refused), NOON)).toEqual({ reason: 'ip-refused' });
    }
  });

  it('allows exact models and prefix/* wildcards only; a body without a readable model is refused, no body is fine', () => {
    const { gate, client } = gateWith({ models: ['deepseek-ai/DeepSeek-V3', 'Qwen/*'] });
    const admit = (model: string | null, bytes = 10) => gate.admit(client, model, bytes, NOON)?.reason ?? 'ok';
    expect(admit('deepseek-ai/DeepSeek-V3')).toBe('ok');
    expect(admit('Qwen/Qwen2.5-72B-Instruct')).toBe('ok');
    expect(admit('deepseek-ai/DeepSeek-R1')).toBe('model');
    expect(admit('Pro/Qwen/Qwen2.5-7B-Instruct')).toBe('model');
    expect(admit(null)).toBe('model');
    expect(admit(null, 0)).toBe('ok');
    expect(gate.modelFilter(client)!('Qwen/x')).toBe(true);
  });

  it('free models only: the freeModels setting as it is at each request', () => {
    const free = ['Qwen/Qwen2.5-7B-Instruct'];
    const { gate, client } = gateWith({ freeOnly: true }, free);
    expect(gate.admit(client, 'Qwen/Qwen2.5-7B-Instruct', 10, NOON)).toBeNull();
    expect(gate.admit(client, 'deepseek-ai/DeepSeek-V3', 10, NOON)).toEqual({ reason: 'model', model: 'deepseek-ai/DeepSeek-V3' });
  });

  it('RPM is a sliding minute: the next slot opens a minute after the oldest of the last `rpm` requests', () => {
    const { gate, client } = gateWith({ rpm: 2 });
    expect(gate.admit(client, null, 0, NOON)).toBeNull();
    expect(gate.admit(client, null, 0, NOON + 20 * SECOND)).toBeNull();
    expect(gate.admit(client, null, 0, NOON + 30 * SECOND)).toEqual({ reason: 'rpm', retryAfterMs: 30 * SECOND });
    expect(gate.admit(client, null, 0, NOON + 60 * SECOND + 1)).toBeNull();
    // The request at +20 s is now the oldest of the window.
    expect(gate.admit(client, null, 0, NOON + 61 * SECOND)).toEqual({ reason: 'rpm', retryAfterMs: 19 * SECOND });
  });

  it('a refused request takes no RPM slot', () => {
    const { gate, client } = gateWith({ rpm: 1, models: ['a/b'] });
    expect(gate.admit(client, 'c/d', 10, NOON)?.reason).toBe('model');
    expect(gate.admit(client, 'a/b', 10, NOON)).toBeNull();
  });

  it('concurrency: a slot is held until the request finishes, whatever its outcome', () => {
    const { gate, client } = gateWith({ maxConcurrent: 1 });
    expect(gate.admit(client, null, 0, NOON)).toBeNull();
    expect(gate.admit(client, null, 0, NOON)).toEqual({ reason: 'concurrency' });
    gate.finished(client, true, null, null, NOON);
    expect(gate.admit(client, null, 0, NOON)).toBeNull();
    // A request the gate refused held no slot: finishing it frees none.
    gate.finished(client, false, null, null, NOON);
    expect(client.active).toBe(1);
  });

  it('a daily budget: the request that overshoots counts in full, the next is refused until China midnight', () => {
    const { gate, client } = gateWith({ budgets: { day: 1_000, month: null, total: null } });
    expect(gate.admit(client, null, 0, NOON)).toBeNull();
    gate.finished(client, true, 2_500, 40, NOON);
    expect(client.usage.day.spent).toBe(2_500);
    expect(gate.admit(client, null, 0, NOON + 1)).toEqual({
      reason: 'budget',
      period: 'day',
      limit: 1_000,
      resetsAt: Date.parse('2026-03-11T00:00:00+08:00'),
    });
    const tomorrow = Date.parse('2026-03-11T00:00:00+08:00');
    expect(gate.admit(client, null, 0, tomorrow)).toBeNull();
    expect(client.usage.day).toMatchObject({ spent: 0, requests: 0 });
    expect(client.usage.total).toMatchObject({ spent: 2_500, requests: 1, tokens: 40 });
  });

  it('a key with a budget may not use a model without a price (its cost could not count); without a budget it may', () => {
    const budgeted = gateWith({ budgets: { day: null, month: 1_000, total: null } });
    expect(budgeted.gate.admit(budgeted.client, 'unpriced/model', 10, NOON)).toEqual({ reason: 'unpriced', model: 'unpriced/model' });
    expect(budgeted.gate.admit(budgeted.client, 'deepseek-ai/DeepSeek-V3', 10, NOON)).toBeNull();
    expect(budgeted.gate.admit(budgeted.client, null, 0, NOON)).toBeNull();
    const free = gateWith({});
    expect(free.gate.admit(free.client, 'unpriced/model', 10, NOON)).toBeNull();
  });

  it('monthly and total budgets: the month resets on the 1st, the total never', () => {
    const monthly = gateWith({ budgets: { day: null, month: 5_000, total: null } });
    monthly.gate.admit(monthly.client, null, 0, NOON);
    monthly.gate.finished(monthly.client, true, 5_000, 1, NOON);
    expect(monthly.gate.admit(monthly.client, null, 0, NOON + 1)).toMatchObject({ period: 'month', resetsAt: nextMonthStart(NOON) });
    expect(monthly.gate.admit(monthly.client, null, 0, nextMonthStart(NOON))).toBeNull();

    const total = gateWith({ budgets: { day: null, month: null, total: 5_000 } });
    total.gate.admit(total.client, null, 0, NOON);
    total.gate.finished(total.client, true, 6_000, 1, NOON);
    expect(total.gate.admit(total.client, null, 0, nextMonthStart(NOON))).toMatchObject({ period: 'total', resetsAt: null });
  });

  it('a settings change keeps the counters and the open slots', () => {
    const { gate, registry, client } = gateWith({ maxConcurrent: 1, budgets: { day: 1_000, month: null, total: null } });
    gate.admit(client, null, 0, NOON);
    gate.finished(client, true, 800, 1, NOON);
    gate.admit(client, null, 0, NOON);
    registry.upsert(record(1, { maxConcurrent: 1, budgets: { day: 500, month: null, total: null } }), 'h:sfm-one');
    expect(gate.find('sfm-one')).toBe(client);
    expect(client.active).toBe(1);
    expect(gate.admit(client, null, 0, NOON)?.reason).toBe('budget');
  });

  it('a key is hashed once, then found by its text; a rotation or a removal forgets it at once', () => {
    let hashes = 0;
    const registry = new ClientRegistry({ hash: (t) => (hashes++, `h:${t}`) });
    registry.upsert(record(1), 'h:sfm-one');
    for (let i = 0; i < 3; i++) expect(registry.byToken('sfm-one')?.id).toBe(1);
    expect(registry.byToken('sfm-nope')).toBeUndefined();
    expect(registry.byToken('sfm-nope')).toBeUndefined();
    expect(hashes).toBe(3); // sfm-one once; an unknown token every time (it is never remembered)
    registry.upsert(record(1), 'h:sfm-two');
    expect(registry.byToken('sfm-one')).toBeUndefined();
    expect(registry.byToken('sfm-two')?.id).toBe(1);
    registry.remove(1);
    expect(registry.byToken('sfm-two')).toBeUndefined();
  });

  it('a rotated key is found by its new hash only; a removed client is not found at all', () => {
    const { gate, registry } = gateWith({});
    expect(gate.find('sfm-one')?.id).toBe(1);
    registry.upsert(record(1), 'h:sfm-new');
    expect(gate.find('sfm-one')).toBeUndefined();
    expect(gate.find('sfm-new')?.id).toBe(1);
    registry.remove(1);
    expect(gate.find('sfm-new')).toBeUndefined();
  });
});
