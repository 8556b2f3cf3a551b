/** POST /v1/chat/completions: OpenAI chat.completion, or chat.completion.chunk frames over SSE. */
import type { Tab } from './billing.js';
import { chatRequest, type FakeContext, type JsonObject } from './context.js';
import { contextTooLong, ERRORS, sendUpstreamError } from './errors.js';
import { allMessagesText, lastUserText, randomishId, unixSeconds } from './fake-text.js';
import { sendBody, sendJson } from './http-util.js';
import { isReasoningModel, MAX_SEQ_LEN } from './models.js';
import { contentBytesAsked, paddedAnswer } from './padded-answer.js';
import { billedTokens, billEachChunk, planReply, streamedUsages, totalPieces, usageAfter, type ReplyPlan, type Usage } from './reply.js';
import { chunkGapMs, sseData, SSE_HEADERS, streamChunks } from './sse.js';

interface ChatMeta {
  id: string;
  created: number;
  model: string;
}

export async function chatCompletions(ctx: FakeContext): Promise<void> {
  const parsed = chatRequest(ctx);
  if (!parsed) return;
  const { request, model } = parsed;
  const messages = request.messages;
  if (!Array.isArray(messages) || messages.length === 0) return sendUpstreamError(ctx.res, ERRORS.invalidParameter);

  const plan = planReply(request, lastUserText(messages), allMessagesText(messages), isReasoningModel(model), ctx.fillMaxTokens);
  if (plan.promptTokens >= MAX_SEQ_LEN) return sendUpstreamError(ctx.res, contextTooLong(plan.promptTokens, MAX_SEQ_LEN));
  const meta: ChatMeta = { id: randomishId(''), created: unixSeconds(), model };
  const tab = ctx.openTab(model);
  if (request.stream === true) return streamChat(ctx, request, plan, meta, tab);
  const padTo = contentBytesAsked(request);
  if (padTo !== undefined) return sendPadded(ctx, padTo, model, plan.promptTokens, tab);
  const usage = usageAfter(plan, totalPieces(plan));
  tab.runTo(billedTokens(usage));
  sendJson(ctx.res, 200, chatCompletion(plan, meta, usage));
}

/** The `fake_content_bytes` answer (padded-answer.ts): a kept body, sent as it is. */
function sendPadded(ctx: FakeContext, bytes: number, model: string, promptTokens: number, tab: Tab): void {
  const { body, usage } = paddedAnswer(bytes, model, promptTokens);
  tab.runTo(billedTokens(usage));
  sendBody(ctx.res, 200, 'application/json; charset=utf-8', body);
}

function chatCompletion(plan: ReplyPlan, meta: ChatMeta, usage: Usage): JsonObject {
  const message: JsonObject = { role: 'assistant', content: plan.content.join('') };
  if (plan.reasoning.length > 0) message.reasoning_content = plan.reasoning.join('');
  return {
    ...meta,
    object: 'chat.completion',
    choices: [{ index: 0, message, finish_reason: 'stop' }],
    usage,
    system_fingerprint: '',
  };
}

/** Reasoning deltas first, then content deltas, a final finish_reason chunk, then [DONE]. */
async function streamChat(ctx: FakeContext, request: JsonObject, plan: ReplyPlan, meta: ChatMeta, tab: Tab): Promise<void> {
  const deltas: JsonObject[] = [
    ...plan.reasoning.map((piece) => ({ content: null, reasoning_content: piece })),
    ...plan.content.map((piece) => ({ content: piece, ...(plan.reasoning.length > 0 ? { reasoning_content: null } : {}) })),
  ];
  // Every chunk but [DONE] carries the running usage: the finish chunk repeats the last delta's.
  const usages = streamedUsages(plan, deltas.length);
  const frames = deltas.map((delta, i) => sseData(chunk(meta, i === 0 ? { role: 'assistant', ...delta } : delta, null, usages[i])));
  frames.push(sseData(chunk(meta, {}, 'stop', usages.at(-1))));
  frames.push(sseData('[DONE]'));
  await streamChunks(ctx, SSE_HEADERS, frames, chunkGapMs(request, frames.length), billEachChunk(tab, usages));
}

function chunk(meta: ChatMeta, delta: JsonObject, finishReason: string | null, usage: unknown): JsonObject {
  return {
    ...meta,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
    system_fingerprint: '',
    usage,
  };
}
