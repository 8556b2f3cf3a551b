/** How each key behavior answers before (or instead of) the endpoint itself. */
import { isPaidOnlyModel } from '../../../src/siliconflow/models.js';
import { parseJsonObject, type FakeContext, type Route } from './context.js';
import { ERRORS, INVALID_TOKEN_STRING, sendBareStringError, sendUpstreamError } from './errors.js';
import { multipartBoundary, parseMultipart } from './multipart.js';

/**
 * Answers the request as the key's behavior dictates and returns true, or returns false when
 * the endpoint should serve it. Unknown keys and a missing Authorization header act as 'invalid'.
 */
export function answerByBehavior(ctx: FakeContext, route: Route): boolean {
  const { res, state } = ctx;
  switch (state?.behavior ?? 'invalid') {
    case 'ok':
      return false;
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
      return route.billable && refuse(ctx, { ...ERRORS.insufficientBalance, status: state?.exhaustedStatus ?? 402 });
    case 'gift-only':
      return route.billable && isPaidOnlyModel(requestedModel(ctx) ?? '') && refuse(ctx, ERRORS.paidBalanceRequired);
  }
}

function refuse(ctx: FakeContext, error: Parameters<typeof sendUpstreamError>[1]): true {
  sendUpstreamError(ctx.res, error);
  return true;
}

/** The upstream has never been seen sending Retry-After; the fake sends one only when asked to. */
function retryAfterHeader(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}

/** The `model` of a JSON body, or of a multipart form field. */
function requestedModel(ctx: FakeContext): string | undefined {
  const boundary = multipartBoundary(ctx.req.headers['content-type']);
  if (boundary)
    return parseMultipart(ctx.body, boundary)
      .find((p) => p.name === 'model')
      ?.data.toString('utf8');
  const model = parseJsonObject(ctx.body)?.model;
  return typeof model === 'string' ? model : undefined;
}
