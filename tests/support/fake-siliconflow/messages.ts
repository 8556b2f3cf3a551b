/** POST /v1/messages: the Anthropic-format endpoint, as a message or as Anthropic SSE events. */
import type { Tab } from './billing.js';
import { chatRequest, type FakeContext, type JsonObject } from './context.js';
import { ERRORS, sendUpstreamError } from './errors.js';
import { allMessagesText, contentText, lastUserText, randomishId } from './fake-text.js';
import { sendJson } from './http-util.js';
import { planReply, type ReplyPlan } from './reply.js';
import { chunkGapMs, SSE_HEADERS, sseEvent, streamChunks } from './sse.js';

export async function anthropicMessages(ctx: FakeContext): Promise<void> {
  const parsed = chatRequest(ctx);
  if (!parsed) return;
  const { request, model } = parsed;
  const messages = request.messages;
  if (!Array.isArray(messages) || messages.length === 0) return sendUpstreamError(ctx.res, ERRORS.invalidParameter);

  const prompt = `${contentText(request.system)}\n${allMessagesText(messages)}`;
  const plan = planReply(request, lastUserText(messages), prompt, false, ctx.fillMaxTokens);
  const message = {
    id: randomishId('msg_'),
    type: 'message',
    role: 'assistant',
    model,
    stop_sequence: null,
  };
  const tab = ctx.openTab(model);
  if (request.stream === true) return streamMessage(ctx, request, plan, message, tab);
  tab.runTo({ inputTokens: plan.promptTokens, outputTokens: plan.content.length });
  sendJson(ctx.res, 200, {
    ...message,
    content: [{ type: 'text', text: plan.content.join('') }],
    stop_reason: 'end_turn',
    usage: { input_tokens: plan.promptTokens, output_tokens: plan.content.length },
  });
}

/**
 * The event sequence of Anthropic's streaming Messages API, with one text block. Usage comes
 * twice: input tokens on message_start, the output tokens on message_delta; each is billed as it goes out.
 */
async function streamMessage(ctx: FakeContext, request: JsonObject, plan: ReplyPlan, message: JsonObject, tab: Tab): Promise<void> {
  const start = { ...message, content: [], stop_reason: null, usage: { input_tokens: plan.promptTokens, output_tokens: 0 } };
  const frames = [
    sseEvent('message_start', { message: start }),
    sseEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ...plan.content.map((text) => sseEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })),
    sseEvent('content_block_stop', { index: 0 }),
    sseEvent('message_delta', {
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: plan.content.length },
    }),
    sseEvent('message_stop', {}),
  ];
  const deltaIndex = frames.length - 2;
  const bill = (index: number): void => {
    if (index === 0) tab.runTo({ inputTokens: plan.promptTokens, outputTokens: 0 });
    if (index === deltaIndex) tab.runTo({ inputTokens: plan.promptTokens, outputTokens: plan.content.length });
  };
  await streamChunks(ctx, SSE_HEADERS, frames, chunkGapMs(request, frames.length), bill);
}
