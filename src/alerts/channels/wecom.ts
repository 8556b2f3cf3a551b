import type { AnswerCheck, Format } from './channel-types.js';
import { markdownText } from './message-text.js';
import { botError } from './bot-answer.js';

/** WeCom's markdown content is limited to 4,096 bytes: longer messages are cut, not refused. */
const MAX_CONTENT_BYTES = 4096;

/** 企业微信 group robot: `{msgtype: "markdown", markdown: {content}}` to its .../webhook/send?key=… URL. */
export const wecomFormat: Format = ({ message, url }) => ({
  url,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ msgtype: 'markdown', markdown: { content: cutToBytes(markdownText(message, '\n'), MAX_CONTENT_BYTES) } }),
});

/** It answers 200 with `{errcode, errmsg}`; errcode 0 is the only success. */
export const wecomAnswer: AnswerCheck = (body) => botError(body, 'errcode', 'errmsg');

/** The longest prefix of `text` within `max` UTF-8 bytes, never cutting a character in two. */
export function cutToBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    bytes += Buffer.byteLength(ch);
    if (bytes > max - 3) break;
    out += ch;
  }
  return `${out}…`;
}
