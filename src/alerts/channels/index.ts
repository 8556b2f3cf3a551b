import { barkFormat } from './bark.js';
import type { AnswerCheck, ChannelType, Format } from './channel-types.js';
import { dingtalkAnswer, dingtalkFormat } from './dingtalk.js';
import { feishuAnswer, feishuFormat } from './feishu.js';
import { ntfyFormat } from './ntfy.js';
import { webhookFormat } from './webhook.js';
import { wecomAnswer, wecomFormat } from './wecom.js';

/** Each channel type: how a message becomes a request, and how to read a 2xx answer (the bots answer errors with 200). */
export const CHANNEL_FORMATS: Record<ChannelType, { format: Format; answer: AnswerCheck }> = {
  webhook: { format: webhookFormat, answer: () => undefined },
  wecom: { format: wecomFormat, answer: wecomAnswer },
  dingtalk: { format: dingtalkFormat, answer: dingtalkAnswer },
  feishu: { format: feishuFormat, answer: feishuAnswer },
  bark: { format: barkFormat, answer: () => undefined },
  ntfy: { format: ntfyFormat, answer: () => undefined },
};
