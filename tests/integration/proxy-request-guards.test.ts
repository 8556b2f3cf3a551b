import { afterEach, describe, expect, it } from 'vitest';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';
import { rawRequest } from '../helpers/raw-http.js';

let p: Proxy;
afterEach(() => p?.close());

const ALLOW = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const send = (method: string, target: string, headers: Record<string, string> = {}) =>
  rawRequest(p.base, method, target, { authorization: `Bearer ${p.accessKey}`, ...headers });

describe('only real API methods reach SiliconFlow', () => {
  // Bug: /v1 forwarded any method, so TRACE, PROPFIND or HEAD went upstream with a pool key, and CONNECT
  // or a method llhttp does not know (TRACK) got the socket closed without any answer.
  it.each(['TRACE', 'PROPFIND', 'HEAD'])('%s gets 405 with Allow, and nothing goes upstream', async (method) => {
    p = await startProxy([[fakeKey(0), {}]]);
    const res = await send(method, '/v1/models');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(ALLOW);
    if (method !== 'HEAD')
      expect(JSON.parse(res.body)).toMatchObject({ code: 40500, error: { code: 40500, type: 'invalid_request_error' } });
    expect(p.fake.requests).toHaveLength(0);
  });

  it.each([
    ['TRACK', '/v1/models'],
    ['CONNECT', '/v1/models'],
    ['CONNECT', 'api.siliconflow.cn:443'],
  ])('%s %s (not even a request to Node) gets 405 with Allow', async (method, target) => {
    p = await startProxy([[fakeKey(0), {}]]);
    const res = await send(method, target);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(ALLOW);
    expect(JSON.parse(res.body)).toMatchObject({ code: 40500, error: { type: 'invalid_request_error' } });
    expect(p.fake.requests).toHaveLength(0);
    // The server is still fine afterwards.
    expect((await p.call('/v1/models')).status).toBe(200);
  });

  it('a garbled request still gets the 400 Node would give, not a 405', async () => {
    p = await startProxy([[fakeKey(0), {}]]);
    const res = await rawRequest(p.base, 'GET', '/v1/models HTTP/9', {});
    expect(res.status).toBe(400);
  });

  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])('%s is forwarded', async (method) => {
    p = await startProxy([[fakeKey(0), {}]]);
    await p.call('/v1/files/abc', { method, ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }) });
    expect(p.fake.requests.map((r) => r.method)).toEqual([method]);
  });
});

describe('paths stay under /v1/', () => {
  // Bug: the path was appended to SILICONFLOW_BASE_URL as received, so `/v1/../x` or `/v1/%2e%2e/x`
  // could reach any path of the upstream host (another service behind the same gateway) with a pool key.
  it.each([
    '/v1/../admin',
    '/v1/./models',
    '/v1/%2e%2e/admin',
    '/v1/%2E%2e/admin',
    '/v1/.%2E/admin',
    '/v1/%2e/models',
    '/v1/chat/..',
    '/v1/..;/admin',
    '/v1/x\\..\\..\\admin',
    '/v1/models\\',
    '/v1/a%2fb',
    '/v1/..%2Fadmin',
    '/v1/%5c..%5cadmin',
    '/v1/chat/..#/x',
  ])('%s is refused with 400 before anything is sent', async (target) => {
    p = await startProxy([[fakeKey(0), {}]], { upstreamPath: '/siliconflow' });
    const res = await send('GET', target);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ code: 40000, error: { code: 40000, type: 'invalid_request_error' } });
    expect(p.fake.requests).toHaveLength(0);
  });

  it('an ordinary path (dots inside names, anything in the query) reaches <base path>/v1/… unchanged', async () => {
    p = await startProxy([[fakeKey(0), {}]], { upstreamPath: '/siliconflow' });
    await send('GET', '/v1/files/file-1.jsonl?next=../../x&y=%2e%2e%2f');
    await send('GET', '/v1/models');
    expect(p.fake.requests.map((r) => r.path)).toEqual([
      '/siliconflow/v1/files/file-1.jsonl?next=../../x&y=%2e%2e%2f',
      '/siliconflow/v1/models',
    ]);
  });
});

describe('nothing that identifies the client goes upstream', () => {
  // Bug: only X-Forwarded-For/-Host/-Proto/-Port, Forwarded and X-Real-IP were dropped: Via, CF-Connecting-IP,
  // True-Client-IP, X-Forwarded-Server and the like told SiliconFlow who the client behind the proxy was.
  it('drops every forwarding and client-address header, keeps the rest', async () => {
    p = await startProxy([[fakeKey(0), {}]]);
    const identifying = {
      forwarded: 'for=203.0.113.7;proto=https',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-host': 'chat.example',
      'x-forwarded-server': 'edge-1',
      'x-forwarded-client-cert': 'Hash=abc',
      'x-real-ip': '203.0.113.7',
      via: '1.1 edge-1',
      'cf-connecting-ip': '203.0.113.7',
      'cf-connecting-ipv6': '2001:db8::7',
      'cf-ipcountry': 'CN',
      'cf-ray': '8a1b2c3d4e5f-HKG',
      'true-client-ip': '203.0.113.7',
      'x-client-ip': '203.0.113.7',
      'x-cluster-client-ip': '203.0.113.7',
      'fastly-client-ip': '203.0.113.7',
      'x-original-forwarded-for': '203.0.113.7',
      'x-envoy-external-address': '203.0.113.7',
      'x-appengine-user-ip': '203.0.113.7',
      origin: 'https://chat.example',
      referer: 'https://chat.example/session/42',
      'sec-fetch-site': 'cross-site',
    };
    const res = await p.call('/v1/chat/completions', {
      json: chat(),
      headers: { ...identifying, 'x-custom': 'kept', 'user-agent': 'OpenAI/JS 6.49.0' },
    });
    expect(res.status).toBe(200);
    const sent = p.fake.requests.at(-1)!.headers;
    for (const name of Object.keys(identifying)) expect(sent, name).not.toHaveProperty(name);
    expect(JSON.stringify(sent)).not.toContain('203.0.113.7');
    expect(sent).toMatchObject({ 'x-custom': 'kept', 'user-agent': 'OpenAI/JS 6.49.0', 'content-type': 'application/json' });
  });
});

describe('/v1/user/info is not served to access-key holders', () => {
  // Bug: /v1/user/info was forwarded like any path, so anyone with the access key could read a pool
  // account's e-mail, name and balances, one key after another.
  it.each([
    '/v1/user/info',
    '/v1/user/info/',
    '/v1/user/info?x=1',
    '/v1/User/INFO',
    '/v1//user//info',
    '/v1/user/%69nfo',
    '/v1/%55ser/info/?a=b',
  ])('%s gets 403 and nothing goes upstream', async (target) => {
    p = await startProxy([[fakeKey(0), {}]]);
    const res = await send('GET', target);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({
      code: 40300,
      error: { code: 40300, type: 'permission_error', message: expect.stringContaining('/v1/user/info') },
    });
    expect(p.fake.requests).toHaveLength(0);
  });

  it('the balance check still reads it directly', async () => {
    p = await startProxy([[fakeKey(0), { balance: '3.50', chargeBalance: '1.25' }]]);
    await p.ctx.checks.checkOne(p.ids[0]!);
    expect(p.fake.requests.map((r) => r.path)).toContain('/v1/user/info');
    expect(p.ctx.keys.get(p.ids[0]!)).toMatchObject({ status: 'active', totalBalance: 4.75 });
  });
});
