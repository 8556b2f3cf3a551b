import { NOTHING_METERED, type Metered } from '../ledger/metered.js';
import type { RequestFacts } from './request-body.js';
import type { Usage, UsageTap } from './usage-tap.js';

/**
 * What an endpoint's answers are billed by (docs/siliconflow.md, "Billing and prices"): the tokens
 * of its usage (chat, completions, messages, embeddings, rerank, and anything unknown that reports
 * one), the images generated, or the UTF-8 bytes of the text sent to speech synthesis.
 */
export type Metering = 'tokens' | 'images' | 'speech';

/** The usual spellings, so a request costs one Map.get; others are normalised first. */
const BY_PATH: ReadonlyMap<string, Metering> = new Map([
  ['/v1/chat/completions', 'tokens'],
  ['/v1/completions', 'tokens'],
  ['/v1/messages', 'tokens'],
  ['/v1/embeddings', 'tokens'],
  ['/v1/rerank', 'tokens'],
  ['/v1/images/generations', 'images'],
  ['/v1/audio/speech', 'speech'],
]);

/** How answers to this path (without its query) are metered. */
export function meteringOf(path: string): Metering {
  return (
    BY_PATH.get(path) ??
    BY_PATH.get(
      path
        .toLowerCase()
        .replace(/\/{2,}/g, '/')
        .replace(/\/+$/, ''),
    ) ??
    'tokens'
  );
}

/**
 * What the answer consumed, from what the tap saw of its body and what the request asked for. An
 * image generation that does not list its images made `batch_size` of them (one by default).
 */
export function meterAnswer(metering: Metering, usage: Usage | null, tap: UsageTap, facts: RequestFacts): Metered {
  switch (metering) {
    case 'tokens':
      if (!usage) return NOTHING_METERED;
      return { inputTokens: usage.promptTokens, outputTokens: usage.completionTokens, images: null, inputBytes: null };
    case 'images':
      return { ...NOTHING_METERED, images: tap.images() ?? facts.batchSize ?? 1 };
    case 'speech':
      return { ...NOTHING_METERED, inputBytes: facts.inputBytes };
  }
}
