/**
 * SiliconFlow's error answers and what each means for a key pool (docs/siliconflow.md, "Errors").
 * Bodies are `{code, message, data}`, not OpenAI's `{error: {…}}`; older deployments answer a bare
 * JSON string. Read by their code wherever there is one, never by guessing from the message text.
 */
export type UpstreamAnswer = { status: number; body: unknown };

/** "Model does not exist. Please check it carefully." — on HTTP 400, not 404. */
export const CODE_MODEL_NOT_FOUND = 20012;
/** A bad parameter, or a prompt longer than the model's max_seq_len: the caller's mistake (400). */
export const CODE_INVALID_PARAMETER = 20015;
/** The account has no money; seen on 402 and on 403. */
export const CODE_INSUFFICIENT_BALANCE = 30001;
/** A paid-only model (`Pro/…`) asked of an account with gift credit only (403). */
export const CODE_PAID_BALANCE_REQUIRED = 30011;
/** The key itself is rejected (401). */
export const CODE_INVALID_TOKEN = 30014;
/** "Model service overloaded" (503): upstream trouble, not the key's. */
export const CODE_MODEL_OVERLOADED = 50505;
/** "System is too busy now. Please try again later." (503): upstream trouble, not the key's. */
export const CODE_SYSTEM_OVERLOADED = 50508;
/** "Request failed: Unknown error." (500): upstream trouble, not the key's. */
export const CODE_UNKNOWN_ERROR = 50507;
/** Sometimes on a 429; the status alone already says "rate limited". */
export const CODE_RATE_LIMITED = 50602;
/** "System busy" when one IP drives many keys at once: an IP-level block, so the whole pool backs off. */
export const CODE_IP_BUSY = 50603;

/** The bare JSON strings older deployments send for a rejected key. */
export const INVALID_KEY_STRINGS = ['Invalid token', 'Api key is invalid'] as const;
const INVALID_KEY_LOWERCASE = new Set<string>(INVALID_KEY_STRINGS.map((text) => text.toLowerCase()));

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
  return typeof body === 'string' && INVALID_KEY_LOWERCASE.has(body.trim().toLowerCase());
}

/** The account behind the key has no money (30001 comes on 402 or 403). */
export function isOutOfBalance({ status, body }: UpstreamAnswer): boolean {
  return (status === 402 || status === 403) && errorCode(body) === CODE_INSUFFICIENT_BALANCE;
}

/**
 * SiliconFlow itself is overloaded (50505 for one model, 50508 for the whole service): says nothing
 * about the key, so it must not count towards the key's failures in a row.
 */
export function isUpstreamOverloaded(body: unknown): boolean {
  const code = errorCode(body);
  return code === CODE_MODEL_OVERLOADED || code === CODE_SYSTEM_OVERLOADED;
}

/** "HTTP 503 (code 50505): Model service overloaded…" — what lastError shows. */
export function describeAnswer({ status, body }: UpstreamAnswer): string {
  const code = errorCode(body);
  const message = errorMessage(body);
  return `HTTP ${status}${code === undefined ? '' : ` (code ${code})`}${message ? `: ${message}` : ''}`;
}
