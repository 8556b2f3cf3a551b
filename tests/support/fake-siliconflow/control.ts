/**
 * Control endpoints for manual demos and browser tests, outside /v1 so no client mistakes them
 * for the upstream: GET /_fake/state, POST /_fake/keys, POST /_fake/user-info-mode,
 * POST /_fake/account-limits, and the money controls of control-money.ts.
 *
 * Issue 14, making the pool run dry (the demo's alerts): `POST /_fake/drain {count?}` takes all the
 * money of the first `count` keys that still have some (default: every one), so their next paid
 * call answers 30001 as a spent key does (free models are still served, as upstream serves them), and
 * `POST /_fake/revoke {count?}` turns the first `count` keys that are not invalid yet invalid (401).
 * `POST /_fake/refill {count?}` gives the drained keys back what the drains took (the admin topped
 * up at SiliconFlow). Each answers `{keys: [masked keys]}`, the keys it touched, in the order the keys
 * were set.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonObject, type JsonObject } from './context.js';
import { describeBilling, describeMoney, handleMoneyControl } from './control-money.js';
import { sendBadControlRequest, sendNotFound } from './errors.js';
import { sendJson } from './http-util.js';
import { IMAGE_PATH_PREFIX, sendPlaceholderImage } from './images.js';
import { maskKey } from './keys.js';
import { parseNano } from './money.js';
import type { Wallet } from './billing.js';
import type { FakeRuntime } from './runtime.js';
import { FAKE_KEY_BEHAVIORS, USER_INFO_MODES, type FakeBalances, type FakeKeyState, type UserInfoMode } from './types.js';

export const CONTROL_PREFIX = '/_fake/';

export function handleControl(rt: FakeRuntime, req: IncomingMessage, res: ServerResponse, body: Buffer, pathname: string): void {
  const route = `${req.method ?? 'GET'} ${pathname}`;
  if (route === 'GET /_fake/state') return sendJson(res, 200, describeState(rt));
  if (route === 'POST /_fake/keys') return setKeyFromBody(rt, res, body);
  if (route === 'POST /_fake/user-info-mode') return setModeFromBody(rt, res, body);
  if (route === 'POST /_fake/account-limits') return limitAccountFromBody(rt, res, body);
  if (handleMoneyControl(rt, route, res, body)) return;
  if (Object.hasOwn(RUN_DRY, route)) return runDryFromBody(rt, res, body, RUN_DRY[route]!);
  if (req.method === 'GET' && pathname.startsWith(IMAGE_PATH_PREFIX)) return sendPlaceholderImage(res);
  sendNotFound(res);
}

/** Keys are masked: the state page may be shown in a browser or pasted into a bug report. */
export function describeState(rt: FakeRuntime): JsonObject {
  return {
    userInfoMode: rt.userInfoMode,
    requestCount: rt.requests.length,
    accountLimits: rt.accountLimits.describe(),
    billing: describeBilling(rt),
    keys: rt.keys.entries().map(([key, state, balances]) => ({ key: maskKey(key), ...state, money: describeMoney(balances) })),
  };
}

function setKeyFromBody(rt: FakeRuntime, res: ServerResponse, body: Buffer): void {
  const request = parseJsonObject(body);
  const key = request?.key;
  if (!request || typeof key !== 'string' || key === '') return sendBadControlRequest(res, 'body must be JSON {key, ...state}');
  const { key: _key, ...fields } = request;
  const patch = parseKeyState(nullsAsUndefined(fields));
  if (typeof patch === 'string') return sendBadControlRequest(res, patch);
  rt.keys.set(key, patch);
  sendJson(res, 200, { key: maskKey(key), ...rt.keys.get(key) });
}

function setModeFromBody(rt: FakeRuntime, res: ServerResponse, body: Buffer): void {
  const mode = parseJsonObject(body)?.mode;
  if (!USER_INFO_MODES.includes(mode as UserInfoMode)) {
    return sendBadControlRequest(res, `mode must be one of ${USER_INFO_MODES.join(', ')}`);
  }
  rt.userInfoMode = mode as UserInfoMode;
  sendJson(res, 200, { userInfoMode: rt.userInfoMode });
}

/** POST /_fake/account-limits {account, model, detail}: detail null lifts the limit. */
function limitAccountFromBody(rt: FakeRuntime, res: ServerResponse, body: Buffer): void {
  const { account, model, detail } = parseJsonObject(body) ?? {};
  if (typeof account !== 'string' || account === '' || typeof model !== 'string' || !(detail === null || typeof detail === 'string')) {
    return sendBadControlRequest(res, 'body must be JSON {account, model, detail}: detail a string such as "RPM", or null to lift it');
  }
  rt.accountLimits.set(account, model, detail);
  sendJson(res, 200, { accountLimits: rt.accountLimits.describe() });
}

