import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD } from '../../src/auth/admin-auth.js';
import { fakeKey, signIn, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
afterEach(() => t.close());

/** The text of the element with this id in a piece of HTML. */
const textOf = (html: string, id: string) => new RegExp(`id="${id}">([^<]*)<`).exec(html)?.[1];

describe('the pool cards, one partial for the user page and the admin overview', () => {
  it('GET /admin/stats-cards renders the same cards as the user page, for the signed-in admin only', async () => {
    t = await startTestApp({ keys: { [fakeKey(1)]: { balance: '12.50' }, [fakeKey(2)]: {} } });
    const { addedIds } = t.ctx.keys.import([1, 2].map(fakeKey).join('\n'));
    await t.ctx.checks.checkOne(addedIds[0]!);

    const anonymous = await request(t.app).get('/admin/stats-cards');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('not-signed-in');

    const admin = await signIn(t.app);
    const cards = await admin.agent.get('/admin/stats-cards');
    expect(cards.status).toBe(200);
    expect(cards.headers['content-type']).toMatch(/^text\/html/);
    expect(cards.headers['cache-control']).toBe('no-store');
    const page = (await request(t.app).get('/')).text;
    const statuses = (html: string) => /<ul class="statuses">[\s\S]*?<\/ul>/.exec(html)?.[0];
    expect(statuses(cards.text)).toContain('status-exhausted');
    expect(statuses(cards.text)).toBe(statuses(page));
    expect(textOf(page, 'balance-total')).toBe('¥12.50');
    // The money is the overview's own section on the admin page (overview-money.js), not a second copy here.
    expect(textOf(cards.text, 'balance-total')).toBeUndefined();
    expect(cards.text).not.toContain('<script');
  });

  it('waits, like the admin API, until the default password is changed', async () => {
    t = await startTestApp({ env: { ADMIN_PASSWORD: DEFAULT_PASSWORD } });
    const admin = await signIn(t.app, 'admin', DEFAULT_PASSWORD);
    const res = await admin.agent.get('/admin/stats-cards');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('password-change-required');
  });
});
