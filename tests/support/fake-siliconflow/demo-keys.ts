/** Deterministic, realistic demo keys in varied states, for `npm run demo` and the fake's CLI. */
import { createHash } from 'node:crypto';
import type { FakeKeyState } from './types.js';

const SEED = 'siliconflow-api-management/demo-keys/v1';

/** `sk-` + 48 lowercase letters (the shape real keys have), derived from the seed and a label. */
export function demoKey(label: string): string {
  const bytes = createHash('sha512').update(`${SEED}:${label}`).digest();
  const letters = Array.from(bytes.subarray(0, 48), (byte) => String.fromCharCode(97 + (byte % 26)));
  return `sk-${letters.join('')}`;
}

/**
 * How the demo's admin tells the pool what a key holds, as a real admin would (docs/ledger.md):
 * - `import`: the figure written beside the key in the pasted text (`sk-… 14.00`): gift credit, no paid;
 * - `admin`: a balance set on the key (PUT /admin/api/keys/:id/balance);
 * - `top-up`: a balance set, then a top-up of `topUp` paid credit recorded (POST /admin/api/keys/:id/top-up).
 * The figures are the fake's own (the key's state), so the ledger starts from the truth — unless
 * `figure` says otherwise: what a seller's list claimed, out of date.
 */
export type DemoRecord = { via: 'import'; figure?: string } | { via: 'admin' } | { via: 'top-up'; topUp: string };

type DemoKeyPlan = { label: string; state: Partial<FakeKeyState>; recorded?: DemoRecord; note?: string; disabled?: true };

/** Keys without `recorded` have an unknown balance: SiliconFlow's user/info is retired, and no one wrote a figure down. */
const DEMO_KEYS: readonly DemoKeyPlan[] = [
  { label: 'new-account', state: { behavior: 'ok', balance: '14.00', chargeBalance: '0.00' }, recorded: { via: 'import' }, note: 'team A' },
  { label: 'half-spent', state: { behavior: 'ok', balance: '6.37', chargeBalance: '0.00' }, recorded: { via: 'import' } },
  {
    label: 'paid',
    state: { behavior: 'ok', balance: '0.88', chargeBalance: '88.00' },
    recorded: { via: 'admin' },
    note: 'gift and paid credit, set by the admin',
  },
  {
    label: 'big-paid',
    state: { behavior: 'ok', balance: '0.00', chargeBalance: '250.00' },
    recorded: { via: 'top-up', topUp: '50.00' },
    note: 'paid credit only: ¥200, then a ¥50 top-up',
  },
  {
    // The seller's list says 0.05, but the key was used since: the ledger learns the truth from a 30001.
    label: 'nearly-empty',
    state: { behavior: 'ok', balance: '0.02', chargeBalance: '0.00' },
    recorded: { via: 'import', figure: '0.05' },
    note: "nearly dry: the seller's list said ¥0.05",
  },
  { label: 'exhausted-negative', state: { behavior: 'exhausted', balance: '-0.01', chargeBalance: '0.00', exhaustedStatus: 402 } },
  { label: 'exhausted-403', state: { behavior: 'exhausted', balance: '0.00', chargeBalance: '0.00', exhaustedStatus: 403 } },
  { label: 'gift-only', state: { behavior: 'gift-only', balance: '9.50', chargeBalance: '0.00' }, recorded: { via: 'import' } },
  { label: 'revoked', state: { behavior: 'invalid' } },
  { label: 'revoked-legacy', state: { behavior: 'invalid-string' } },
  { label: 'rate-limited', state: { behavior: 'rate-limited' } },
  { label: 'overloaded', state: { behavior: 'overloaded' }, note: 'spare key, switched off by the admin', disabled: true },
];

export function demoKeys(): Record<string, Partial<FakeKeyState>> {
  return Object.fromEntries(DEMO_KEYS.map(({ label, state }) => [demoKey(label), { ...state }]));
}

/** What the demo's admin writes down for a key, in yuan; gift and paid are null when nothing is. */
export type DemoEntry = {
  key: string;
  label: string;
  via: DemoRecord['via'] | null;
  gift: string | null;
  paid: string | null;
  /** Paid credit recorded as a top-up after the balance was set (part of `paid`). */
  topUp: string | null;
  note: string | null;
  enabled: boolean;
};

/** The demo keys in import order, with the balance each is recorded with. */
export function demoEntries(): DemoEntry[] {
  return DEMO_KEYS.map(({ label, state, recorded, note, disabled }) => ({
    key: demoKey(label),
    label,
    via: recorded?.via ?? null,
    gift: recorded ? ((recorded.via === 'import' ? recorded.figure : undefined) ?? state.balance ?? null) : null,
    paid: recorded ? (state.chargeBalance ?? null) : null,
    topUp: recorded?.via === 'top-up' ? recorded.topUp : null,
    note: note ?? null,
    enabled: disabled !== true,
  }));
}
