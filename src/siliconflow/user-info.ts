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

/** The three balances as SiliconFlow writes them: decimal yuan strings, exact ("0.88", "-0.01"). */
export type UserInfoBalances = { gift: string; charge: string; total: string | null };

/**
 * Since about August 2026 user/info answers 410 (some deployments 404): validity is then learned from
 * GET /v1/models, and "out of money" from real calls. Some accounts may still get 200 for a while.
 */
export function isRetiredUserInfo(status: number): boolean {
  return status === 410 || status === 404;
}

/** `data.balance` (gift), `data.chargeBalance` (paid), `data.totalBalance`, as decimal strings; null when there are none. */
export function readBalances(body: unknown): UserInfoBalances | null {
  const data = (body as { data?: Record<string, unknown> } | null)?.data;
  if (!data || typeof data !== 'object') return null;
  const gift = decimalText(data.balance);
  const charge = decimalText(data.chargeBalance);
  if (gift === null && charge === null) return null;
  return { gift: gift ?? '0', charge: charge ?? '0', total: decimalText(data.totalBalance) };
}

/** A balance field as a plain decimal string ("0.88"); numbers are accepted, anything else is null. */
function decimalText(value: unknown): string | null {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  return /^-?\d+(\.\d+)?$/.test(text) ? text : null;
}

/** `data.id`: the SiliconFlow account the key belongs to (several keys can share one); null when absent. */
export function readAccountId(body: unknown): string | null {
  const id = (body as { data?: { id?: unknown } } | null)?.data?.id;
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : null;
}
