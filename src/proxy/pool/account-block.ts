/**
 * Something that keeps an account from serving a model for a while: SiliconFlow's own 429 (cooling)
 * or the admin's local budget (ACCOUNT_LIMITS). The pool asks each block when it picks a key for a
 * model, so a key of a blocked account is passed over like a key already tried. Both questions are
 * on the hot path: answer from memory, in O(1).
 */
export interface AccountBlock {
  /** ms since epoch when the account may serve `model` again, or 0 when it may now. */
  blockedUntil(account: string, model: string, now: number): number;
}

/**
 * The model a block is asked about for a request that names none (GET /v1/models, voice lists…):
 * SiliconFlow counts limits per model, so such requests have their own.
 */
export const NO_MODEL = '';
