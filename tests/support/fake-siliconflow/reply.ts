/** The deterministic "generation" behind chat, completions and messages: pieces plus token counts. */
import type { FakeUsage, Tab } from './billing.js';
import type { JsonObject } from './context.js';
import { estimateTokens, splitPieces } from './fake-text.js';

/** The longest answer fillMaxTokens writes: SiliconFlow's largest max_tokens for most chat models. */
const MAX_FILL = 16_384;

export interface ReplyPlan {
  /** Reasoning pieces (reasoning models only), streamed before the content. */
  reasoning: string[];
  content: string[];
  promptTokens: number;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  completion_tokens_details?: { reasoning_tokens: number };
}

/**
 * Plans an answer that echoes `echoOf`. One piece is one completion token, so streamed running
 * usage ends exactly where the non-stream usage is. `fake_chunks` (a test hook, not an upstream
 * field) sets the number of content pieces; with `fillMaxTokens` the request's max_tokens does
 * (capped at MAX_FILL), the echo padded to that length. `fake_content_bytes` (another test hook,
 * non-stream chat only) answers with a body of about that many bytes instead (padded-answer.ts).
 */
export function planReply(request: JsonObject, echoOf: string, promptText: string, reasoning: boolean, fillMaxTokens = false): ReplyPlan {
  const fill = fillMaxTokens && typeof request.max_tokens === 'number' ? Math.min(MAX_FILL, Math.floor(request.max_tokens)) : undefined;
  const fakeChunks = typeof request.fake_chunks === 'number' ? Math.floor(request.fake_chunks) : fill;
  return {
    reasoning: reasoning ? ['Let me think. ', `The user wrote ${echoOf.length} characters. `, 'I will echo them.'] : [],
    content: splitPieces(`Echo: ${echoOf}`, fakeChunks),
    promptTokens: estimateTokens(promptText),
  };
}

/** Usage after `produced` pieces of the plan have been generated (running totals). */
export function usageAfter(plan: ReplyPlan, produced: number): Usage {
  const usage: Usage = {
    prompt_tokens: plan.promptTokens,
    completion_tokens: produced,
    total_tokens: plan.promptTokens + produced,
  };
  if (plan.reasoning.length > 0) {
    usage.completion_tokens_details = { reasoning_tokens: Math.min(produced, plan.reasoning.length) };
  }
  return usage;
}

export function totalPieces(plan: ReplyPlan): number {
  return plan.reasoning.length + plan.content.length;
}

/** What an OpenAI-style usage bills: prompt tokens as input, completion tokens (reasoning included) as output. */
export function billedTokens(usage: Usage): FakeUsage {
  return { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
}

/**
 * The usage each chunk of a stream of `pieces` delta chunks reports, running totals, and the
 * finish chunk after them repeating the last (SiliconFlow sends usage on every chunk).
 */
export function streamedUsages(plan: ReplyPlan, pieces: number): Usage[] {
  return [...Array.from({ length: pieces }, (_, i) => usageAfter(plan, i + 1)), usageAfter(plan, pieces)];
}

/** streamChunks' bill hook for chunks that report `usages[i]`; chunks past the list ([DONE]) report none. */
export function billEachChunk(tab: Tab, usages: readonly Usage[]): (index: number) => void {
  return (index) => {
    const usage = usages[index];
    if (usage) tab.runTo(billedTokens(usage));
  };
}
