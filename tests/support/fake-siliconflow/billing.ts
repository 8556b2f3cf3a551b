/**
 * How the fake bills (docs/siliconflow.md, "How the fake bills"): the cost of what an answer
 * reported, which credit pays it, and the running bill of one answer.
 */
import { PPM, type FakePrice } from './prices.js';
import type { FakeCharge } from './types.js';

/** What an answer reported, in the units SiliconFlow bills. Reasoning tokens are part of outputTokens. */
export interface FakeUsage {
  inputTokens?: number;
  outputTokens?: number;
  images?: number;
  /** UTF-8 bytes of the text sent to speech synthesis. */
  inputBytes?: number;
  /** Videos submitted (billed on submit). */
  videos?: number;
}

/** n¥ of gift and paid credit. */
export interface Wallet {
  gift: number;
  paid: number;
}

const SCALE = BigInt(PPM) * BigInt(PPM);

/**
 * n¥ for `used` at `price` times the overcharge, rounded half up once per answer. BigInt, because
 * tokens × n¥ per million can pass 2⁵³ long before the result does. No price: free.
 */
export function costOf(price: FakePrice | undefined, used: FakeUsage, overchargePpm: number): number {
  if (!price) return 0;
  const n = (count: number | undefined): bigint => BigInt(count ?? 0);
  // Everything in n¥ per million units, so per-item prices are scaled up to match.
  let perMillion: bigint;
  switch (price.unit) {
    case 'million-tokens':
      perMillion = n(used.inputTokens) * n(price.perMillionInput) + n(used.outputTokens) * n(price.perMillionOutput);
      break;
    case 'million-utf8-bytes':
      perMillion = n(used.inputBytes) * n(price.perMillionInput);
      break;
    case 'image':
      perMillion = n(used.images) * n(price.perItem) * BigInt(PPM);
      break;
    case 'video':
      perMillion = n(used.videos) * n(price.perItem) * BigInt(PPM);
      break;
  }
  return Number((perMillion * BigInt(overchargePpm) + SCALE / 2n) / SCALE);
}

/**
 * Which credit pays `cost`: gift first, then paid; `Pro/` models paid only. What neither credit
 * still covers is taken anyway, from gift credit (paid credit for `Pro/`), so a call that costs
 * more than is left overdraws the account a little, as the upstream does ("-0.01"). The split
 * does not depend on how a cost is cut into steps, so a stream billed chunk by chunk ends where
 * one charge would.
 */
export function splitCharge(wallet: Wallet, cost: number, paidOnly: boolean): Wallet {
  if (paidOnly) return { gift: 0, paid: cost };
  const fromGift = Math.min(cost, Math.max(wallet.gift, 0));
  const fromPaid = Math.min(cost - fromGift, Math.max(wallet.paid, 0));
  return { gift: cost - fromPaid, paid: fromPaid };
}

/**
 * The bill of one answer. A stream reports running usage on its chunks: runTo() is called before
 * each chunk goes out with the usage that chunk reports, and charges only the difference, so the
 * account has paid for every chunk a client has seen — a stream cut short costs what it reported.
 */
export class Tab {
  #billed = 0;

  constructor(
    private readonly price: FakePrice | undefined,
    private readonly overchargePpm: number,
    private readonly debit: (nano: number) => Wallet,
    readonly charge: FakeCharge,
  ) {}

  runTo(used: FakeUsage): void {
    const total = costOf(this.price, used, this.overchargePpm);
    if (total <= this.#billed) return;
    const paid = this.debit(total - this.#billed);
    this.#billed = total;
    this.charge.gift += paid.gift;
    this.charge.paid += paid.paid;
  }
}
