/**
 * SiliconFlow's error answers, read without guessing from message text where a code exists.
 * Bodies are `{code, message, data}`; older deployments answer a bare JSON string (SILICONFLOW.md).
 */
export type UpstreamAnswer = { status: number; body: unknown };

export const CODE_INVALID_TOKEN = 30014;
export const CODE_INSUFFICIENT_BALANCE = 30001;
export const CODE_PAID_BALANCE_REQUIRED = 30011;
/** "Model does not exist. Please check it carefully." — on HTTP 400, not 404. */
export const CODE_MODEL_NOT_FOUND = 20012;

/** The bare strings older deployments send for a rejected key. */
const INVALID_KEY_STRINGS = new Set(['invalid token', 'api key is invalid']);

export function errorCode(body: unknown): number | undefined {
  if (body && typeof body === 'object' && 'code' in body) {
    const code = Number(body.code);
    return Number.isFinite(code) ? code : undefined;
  }
  return undefined;
}

export function errorMessage(body: unknown): string {
  if (typeof body === 'string') return body.trim().slice(0, 300);
  if (body && typeof body === 'object' && 'message' in body) return String(body.message).slice(0, 300);
  return '';
}

/** SiliconFlow rejected the key itself. */
export function isInvalidKey({ status, body }: UpstreamAnswer): boolean {
  if (status === 401 || errorCode(body) === CODE_INVALID_TOKEN) return true;
  return typeof body === 'string' && INVALID_KEY_STRINGS.has(body.trim().toLowerCase());
}

/** The account behind the key has no money (30001 comes on 402 or 403). */
export function isOutOfBalance({ status, body }: UpstreamAnswer): boolean {
  return (status === 402 || status === 403) && errorCode(body) === CODE_INSUFFICIENT_BALANCE;
}

/** "HTTP 503 (code 50505): Model service overloaded…" — what lastError shows. */
export function describeAnswer({ status, body }: UpstreamAnswer): string {
  const code = errorCode(body);
  const message = errorMessage(body);
  return `HTTP ${status}${code === undefined ? '' : ` (code ${code})`}${message ? `: ${message}` : ''}`;
}
