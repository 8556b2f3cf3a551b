/**
 * The money controls of the fake, for the demo and browser tests: POST /_fake/top-up,
 * POST /_fake/billing (the overcharge factor) and POST /_fake/prices (a test's price for a model).
 */
import type { ServerResponse } from 'node:http';
import { parseJsonObject, type JsonObject } from './context.js';
import { sendBadControlRequest } from './errors.js';
import { sendJson } from './http-util.js';
import { maskKey } from './keys.js';
import { exactYuan, parseNano } from './money.js';
import { overchargeProblem, parsePriceText, type FakePriceText } from './prices.js';
import type { FakeRuntime } from './runtime.js';
import type { FakeBalances } from './types.js';

/** Answers a money control route and returns true, or returns false for any other route. */
export function handleMoneyControl(rt: FakeRuntime, route: string, res: ServerResponse, body: Buffer): boolean {
  const request = parseJsonObject(body);
  if (route === 'POST /_fake/top-up') topUp(rt, res, request);
  else if (route === 'POST /_fake/billing') setBilling(rt, res, request);
  else if (route === 'POST /_fake/prices') setPrice(rt, res, request);
  else return false;
  return true;
}

/** The tariff's state, for GET /_fake/state. */
export function describeBilling(rt: FakeRuntime): JsonObject {
  return { overcharge: rt.tariff.overcharge, prices: rt.tariff.overrides() };
}

/** A key's money as exact yuan ("13.999834"), for people reading GET /_fake/state. */
export function describeMoney(balances: FakeBalances): JsonObject {
  const amounts = Object.entries(balances) as Array<[keyof FakeBalances, number]>;
  return Object.fromEntries(amounts.map(([name, nano]) => [name, exactYuan(nano)]));
}

/** {key, gift?, paid?}: adds credit, e.g. {"paid": "100"} for a top-up. */
function topUp(rt: FakeRuntime, res: ServerResponse, request: JsonObject | undefined): void {
  const key = request?.key;
  if (typeof key !== 'string' || key === '') return sendBadControlRequest(res, 'body must be JSON {key, gift?, paid?}');
  const added = { gift: amount(request?.gift), paid: amount(request?.paid) };
  if (added.gift === undefined || added.paid === undefined || added.gift < 0 || added.paid < 0) {
    return sendBadControlRequest(res, 'gift and paid must be amounts in yuan such as "100.00", not negative');
  }
  if (!rt.keys.credit(key, { gift: added.gift, paid: added.paid })) return sendBadControlRequest(res, 'unknown key');
  sendJson(res, 200, { key: maskKey(key), ...rt.keys.get(key), money: describeMoney(rt.keys.balances(key)!) });
}

/** {overcharge}: 1 bills the table, 1.1 bills 10 % more. */
function setBilling(rt: FakeRuntime, res: ServerResponse, request: JsonObject | undefined): void {
  const problem = overchargeProblem(request?.overcharge);
  if (problem) return sendBadControlRequest(res, problem);
  rt.tariff.setOvercharge(request!.overcharge as number);
  sendJson(res, 200, describeBilling(rt));
}

/** {model, price}: price in prices.json's format, or null to go back to the shipped price. */
function setPrice(rt: FakeRuntime, res: ServerResponse, request: JsonObject | undefined): void {
  const model = request?.model;
  if (typeof model !== 'string' || model === '' || !request || !('price' in request)) {
    return sendBadControlRequest(res, 'body must be JSON {model, price: {unit, input, output} | {unit, price} | null}');
  }
  const price = request.price;
  if (price !== null) {
    const problem = parsePriceText(price);
    if (typeof problem === 'string') return sendBadControlRequest(res, `price: ${problem}`);
  }
  rt.tariff.setPrice(model, price as FakePriceText | null);
  sendJson(res, 200, describeBilling(rt));
}

/** An amount in yuan given as a string, or absent (0); undefined when malformed. */
function amount(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  return typeof value === 'string' ? parseNano(value) : undefined;
}
