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

const DEMO_STATES: ReadonlyArray<[label: string, state: Partial<FakeKeyState>]> = [
  ['new-account', { behavior: 'ok', balance: '14.00', chargeBalance: '0.00' }],
  ['half-spent', { behavior: 'ok', balance: '6.37', chargeBalance: '0.00' }],
  ['paid', { behavior: 'ok', balance: '0.88', chargeBalance: '88.00' }],
  ['big-paid', { behavior: 'ok', balance: '0.00', chargeBalance: '250.00' }],
  ['nearly-empty', { behavior: 'ok', balance: '0.12', chargeBalance: '0.00' }],
  ['exhausted-negative', { behavior: 'exhausted', balance: '-0.01', chargeBalance: '0.00', exhaustedStatus: 402 }],
  ['exhausted-403', { behavior: 'exhausted', balance: '0.00', chargeBalance: '0.00', exhaustedStatus: 403 }],
  ['gift-only', { behavior: 'gift-only', balance: '9.50', chargeBalance: '0.00' }],
  ['revoked', { behavior: 'invalid' }],
  ['revoked-legacy', { behavior: 'invalid-string' }],
  ['rate-limited', { behavior: 'rate-limited' }],
  ['overloaded', { behavior: 'overloaded' }],
];

export function demoKeys(): Record<string, Partial<FakeKeyState>> {
  return Object.fromEntries(DEMO_STATES.map(([label, state]) => [demoKey(label), { ...state }]));
}
