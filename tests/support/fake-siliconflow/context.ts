/** What every route handler of the fake receives. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tab, Wallet } from './billing.js';
import { ERRORS, sendUpstreamError } from './errors.js';
import type { FakeJobs } from './jobs.js';
import { isKnownModel } from './models.js';
import type { FakeTariff } from './prices.js';
import type { FakeKeyState } from './types.js';

export interface FakeContext {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
  query: URLSearchParams;
  key: string | null;
  /** Undefined for unknown keys (which never reach a handler: they are answered as invalid, unless acceptAnyKey). */
  state: FakeKeyState | undefined;
  /** The key's money in n¥ when the request arrived: the gate before the endpoint reads it. */
  wallet: Wallet | undefined;
  tariff: FakeTariff;
  /** Opens this answer's bill; a handler calls it once it knows it answers 200, before the answer goes out. */
  openTab(model: string): Tab;
  /** Answers fill max_tokens (StartFakeSiliconFlowOptions.fillMaxTokens). */
  fillMaxTokens: boolean;
  /** The fake's own base URL, for links it hands out (image URLs). */
  baseUrl: string;
  /** Aborted when the fake closes: every wait must honour it. */
  signal: AbortSignal;
  /** Files, batches and video jobs, each its account's (jobs.ts). */
  jobs: FakeJobs;
}

export interface Route {
  /** Billable calls cost money and are refused when it runs out; models and user/info are not billable. */
  billable: boolean;
  handle(ctx: FakeContext): Promise<void> | void;
}

export type JsonObject = Record<string, unknown>;

/** The body as a JSON object, or undefined when it is not valid JSON or not an object. */
export function parseJsonObject(body: Buffer): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The body of a chat-type request (chat/completions, completions, messages): a JSON object naming a
 * known chat model. Otherwise the upstream's error is sent and undefined returned.
 */
export function chatRequest(ctx: FakeContext): { request: JsonObject; model: string } | undefined {
  const request = parseJsonObject(ctx.body);
  if (!request) return void sendUpstreamError(ctx.res, ERRORS.invalidParameter);
  const model = request.model;
  if (typeof model !== 'string' || !isKnownModel(model, 'chat')) return void sendUpstreamError(ctx.res, ERRORS.modelNotFound);
  return { request, model };
}
