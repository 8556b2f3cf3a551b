import { createHmac } from 'node:crypto';
import type { AnswerCheck, Format } from './channel-types.js';
import { botError } from './bot-answer.js';
import { markdownText } from './message-text.js';

/** DingTalk's signature: base64 HMAC-SHA256 keyed with the secret over "<ms>\n<secret>", URL-encoded. */
export function dingtalkSign(secret: string, ms: number): string {
  return encodeURIComponent(createHmac('sha256', secret).update(`${ms}\n${secret}`, 'utf8').digest('base64'));
}

/**
 * 钉钉 custom robot: `{msgtype: "markdown", markdown: {title, text}}` to .../robot/send?access_token=….
 * With a signing secret ("加签"), the time and signature go in the URL; DingTalk refuses a signature
 * older than an hour, so it is made at each attempt. Its markdown needs blank lines between lines.
 */
export const dingtalkFormat: Format = ({ message, url, secret, now }) => ({
  url: secret === null ? url : `${url}${url.includes('?') ? '&' : '?'}timestamp=${now}&sign=${dingtalkSign(secret, now)}`,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ msgtype: 'markdown', markdown: { title: message.title.zh, text: markdownText(message, '\n\n') } }),
});

/** It answers 200 with `{errcode, errmsg}`; errcode 0 is the only success. */
export const dingtalkAnswer: AnswerCheck = (body) => botError(body, 'errcode', 'errmsg');
