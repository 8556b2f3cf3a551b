import type { KeyRow } from '../keys/key-types.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The recovery settings (src/config/table/recovery.ts), as the plan reads them. */
export type RecoveryLimits = { errorRetryMaxMinutes: number; exhaustedProbeHours: number; invalidRecheckDays: number };

/** What the history says of a key's current status: when it came into it (undefined: no event kept). */
export type Entered = number | undefined;

/** What the recovery remembers of a key (in memory: a restart starts from the history). */
export type Memo = { errorDueAt?: number; probedAt?: number };

/** What to do about one key, and when: re-check, probe, stop trying (noted once), or nothing at all. */
export type Step = { kind: 'recheck' | 'probe'; at: number } | { kind: 'give-up'; at: number; since: number } | null;

/**
 * The wait before the nth retry of an `error` key (n from 0): 1, 2, 4, 8 … minutes, never more than
 * ERROR_RETRY_MAX_MINUTES. A retry that finds the key still in trouble waits the next one.
 */
export function errorBackoffMs(tries: number, maxMinutes: number): number {
  return Math.min(2 ** Math.min(tries, 30), maxMinutes) * MINUTE_MS;
}

/**
 * The next step for an enabled key in `error`, `exhausted` or `invalid`. Times start from when the
 * key came into its status (its event), or from its last check, whichever is later: a key the proxy
 * just found exhausted is not probed at once because its last check was long ago.
 */
export function nextStep(row: KeyRow, entered: Entered, memo: Memo, limits: RecoveryLimits): Step {
  const since = Math.max(entered ?? row.created_at, row.last_checked_at ?? 0);
  switch (row.status) {
    case 'error':
      return { kind: 'recheck', at: memo.errorDueAt ?? since + errorBackoffMs(0, limits.errorRetryMaxMinutes) };
    case 'exhausted': {
      if (limits.exhaustedProbeHours === 0) return null;
      // From the last probe, not the last check: the scheduled refresh checks exhausted keys every
      // 30 minutes, and would otherwise put the probe off for ever.
      const from = memo.probedAt ?? entered ?? row.created_at;
      return { kind: 'probe', at: from + limits.exhaustedProbeHours * HOUR_MS };
    }
    case 'invalid': {
      if (limits.invalidRecheckDays === 0) return null;
      // Counted from the day it became invalid; the daily re-checks do not move that day.
      const start = entered ?? row.last_checked_at ?? row.created_at;
      const next = Math.max(row.last_checked_at ?? start, start) + DAY_MS;
      const end = start + limits.invalidRecheckDays * DAY_MS;
      return next <= end ? { kind: 'recheck', at: next } : { kind: 'give-up', at: 0, since: start };
    }
    default:
      return null;
  }
}
