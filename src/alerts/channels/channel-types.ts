import type { AlertMessage } from '../alert-types.js';

/** The formats a channel can speak, each a module beside this one (docs/alert-channels.md). */
export const CHANNEL_TYPES = ['webhook', 'wecom', 'dingtalk', 'feishu', 'bark', 'ntfy'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** The types whose messages can be signed with a secret the admin gives; the others take none. */
export const SIGNING_TYPES: readonly ChannelType[] = ['webhook', 'dingtalk', 'feishu'];

export const isChannelType = (s: unknown): s is ChannelType => CHANNEL_TYPES.includes(s as ChannelType);

/** What a format is given: the message, the channel's URL and secret (decrypted), the delivery's id, the time of the attempt. */
export type FormatInput = {
  message: AlertMessage;
  url: string;
  secret: string | null;
  deliveryId: number;
  now: number;
};

/** One POST: where (the stored URL, plus DingTalk's signature), with which headers and body. */
export type OutboundRequest = { url: string; headers: Record<string, string>; body: string };

export type Format = (input: FormatInput) => OutboundRequest;

/** A bot's verdict on a 2xx answer: some answer 200 with an error in the body. Undefined = delivered. */
export type AnswerCheck = (body: string) => string | undefined;
