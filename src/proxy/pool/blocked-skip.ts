import type { AccountBlock } from './account-block.js';
import type { Skip } from './pool-groups.js';
import { accountOf, type PoolKey } from './pool-key.js';

/**
 * The keys one pick passes over: those tried already, and those whose account a block (cooling, a
 * local budget) keeps from the model now. It notes when the earliest passed-over account comes back,
 * so a request that finds no key can say when to retry.
 */
export class BlockedSkip implements Skip {
  /** ms since epoch when the first blocked account may serve the model again; 0 = none was blocked. */
  until = 0;

  constructor(
    private readonly keys: ReadonlyMap<number, PoolKey>,
    private readonly tried: Skip,
    private readonly blocks: readonly AccountBlock[],
    private readonly model: string,
    private readonly now: number,
  ) {}

  /**
   * A key tried already is asked about too: the one that just answered 429 has its account cooling
   * now, and when it was the last key, its return is when to retry.
   */
  has(id: number): boolean {
    const k = this.keys.get(id);
    if (!k) return true;
    const account = accountOf(k);
    for (const block of this.blocks) {
      const until = block.blockedUntil(account, this.model, this.now);
      if (until > this.now) {
        if (this.until === 0 || until < this.until) this.until = until;
        return true;
      }
    }
    return this.tried.has(id);
  }
}
