/** The fake's request pipeline: read and record the body, then route, gate by key behavior, answer. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { USER_INFO_PATH } from '../../../src/siliconflow/endpoints.js';
import { isPaidOnlyModel } from '../../../src/siliconflow/models.js';
import { answerAccountLimit } from './account-limits.js';
import { answerByBehavior, requestedModel } from './behaviors.js';
import { Tab, type Wallet } from './billing.js';
import type { FakeContext } from './context.js';
import { CONTROL_PREFIX, handleControl } from './control.js';
import { ERRORS, sendNotFound, sendUpstreamError } from './errors.js';
import { isAbortError, pause, readBody } from './http-util.js';
import { findRoute } from './routes.js';
import type { FakeRuntime } from './runtime.js';
import type { FakeCharge, RecordedRequest } from './types.js';
import { answerRetiredUserInfo } from './user-info.js';

export async function handleRequest(rt: FakeRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const receivedAt = Date.now();
  const body = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  // Control calls are not upstream traffic: they are not recorded.
  if (url.pathname.startsWith(CONTROL_PREFIX)) return handleControl(rt, req, res, body, url.pathname);

  const key = bearerToken(req.headers);
  const recorded: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, key, receivedAt };
  if (rt.record) rt.requests.push(recorded);

  const route = findRoute(req.method, url.pathname);
  // Unknown paths are answered by the router before any key is looked at, like a retired user/info.
  if (!route) return sendNotFound(res);
  if (url.pathname === USER_INFO_PATH && answerRetiredUserInfo(res, rt.userInfoMode)) return;

  const served = key === null ? undefined : rt.keys.serving(key);
  const ctx: FakeContext = {
    req,
    res,
    body,
    query: url.searchParams,
    key,
    state: served?.state,
    wallet: served?.wallet,
    tariff: rt.tariff,
    fillMaxTokens: rt.fillMaxTokens,
    openTab: (model) => openTab(rt, key, model, recorded),
    baseUrl: rt.baseUrl,
    signal: rt.signal,
    jobs: rt.jobs,
  };
  if (served?.state.delayMs) await pause(served.state.delayMs, rt.signal);
  if (answerAccountLimit(rt.accountLimits, ctx, () => requestedModel(ctx))) return;
  if (answerByBehavior(ctx, route)) return;
  await route.handle(ctx);
}

/** The bill of one answer, debited from the key's account and kept on its recorded request. */
function openTab(rt: FakeRuntime, key: string | null, model: string, recorded: RecordedRequest): Tab {
  const charge: FakeCharge = { model, gift: 0, paid: 0 };
  if (rt.record) recorded.charge = charge;
  const paidOnly = isPaidOnlyModel(model);
  const debit = (nano: number): Wallet => (key === null ? { gift: 0, paid: 0 } : rt.keys.debit(key, nano, paidOnly));
  return new Tab(rt.tariff.priceOf(model), rt.tariff.overchargePpm, debit, charge);
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
