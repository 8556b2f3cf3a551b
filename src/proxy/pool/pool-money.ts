import { moneyOfRow, type PoolRow } from '../../keys/key-types.js';
import { balanceOf, type KeyMoney } from '../../ledger/balance.js';
import { anchorIdOf, sameAnchor, type LearnedAnchor, type UnsavedSpend } from './dirty-keys.js';
import type { HeldKey } from './held-key.js';

/** Gives the key this estimate, with the balances the selectors compare. */
export function setMoney(k: Pick<HeldKey, 'money' | 'chargeBalance' | 'totalBalance'>, money: KeyMoney): void {
  const balance = balanceOf(money);
  k.money = money;
  k.chargeBalance = balance.paid;
  k.totalBalance = balance.total;
}

/**
 * The key's estimate when its row is reloaded (an admin edit, a check): the stored anchor, plus the
 * spend not saved yet — but only the spend made against that same anchor. A newer anchor stored by
 * the admin or a check makes what the proxy learned before it past (`stale`). An anchor the proxy
 * learned and has not saved yet stands while the row still has the anchor it replaced.
 */
export function reloadedMoney(
  row: PoolRow,
  held: HeldKey | undefined,
  unsaved: { anchor: LearnedAnchor | undefined; spend: UnsavedSpend | undefined } | undefined,
): { money: KeyMoney; stale: boolean; newAnchor: boolean } {
  const stored = moneyOfRow(row);
  const storedAnchor = anchorIdOf(stored);
  const newAnchor = held !== undefined && !sameAnchor(anchorIdOf(held.money), storedAnchor);
  if (!held || !unsaved) return { money: stored, stale: false, newAnchor };
  if (unsaved.anchor) {
    const stands = sameAnchor(storedAnchor, unsaved.anchor.replaces);
    return stands ? { money: held.money, stale: false, newAnchor: false } : { money: stored, stale: true, newAnchor: true };
  }
  const spend = unsaved.spend!;
  if (!sameAnchor(storedAnchor, spend.against)) return { money: stored, stale: true, newAnchor };
  return {
    money: {
      ...stored,
      spentGift: stored.spentGift + spend.gift,
      spentPaid: stored.spentPaid + spend.paid,
      spentUnsplit: stored.spentUnsplit + spend.unsplit,
    },
    stale: false,
    newAnchor,
  };
}