/** JSON has no undefined: `null` clears an optional field such as retryAfterSeconds. */
function nullsAsUndefined(fields: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, value ?? undefined]));
}

/** Validates the fields of a key state; returns an explanation when one is wrong. */
export function parseKeyState(fields: JsonObject): Partial<FakeKeyState> | string {
  const { behavior, balance, chargeBalance, exhaustedStatus, retryAfterSeconds, delayMs, failMidStream } = fields;
  const unknown = Object.keys(fields).filter((name) => !KEY_STATE_FIELDS.includes(name));
  if (unknown.length > 0) return `unknown field(s): ${unknown.join(', ')}`;
  if (behavior !== undefined && !FAKE_KEY_BEHAVIORS.includes(behavior as FakeKeyState['behavior'])) {
    return `behavior must be one of ${FAKE_KEY_BEHAVIORS.join(', ')}`;
  }
  for (const [name, value] of Object.entries({ balance, chargeBalance })) {
    if (value !== undefined && (typeof value !== 'string' || parseNano(value) === undefined)) {
      return `${name} must be an amount in yuan as a string, e.g. "14.00" (at most 9 decimals)`;
    }
  }
  if (exhaustedStatus !== undefined && exhaustedStatus !== 402 && exhaustedStatus !== 403) {
    return 'exhaustedStatus must be 402 or 403';
  }
  for (const [name, value] of Object.entries({ retryAfterSeconds, delayMs })) {
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0))) return `${name} must be a number >= 0`;
  }
  if (failMidStream !== undefined && typeof failMidStream !== 'boolean') return 'failMidStream must be a boolean';
  return fields;
}

const KEY_STATE_FIELDS = ['behavior', 'balance', 'chargeBalance', 'exhaustedStatus', 'retryAfterSeconds', 'delayMs', 'failMidStream'];

// Issue 14, the demo's alerts: drain, revoke and refill (see the header). Keys are picked in the
// order they were set, so "count: 2" twice touches four different keys.
/** What each drain took from each key, per running fake: a refill gives it back. */
const drained = new WeakMap<FakeRuntime, Map<string, Wallet>>();

type RunDry = {
  /** Whether the key is one this control touches. */
  picks(key: string, state: FakeKeyState, money: FakeBalances, taken: Map<string, Wallet>): boolean;
  act(rt: FakeRuntime, key: string, money: FakeBalances, taken: Map<string, Wallet>): void;
};

const RUN_DRY: Record<string, RunDry> = {
  // Keys with money to take; a revoked or exhausted one has none to spend.
  'POST /_fake/drain': {
    picks: (_key, state, money) => (state.behavior === 'ok' || state.behavior === 'gift-only') && money.total > 0,
    act(rt, key, money, taken) {
      const before = taken.get(key) ?? { gift: 0, paid: 0 };
      taken.set(key, { gift: before.gift + Math.max(money.gift, 0), paid: before.paid + Math.max(money.paid, 0) });
      rt.keys.set(key, { balance: '0', chargeBalance: '0' });
    },
  },
  'POST /_fake/revoke': {
    picks: (_key, state) => state.behavior !== 'invalid' && state.behavior !== 'invalid-string',
    act: (rt, key) => rt.keys.set(key, { behavior: 'invalid' }),
  },
  'POST /_fake/refill': {
    picks: (key, _state, _money, taken) => taken.has(key),
    act(rt, key, _money, taken) {
      rt.keys.credit(key, taken.get(key)!);
      taken.delete(key);
    },
  },
};

function runDryFromBody(rt: FakeRuntime, res: ServerResponse, body: Buffer, control: RunDry): void {
  const request = body.length === 0 ? {} : parseJsonObject(body);
  const count = request?.count;
  if (!request || (count !== undefined && !(Number.isInteger(count) && (count as number) > 0))) {
    return sendBadControlRequest(res, 'body must be empty or JSON {count?}: count a whole number above 0 (default: every key)');
  }
  const taken = drained.get(rt) ?? new Map<string, Wallet>();
  drained.set(rt, taken);
  const picked = rt.keys
    .entries()
    .filter(([key, state, money]) => control.picks(key, state, money, taken))
    .slice(0, (count as number | undefined) ?? Infinity);
  for (const [key, , money] of picked) control.act(rt, key, money, taken);
  sendJson(res, 200, { keys: picked.map(([key]) => maskKey(key)) });
}
