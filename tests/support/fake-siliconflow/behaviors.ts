/** How each key behavior answers before (or instead of) the endpoint itself. */
import { isPaidOnlyModel } from '../../../src/siliconflow/models.js';
import { parseJsonObject, type FakeContext, type Route } from './context.js';
import { ERRORS, INVALID_TOKEN_STRING, sendBareStringError, sendUpstreamError, type UpstreamError } from './errors.js';
import { multipartBoundary, parseMultipart } from './multipart.js';

/**
 * Answers the request as the key's behavior dictates and returns true, or returns false when
 * the endpoint should serve it. Unknown keys and a missing Authorization header act as 'invalid'.
 */
export function answerByBehavior(ctx: FakeContext, route: Route): boolean {
  const { res, state } = ctx;
  switch (state?.behavior ?? 'invalid') {
    case 'ok':
    case 'gift-only': // a preset of the balances (keys.ts): the money says what it may use
      return route.billable && refuseForMoney(ctx);
    case 'invalid':
      sendUpstreamError(res, ERRORS.invalidToken);
      return true;
    case 'invalid-string':
      sendBareStringError(res, ERRORS.invalidToken.status, INVALID_TOKEN_STRING);
      return true;
    case 'rate-limited':
      sendUpstreamError(res, ERRORS.rateLimited, retryAfterHeader(state?.retryAfterSeconds));
      return true;
    case 'overloaded':
      sendUpstreamError(res, ERRORS.overloaded);
      return true;
    case 'busy':
      sendUpstreamError(res, ERRORS.busy);
      return true;
    case 'server-error':
      sendUpstreamError(res, ERRORS.serverError);
      return true;
    case 'ip-blocked':
      sendUpstreamError(res, ERRORS.ipBlocked);
      return true;
    case 'reset':
      ctx.req.socket.destroy();
      return true;
    case 'hang':
      return true; // never answered: the socket stays open until the client gives up or close()
    case 'exhausted':
      // An account the upstream refuses outright, free models too (docs/siliconflow.md, "Billing and
      // prices"); a key that spent its money down follows the money instead and keeps its free models.
      return route.billable && refuse(ctx, insufficientBalance(ctx));
  }
}

/**
 * The upstream's answer when the money runs out (docs/siliconflow.md, "How the fake bills"): free
 * models are served at any balance; a paid model needs a total above zero (else 30001); a `Pro/`
 * model needs paid credit above zero too (else 30011), even one whose price is 0.
 */
function refuseForMoney(ctx: FakeContext): boolean {
  const model = requestedModel(ctx);
  const wallet = ctx.wallet;
  if (model === undefined || !wallet) return false;
  const paidOnly = isPaidOnlyModel(model);
  if (!paidOnly && ctx.tariff.isFree(model)) return false;
  if (wallet.gift + wallet.paid <= 0) return refuse(ctx, insufficientBalance(ctx));
  if (paidOnly && wallet.paid <= 0) return refuse(ctx, ERRORS.paidBalanceRequired);
  return false;
}

function insufficientBalance(ctx: FakeContext): UpstreamError {
  return { ...ERRORS.insufficientBalance, status: ctx.state?.exhaustedStatus ?? 402 };
}

function refuse(ctx: FakeContext, error: UpstreamError): true {
  sendUpstreamError(ctx.res, error);
  return true;
}

/** The upstream has never been seen sending Retry-After; the fake sends one only when asked to. */
function retryAfterHeader(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}

/** The `model` of a JSON body, or of a multipart form field. */
export function requestedModel(ctx: FakeContext): string | undefined {
  const boundary = multipartBoundary(ctx.req.headers['content-type']);
  if (boundary)
    return parseMultipart(ctx.body, boundary)
      .find((p) => p.name === 'model')
      ?.data.toString('utf8');
  const model = parseJsonObject(ctx.body)?.model;
  return typeof model === 'string' ? model : undefined;
}
