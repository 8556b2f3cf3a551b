import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOTHING_METERED } from '../../src/ledger/metered.js';
import { SHIPPED_PRICES } from '../../src/ledger/shipped-prices.js';
import { signIn, startTestApp, type Admin, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: Admin;
beforeEach(async () => {
  t = await startTestApp();
  admin = await signIn(t.app);
});
afterEach(() => t.close());

const V3 = 'deepseek-ai/DeepSeek-V3';
const put = (path: string, body: unknown) =>
  admin.agent
    .put(`/admin/api/prices/${path}`)
    .set('X-CSRF-Token', admin.csrf)
    .send(body as object);
const del = (path: string) => admin.agent.delete(`/admin/api/prices/${path}`).set('X-CSRF-Token', admin.csrf);
const importTable = (body: unknown) =>
  admin.agent
    .post('/admin/api/prices/import')
    .set('X-CSRF-Token', admin.csrf)
    .set('Content-Type', 'application/json')
    .send(typeof body === 'string' ? body : JSON.stringify(body));
const storedPrices = () => t.ctx.db.prepare('SELECT model, price FROM prices ORDER BY model').all() as { model: string; price: string }[];
const costOf = (model: string, inputTokens: number) => t.ctx.prices.book.costOf(model, { ...NOTHING_METERED, inputTokens }).nano;

describe('GET /admin/api/prices', () => {
  it("shows the shipped table with its date and source, every entry marked 'shipped'", async () => {
    const res = await admin.agent.get('/admin/api/prices');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ date: SHIPPED_PRICES.date, source: SHIPPED_PRICES.source });
    expect(res.body.models).toHaveLength(Object.keys(SHIPPED_PRICES.models).length);
    expect(res.body.models[0]).toEqual({ model: V3, unit: 'million-tokens', input: '2', output: '8', uncertain: false, source: 'shipped' });
    expect(res.body.models.find((m: { model: string }) => m.model === 'Qwen/Qwen3-30B-A3B').uncertain).toBe(true);
  });

  it('is for the signed-in admin only; a change without the CSRF token is refused', async () => {
    expect((await request(t.app).get('/admin/api/prices')).status).toBe(401);
    const noCsrf = await admin.agent.put(`/admin/api/prices/${encodeURIComponent(V3)}`).send({ unit: 'image', price: '1' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('csrf-token-invalid');
    expect(storedPrices()).toEqual([]);
  });
});

describe('PUT /admin/api/prices/:model', () => {
  it('overrides a shipped price (model URL-encoded); the proxy prices with it at once', async () => {
    const res = await put(encodeURIComponent(V3), { unit: 'million-tokens', input: '3', output: '9.5' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model: V3, input: '3', output: '9.5', source: 'admin', shipped: { input: '2', output: '8' } });
    expect(storedPrices()).toEqual([{ model: V3, price: JSON.stringify({ unit: 'million-tokens', input: '3', output: '9.5' }) }]);
    expect(costOf(V3, 1_000_000)).toBe(3_000_000_000);
    const list = (await admin.agent.get('/admin/api/prices')).body.models;
    expect(list[0]).toMatchObject({ model: V3, source: 'admin' });
  });

  it('accepts the model unencoded, slashes and all, and adds a model the table does not know', async () => {
    const res = await put('Pro/acme/New-Model-1.5', { unit: 'image', price: '0.5' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      model: 'Pro/acme/New-Model-1.5',
      unit: 'image',
      price: '0.5',
      uncertain: false,
      source: 'admin',
      updatedAt: expect.any(String),
    });
    expect(storedPrices().map((p) => p.model)).toEqual(['Pro/acme/New-Model-1.5']);
    expect(t.ctx.prices.book.priceOf('Pro/acme/New-Model-1.5')).toMatchObject({ unit: 'image', item: 500_000_000 });
  });

  it.each([
    [{ unit: 'million-tokens', input: '-1' }, /^input: must be a price/],
    [{ unit: 'million-tokens', input: '1.2345' }, /^input: .*at most 3 decimals/],
    [{ unit: 'million-tokens', input: 2 }, /^input: /],
    [{ unit: 'million-tokens' }, /^input: is required/],
    [{ unit: 'image', price: '1', output: '2' }, /^output: is not used for the unit image/],
    [{ unit: 'per-hour', price: '1' }, /^unit: must be one of/],
    [{ unit: 'image', price: '1', colour: 'red' }, /colour/],
  ])('refuses a bad price %j with 400 invalid-request naming the field, storing nothing', async (body, message) => {
    const res = await put(encodeURIComponent(V3), body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid-request');
    expect(res.body.error.message).toMatch(message);
    expect(storedPrices()).toEqual([]);
  });

  it('refuses a model name with spaces', async () => {
    const res = await put(encodeURIComponent('my model'), { unit: 'image', price: '1' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^model: must not contain spaces/);
  });
});

describe('DELETE /admin/api/prices/:model', () => {
  it('goes back to the shipped price, or to no price for a model the admin added', async () => {
    await put(encodeURIComponent(V3), { unit: 'million-tokens', input: '3', output: '9' });
    await put('acme/new', { unit: 'image', price: '1' });
    const back = await del(encodeURIComponent(V3));
    expect(back.status).toBe(200);
    expect(back.body).toEqual({
      model: V3,
      price: { model: V3, unit: 'million-tokens', input: '2', output: '8', uncertain: false, source: 'shipped' },
    });
    expect(costOf(V3, 1_000_000)).toBe(2_000_000_000);
    const gone = await del('acme/new');
    expect(gone.body).toEqual({ model: 'acme/new', price: null });
    expect(t.ctx.prices.book.priceOf('acme/new')).toBeUndefined();
    expect(storedPrices()).toEqual([]);
  });

  it('is 404 price-not-found when the admin set no price for the model (a shipped one included)', async () => {
    const res = await del(encodeURIComponent(V3));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('price-not-found');
  });
});

describe('export and import', () => {
  it('GET /prices/export downloads the table in force in the shipped format, which imports back unchanged', async () => {
    await put('acme/new', { unit: 'image', price: '1' });
    const res = await admin.agent.get('/admin/api/prices/export').buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?siliconflow-prices-\d{4}-\d{2}-\d{2}\.json"?$/);
    const table = JSON.parse(res.text);
    expect(table).toMatchObject({ currency: 'CNY', units: SHIPPED_PRICES.units });
    expect(table.models).toEqual({ ...SHIPPED_PRICES.models, 'acme/new': { unit: 'image', price: '1' } });
    const again = await importTable(res.text);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      models: Object.keys(table.models).length,
      sameAsShipped: Object.keys(SHIPPED_PRICES.models).length,
      adminPrices: 1,
      replaced: 1,
    });
    expect(storedPrices().map((p) => p.model)).toEqual(['acme/new']);
  });

  it("POST /prices/import replaces the admin's prices with the entries that differ from the shipped table", async () => {
    await put('old/model', { unit: 'image', price: '1' });
    const models = {
      ...SHIPPED_PRICES.models,
      [V3]: { unit: 'million-tokens', input: '2.5', output: '8' },
      'acme/tts': { unit: 'million-utf8-bytes', input: '40' },
    };
    const res = await importTable({ date: '2026-03-01', source: 'our own survey', models });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      models: Object.keys(models).length,
      sameAsShipped: Object.keys(models).length - 2,
      adminPrices: 2,
      replaced: 1,
    });
    expect(storedPrices().map((p) => p.model)).toEqual(['acme/tts', V3]);
    expect(costOf(V3, 1_000_000)).toBe(2_500_000_000);
    expect(t.ctx.prices.book.priceOf('old/model')).toBeUndefined();
  });

  it('refuses bad JSON and bad entries with 400, the model and field in the message, and stores nothing', async () => {
    await put('kept/model', { unit: 'image', price: '1' });
    const badJson = await importTable('{"date": "2026-03-01", "models": {');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('invalid-json');
    const badEntry = await importTable({
      date: '2026-03-01',
      source: 's',
      models: { [V3]: { unit: 'million-tokens', input: '2' }, 'deepseek-ai/DeepSeek-V3.1': { unit: 'million-tokens', input: 'free' } },
    });
    expect(badEntry.status).toBe(400);
    expect(badEntry.body.error.code).toBe('invalid-price-table');
    expect(badEntry.body.error.message).toMatch(/^models\["deepseek-ai\/DeepSeek-V3\.1"\]\.input: must be a price/);
    const noDate = await importTable({ source: 's', models: {} });
    expect(noDate.status).toBe(400);
    expect(noDate.body.error.message).toMatch(/^date: /);
    expect(storedPrices().map((p) => p.model)).toEqual(['kept/model']);
  });

  it('prices survive a restart', async () => {
    await put(encodeURIComponent(V3), { unit: 'million-tokens', input: '3', output: '9' });
    const after = t.restart();
    expect(after.ctx.prices.book.costOf(V3, { ...NOTHING_METERED, inputTokens: 1_000_000 }).nano).toBe(3_000_000_000);
  });
});
