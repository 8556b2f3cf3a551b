import { afterEach, describe, expect, it } from 'vitest';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';

let p: Proxy;
afterEach(() => p?.close());

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
    const res = await p.call('/v1/chat/completions', { json: chat(), headers: { ...identifying, 'x-custom': 'kept', 'user-agent': 'OpenAI/JS 6.49.0' } });
    expect(res.status).toBe(200);
    const sent = p.fake.requests.at(-1)!.headers;
    for (const name of Object.keys(identifying)) expect(sent, name).not.toHaveProperty(name);
    expect(JSON.stringify(sent)).not.toContain('203.0.113.7');
    expect(sent).toMatchObject({ 'x-custom': 'kept', 'user-agent': 'OpenAI/JS 6.49.0', 'content-type': 'application/json' });
  });
});
