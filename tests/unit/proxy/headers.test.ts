import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, upstreamRequestHeaders } from '../../../src/proxy/headers.js';

describe('upstreamRequestHeaders', () => {
  it('drops the client credentials, cookies, hop-by-hop and Connection-listed headers, and adds the pool key', () => {
    const out = upstreamRequestHeaders(
      {
        host: 'proxy.local',
        authorization: 'Bearer access-key',
        'x-api-key': 'access-key',
        cookie: 'sfm.sid=abc',
        connection: 'keep-alive, x-secret-hop',
        'x-secret-hop': 'nope',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'x-forwarded-for': '10.0.0.1',
        'accept-encoding': 'gzip, br',
        'content-type': 'application/json',
        'content-length': '999',
        'user-agent': 'OpenAI/JS 6',
        'anthropic-version': '2023-06-01',
      },
      'sk-pool',
      12,
    );
    expect(out).toEqual({
      authorization: 'Bearer sk-pool',
      'x-api-key': 'sk-pool',
      'accept-encoding': 'identity',
      'content-type': 'application/json',
      'content-length': '12',
      'user-agent': 'OpenAI/JS 6',
      'anthropic-version': '2023-06-01',
    });
  });

  it('sends x-api-key upstream only when the client used it', () => {
    expect(upstreamRequestHeaders({ authorization: 'Bearer a' }, 'sk-pool', 0)).not.toHaveProperty('x-api-key');
  });
});

describe('clientResponseHeaders', () => {
  it('drops Set-Cookie and hop-by-hop headers, keeps the rest, and marks SSE unbuffered', () => {
    expect(
      clientResponseHeaders(
        {
          'content-type': 'text/event-stream; charset=utf-8',
          'set-cookie': ['a=b'],
          connection: 'keep-alive, x-hop',
          'x-hop': '1',
          'transfer-encoding': 'chunked',
          'x-siliconcloud-trace-id': 'trace-1',
          'content-length': undefined,
        },
        'sk-pool',
        {},
      ),
    ).toEqual({ 'content-type': 'text/event-stream; charset=utf-8', 'x-siliconcloud-trace-id': 'trace-1', 'x-accel-buffering': 'no' });
  });
});
