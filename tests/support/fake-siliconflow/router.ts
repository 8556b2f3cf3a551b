/** The fake's request pipeline: read and record the body, then route, gate by key behavior, answer. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { USER_INFO_PATH } from '../../../src/siliconflow/endpoints.js';
import { answerByBehavior } from './behaviors.js';
import type { FakeContext } from './context.js';
import { CONTROL_PREFIX, handleControl } from './control.js';
import { ERRORS, sendNotFound, sendUpstreamError } from './errors.js';
import { isAbortError, pause, readBody } from './http-util.js';
import { findRoute } from './routes.js';
import type { FakeRuntime } from './runtime.js';
import { answerRetiredUserInfo } from './user-info.js';

export async function handleRequest(rt: FakeRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const receivedAt = Date.now();
  const body = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  // Control calls are not upstream traffic: they are not recorded.
  if (url.pathname.startsWith(CONTROL_PREFIX)) return handleControl(rt, req, res, body, url.pathname);

  const key = bearerToken(req.headers);
  if (rt.record) rt.requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, key, receivedAt });

  const route = findRoute(req.method, url.pathname);
  // Unknown paths are answered by the router before any key is looked at, like a retired user/info.
  if (!route) return sendNotFound(res);
  if (url.pathname === USER_INFO_PATH && answerRetiredUserInfo(res, rt.userInfoMode)) return;

  const state = key === null ? undefined : rt.keys.serving(key);
  const ctx: FakeContext = { req, res, body, query: url.searchParams, key, state, baseUrl: rt.baseUrl, signal: rt.signal };
  if (state?.delayMs) await pause(state.delayMs, rt.signal);
  if (answerByBehavior(ctx, route)) return;
  await route.handle(ctx);
}

/** The token of `Authorization: Bearer <token>`, or null when the header is missing or malformed. */
export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1] ?? null;
}

/**
 * Last resort for a handler that threw: a closing fake or a vanished client just ends the socket;
 * anything else is a bug in the fake, answered as the upstream's 500 so a test shows it.
 */
export function onHandlerError(err: unknown, res: ServerResponse): void {
  if (isAbortError(err) || res.headersSent || res.destroyed || res.socket?.destroyed !== false) {
    res.destroy();
    return;
  }
  console.error('fake-siliconflow: handler failed', err);
  sendUpstreamError(res, ERRORS.serverError);
}
