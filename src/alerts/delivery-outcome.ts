import type { AnswerCheck } from './channels/channel-types.js';
import type { HttpAnswer } from './delivery-http.js';

/** What one attempt amounts to before the retry schedule is applied. */
export type Verdict = { kind: 'sent'; httpStatus: number } | { kind: 'retry' | 'fail'; httpStatus: number | null; error: string };

const SNIPPET = 200;
const snippet = (body: string) => body.replace(/\s+/g, ' ').trim().slice(0, SNIPPET);

/**
 * How an answer is read, one row per kind of answer: 2xx is sent unless the bot says otherwise in the
 * body (then tried again: a bot refuses too-fast sends this way); a 3xx is a failure (the URL must be
 * the one that takes the message; no redirect is followed); 408, 429 and 5xx are worth another try;
 * any other 4xx will not get better by itself.
 */
export function verdictOf(answer: HttpAnswer, check: AnswerCheck): Verdict {
  const { status, body } = answer;
  const said = snippet(body);
  if (status >= 200 && status < 300) {
    const refused = check(body);
    return refused === undefined ? { kind: 'sent', httpStatus: status } : { kind: 'retry', httpStatus: status, error: refused };
  }
  if (status >= 300 && status < 400) {
    return { kind: 'fail', httpStatus: status, error: `HTTP ${status}: the channel URL redirects, and redirects are not followed` };
  }
  const kind = status === 408 || status === 429 || status >= 500 ? 'retry' : 'fail';
  return { kind, httpStatus: status, error: `HTTP ${status}${said ? `: ${said}` : ''}` };
}

/** An attempt that got no answer: always worth another try. */
export function verdictOfError(err: unknown, timeoutMs: number): Verdict {
  const e = err as { name?: string; code?: string; message?: string };
  if (e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') {
    return { kind: 'retry', httpStatus: null, error: `no answer within ${timeoutMs / 1000} s` };
  }
  return { kind: 'retry', httpStatus: null, error: `no answer: ${e.code ? `${e.code} ` : ''}${e.message ?? String(err)}` };
}
