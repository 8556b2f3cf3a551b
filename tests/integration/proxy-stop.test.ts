import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';

/**
 * The proxy's part of a bounded stop (issue 9, item 11), in one process: what stopAll() does to the
 * exchanges open at the shutdown deadline. tests/integration/shutdown-process.test.ts covers the
 * whole server process (signals, SSE, waiting for the head, flushing, the exit).
 */

let p: Proxy;
let upstream: Server | undefined;
afterEach(async () => {
  await p?.close();
  upstream?.closeAllConnections();
  await new Promise((r) => (upstream ? upstream.close(r) : r(undefined)));
  upstream = undefined;
});

describe('stopAll at the shutdown deadline', () => {
  it('cuts a body that is not SSE (the client sees it incomplete), logs it as shutdown and blames no key', async () => {
    upstream = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      res.write(Buffer.alloc(1000));
      // …and then nothing more, for as long as it takes.
    });
    await new Promise<void>((r) => upstream!.listen(0, '127.0.0.1', r));
    p = await startProxy([[fakeKey(1), {}]], { upstreamUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
    const res = await p.call('/v1/audio/speech', { json: { model: 'm', input: 'hi' } });
    expect(res.status).toBe(200);
    const body = res.arrayBuffer();
    p.ctx.proxy.stopAll();
    await expect(body).rejects.toThrow();
    p.ctx.flush();
    expect(p.ctx.requestLogs.list({ page: 1, pageSize: 1 }).items[0]).toMatchObject({ status: 200, errorClass: 'shutdown' });
    expect(p.row(p.ids[0]!)).toMatchObject({ failure_count: 0, last_error: null });
  });

  it('a request that arrives after it is answered 503 without calling SiliconFlow', async () => {
    p = await startProxy([[fakeKey(1), {}]]);
    p.ctx.proxy.stopAll();
    const res = await p.call('/v1/chat/completions', { json: chat() });
    expect(res.status).toBe(503);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toMatchObject({ code: 50300, error: { message: expect.stringContaining('shutting down') } });
    expect(p.fake.requests).toHaveLength(0);
  });
});
