import { afterEach, describe, expect, it } from 'vitest';
import { useHandMadeUpstreams } from '../helpers/hand-made-upstream.js';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';

let p: Proxy;
const startUpstream = useHandMadeUpstreams();
afterEach(() => p?.close());

const ORIGIN = 'https://chat.example';
const preflight = (path: string, origin = ORIGIN) =>
  fetch(p.base + path, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, x-stainless-os',
    },
  });
const exposed = (res: Response) => (res.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/\s*,\s*/);

describe('CORS for /v1, with the default CORS_ORIGINS=*', () => {
  // Bug: /v1 sent no CORS headers and answered a preflight (OPTIONS, without the access key) with 401,
  // so browser-based clients (NextChat or LobeChat in client mode, web playgrounds) could not call it.
  it('a preflight is answered 204 without the access key: methods, the requested headers, a max-age; nothing upstream', async () => {
    p = await startProxy([[fakeKey(0), {}]]);
    const res = await preflight('/v1/chat/completions');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, PUT, PATCH, DELETE');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-stainless-os');
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(p.fake.requests).toHaveLength(0);
  });

  it('answers carry Access-Control-Allow-Origin and expose retry-after, x-should-retry and the trace id', async () => {
    p = await startProxy([[fakeKey(0), {}]]);
    const res = await p.call('/v1/chat/completions', { json: chat(), headers: { origin: ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(exposed(res)).toEqual(expect.arrayContaining(['retry-after', 'x-should-retry', 'x-siliconcloud-trace-id']));
    const passedThrough = await p.call('/v1/chat/completions', { json: chat('no/such-model'), headers: { origin: ORIGIN } });
    expect(passedThrough.status).toBe(400);
    expect(passedThrough.headers.get('access-control-allow-origin')).toBe('*');
  });

  it("the proxy's own errors (401, 405, 400, 403, 503) carry it too", async () => {
    p = await startProxy([]);
    const answers = [
      await fetch(`${p.base}/v1/models`, { headers: { origin: ORIGIN } }),
      await p.call('/v1/models', { method: 'PROPFIND', headers: { origin: ORIGIN } }),
      await p.call('/v1/a%2fb', { headers: { origin: ORIGIN } }),
      await p.call('/v1/user/info', { headers: { origin: ORIGIN } }),
      await p.call('/v1/chat/completions', { json: chat(), headers: { origin: ORIGIN } }),
    ];
    expect(answers.map((r) => r.status)).toEqual([401, 405, 400, 403, 503]);
    for (const res of answers) {
      expect(res.headers.get('access-control-allow-origin'), String(res.status)).toBe('*');
      expect(exposed(res), String(res.status)).toContain('x-should-retry');
    }
  });

  it('the admin API and the pages get no CORS', async () => {
    p = await startProxy([]);
    const answers = [
      await fetch(`${p.base}/admin/api/login`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } }),
      await fetch(`${p.base}/admin/api/keys`, { headers: { origin: ORIGIN } }),
      await fetch(`${p.base}/`, { headers: { origin: ORIGIN } }),
      await fetch(`${p.base}/health`, { headers: { origin: ORIGIN } }),
    ];
    for (const res of answers) expect(res.headers.get('access-control-allow-origin'), res.url).toBeNull();
  });
});

describe('CORS_ORIGINS with a list of origins', () => {
  // Bug: there was no way to let only one's own chat page call /v1 from a browser, and SiliconFlow's own
  // Access-Control-* headers went to the client as they were.
  const env = { CORS_ORIGINS: 'https://chat.example, http://localhost:3210' };

  it('echoes a listed Origin with Vary: Origin, and gives an unlisted one nothing to use', async () => {
    p = await startProxy([[fakeKey(0), {}]], { env });
    const listed = await p.call('/v1/models', { headers: { origin: 'http://localhost:3210' } });
    expect(listed.headers.get('access-control-allow-origin')).toBe('http://localhost:3210');
    expect(listed.headers.get('vary')).toMatch(/\bOrigin\b/);
    const other = await p.call('/v1/models', { headers: { origin: 'https://evil.example' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('vary')).toMatch(/\bOrigin\b/);

    const allowed = await preflight('/v1/chat/completions');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const refused = await preflight('/v1/chat/completions', 'https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(p.fake.requests.map((r) => r.path)).toEqual(['/v1/models', '/v1/models']);
  });

  it("the upstream's own CORS headers never reach the client: the policy is this server's", async () => {
    const upstreamUrl = await startUpstream((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
        'access-control-allow-credentials': 'true',
        vary: 'Accept-Encoding',
      });
      res.end('{"object":"list","data":[]}');
    });
    p = await startProxy([[fakeKey(0), {}]], { env, upstreamUrl });
    const res = await p.call('/v1/models', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toBe('Accept-Encoding, Origin');
  });
});
