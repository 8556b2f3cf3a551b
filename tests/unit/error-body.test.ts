import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { errorBody, sendJsonError } from '../../src/http-error.js';
import { proxyErrorBody, rawProxyError } from '../../src/proxy/proxy-errors.js';

/**
 * Issue 10: the admin API, /metrics, /health and the /v1 proxy each built their JSON errors by hand,
 * in three shapes. One builder now gives them all `error: {code, message, …}`, each keeping what its
 * clients read beside it.
 */

/** Answers one request with `answer`, returns what a client sees. */
async function served(answer: (res: ServerResponse) => void) {
  const server = createServer((_req, res) => answer(res)).listen(0, '127.0.0.1');
  onTestFinished(() => void server.close());
  await new Promise((r) => server.once('listening', r));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('errorBody: one shape for every JSON error', () => {
  it('an admin API error is {error: {code, message, ...details}}', () => {
    expect(errorBody('no-keys-found', 'No key.', { details: { field: 'keys' } })).toEqual({
      error: { code: 'no-keys-found', message: 'No key.', field: 'keys' },
    });
  });

  it("/health's 503 keeps its status beside the error", () => {
    expect(errorBody('database-unavailable', 'The database does not answer.', { beside: { status: 'error' } })).toEqual({
      status: 'error',
      error: { code: 'database-unavailable', message: 'The database does not answer.' },
    });
  });

  it("the proxy's keeps the top-level code and message and OpenAI's error.type", () => {
    expect(proxyErrorBody(503, 50301, 'No usable key.')).toEqual({
      code: 50301,
      message: 'No usable key.',
      error: { code: 50301, message: 'No usable key.', type: 'upstream_error' },
    });
    expect(proxyErrorBody(401, 40100, 'Wrong key.').error.type).toBe('authentication_error');
  });

  it('the raw socket answer carries the same body', () => {
    const raw = rawProxyError(405, 40500, 'No.', { allow: 'GET' });
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual(proxyErrorBody(405, 40500, 'No.'));
  });
});

describe('sendJsonError', () => {
  it('sends the body as JSON with its length and the given headers', async () => {
    const body = errorBody('not-found', 'Nothing here.');
    const res = await served((r) => sendJsonError(r, 404, body, { 'x-extra': 'yes' }));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(res.text)));
    expect(res.headers.get('x-extra')).toBe('yes');
    expect(JSON.parse(res.text)).toEqual(body);
  });

  it('mid-stream it ends what was started instead of writing a second answer', async () => {
    const res = await served((r) => {
      r.writeHead(200, { 'content-type': 'text/plain' });
      r.write('partial');
      sendJsonError(r, 500, errorBody('internal-error', 'Broke.'));
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe('partial');
  });
});
