/**
 * The fake's own money arithmetic: integer nano-yuan (1 ¥ = 10⁹ n¥), never floats. It is written
 * apart from src/ledger/ on purpose: the fake is the truth a test compares the app's ledger with,
 * so a mistake in the ledger's arithmetic must not be copied into the fake.
 */

export const NANO_PER_YUAN = 1_000_000_000;
const DECIMALS = 9;
const NANO_PER_FEN = 10_000_000;

/** "14", "0.88", "-0.01", "0.000002" → n¥; undefined for anything that is not such a decimal. */
export function parseNano(text: string): number | undefined {
  const match = /^(-)?(\d{1,9})(?:\.(\d{1,9}))?$/.exec(text);
  if (!match) return undefined;
  const [, minus, whole = '0', fraction = ''] = match;
  const nano = Number(whole) * NANO_PER_YUAN + Number(fraction.padEnd(DECIMALS, '0'));
  return minus && nano !== 0 ? -nano : nano;
}

/** Like parseNano, for amounts a caller of the fake wrote: a malformed one is the test's bug. */
export function requireNano(text: string, what: string): number {
  const nano = parseNano(text);
  if (nano === undefined) throw new Error(`fake-siliconflow: ${what} must be an amount in yuan such as "14.00", got "${text}"`);
  return nano;
}

/**
 * n¥ → the two-decimal string user/info shows, rounded to the fen half away from zero: the
 * upstream shows a slightly overdrawn account as "-0.01". A sum that rounds to zero is "0.00".
 */
export function formatFen(nano: number): string {
  const fen = Math.round(Math.abs(nano) / NANO_PER_FEN);
  const sign = nano < 0 && fen > 0 ? '-' : '';
  return `${sign}${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** n¥ → the exact amount in yuan, trailing zeros trimmed ("0.000012", "14"), for the state page. */
export function exactYuan(nano: number): string {
  const abs = Math.abs(nano);
  const fraction = String(abs % NANO_PER_YUAN)
    .padStart(DECIMALS, '0')
    .replace(/0+$/, '');
  const whole = `${nano < 0 ? '-' : ''}${Math.floor(abs / NANO_PER_YUAN)}`;
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

/** Sums two amounts exactly, shown with two decimals: "0.10" + "0.20" is "0.30". Malformed amounts count as 0. */
export function addMoney(a: string, b: string): string {
  return formatFen((parseNano(a) ?? 0) + (parseNano(b) ?? 0));
}
