import { createHmac } from 'node:crypto';
import type { AnswerCheck, Format } from './channel-types.js';
import { botError } from './bot-answer.js';
import { plainText } from './message-text.js';

/** Feishu's signature: base64 HMAC-SHA256 keyed with "<seconds>\n<secret>" over an empty message. */
export function feishuSign(secret: string, seconds: number): string {
  return createHmac('sha256', `${seconds}\n${secret}`).update('').digest('base64');
}

/**
 * 飞书/Lark custom bot: a text message (`{msg_type: "text", content: {text}}`) to .../bot/v2/hook/<token>.
 * Text rather than a card: it reads the same in every client and needs no template. With a signing
 * secret ("签名校验") the body gains `timestamp` (seconds, a string) and `sign`.
 */
export const feishuFormat: Format = ({ message, url, secret, now }) => {
  const seconds = Math.floor(now / 1000);
  const signed = secret === null ? {} : { timestamp: String(seconds), sign: feishuSign(secret, seconds) };
  return {
    url,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ ...signed, msg_type: 'text', content: { text: plainText(message, { headings: true }) } }),
  };
};

/** It answers 200 with `{code, msg}` (older versions: `StatusCode`); code 0 is the only success. */
export const feishuAnswer: AnswerCheck = (body) => botError(body, 'code', 'msg');
