/**
 * GET /v1/user/info, the legacy balance answer, and its retirement (docs/siliconflow.md, "Balances
 * and the retired user/info").
 */

/** `code` of a successful wrapped answer. */
export const CODE_OK = 20000;
/** The body of the retired endpoint's 410, in one report (uncertain). */
export const CODE_ENDPOINT_DEPRECATED = 20092;

/** The legacy 200 answer: `status` a boolean, `code` an integer, all three balances 2-decimal strings. */
export type UserInfoBody = {
  code: number;
  message: string;
  status: boolean;
  data: {
    id: string;
    name: string;
    image: string;
    email: string;
    isAdmin: boolean;
    /** Gift credit (赠送余额). */
    balance: string;
    status: string;
    introduction: string;
    role: string;
    /** Paid credit (充值余额). */
    chargeBalance: string;
    /** Their sum; seen negative ("-0.01"). */
    totalBalance: string;
  };
};

export type UserInfoBalances = { gift: number; charge: number; total: number };

/**
 * Since about August 2026 user/info answers 410 (some deployments 404): validity is then learned from
 * GET /v1/models, and "out of money" from real calls. Some accounts may still get 200 for a while.
 */
export function isRetiredUserInfo(status: number): boolean {
  return status === 410 || status === 404;
}

/** `data.balance` (gift), `data.chargeBalance` (paid), `data.totalBalance`; null when there are none. */
export function readBalances(body: unknown): UserInfoBalances | null {
  const data = (body as { data?: Record<string, unknown> } | null)?.data;
  if (!data || typeof data !== 'object') return null;
  const gift = toNumber(data.balance);
  const charge = toNumber(data.chargeBalance);
  const total = toNumber(data.totalBalance) ?? (gift !== null && charge !== null ? gift + charge : null);
  if (total === null) return null;
  return { gift: gift ?? 0, charge: charge ?? 0, total };
}

function toNumber(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  if (typeof value === 'string' && value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
