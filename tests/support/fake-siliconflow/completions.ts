/** POST /v1/completions: OpenAI text_completion (prompt + optional FIM suffix), JSON or SSE. */
import { chatRequest, type FakeContext, type JsonObject } from './context.js';
import { ERRORS, sendUpstreamError } from './errors.js';
import { randomishId, unixSeconds } from './fake-text.js';
import { sendJson } from './http-util.js';
import { billedTokens, billEachChunk, planReply, streamedUsages, usageAfter } from './reply.js';
import { chunkGapMs, sseData, SSE_HEADERS, streamChunks } from './sse.js';

export async function completions(ctx: FakeContext): Promise<void> {
  const parsed = chatRequest(ctx);
  if (!parsed) return;
  const { request, model } = parsed;
  const prompt = promptText(request.prompt);
  if (prompt === undefined) return sendUpstreamError(ctx.res, ERRORS.invalidParameter);

  const suffix = typeof request.suffix === 'string' ? request.suffix : '';
  const plan = planReply(request, prompt, prompt + suffix, false, ctx.fillMaxTokens);
  const meta = { id: randomishId('cmpl-'), object: 'text_completion', created: unixSeconds(), model };
  const choice = (text: string, finishReason: string | null): JsonObject => ({
    index: 0,
    text,
    logprobs: null,
    finish_reason: finishReason,
  });

  const tab = ctx.openTab(model);
  if (request.stream !== true) {
    const usage = usageAfter(plan, plan.content.length);
    tab.runTo(billedTokens(usage));
    return sendJson(ctx.res, 200, { ...meta, choices: [choice(plan.content.join(''), 'stop')], usage });
  }
  const usages = streamedUsages(plan, plan.content.length);
  const frames = plan.content.map((piece, i) => sseData({ ...meta, choices: [choice(piece, null)], usage: usages[i] }));
  frames.push(sseData({ ...meta, choices: [choice('', 'stop')], usage: usages.at(-1) }));
  frames.push(sseData('[DONE]'));
  await streamChunks(ctx, SSE_HEADERS, frames, chunkGapMs(request, frames.length), billEachChunk(tab, usages));
}

function promptText(prompt: unknown): string | undefined {
  if (typeof prompt === 'string') return prompt;
  if (Array.isArray(prompt) && prompt.every((p) => typeof p === 'string')) return prompt.join('\n');
  return undefined;
}
