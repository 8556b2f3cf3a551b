import type { AlertMessage, Severity } from '../alert-types.js';
import type { Format } from './channel-types.js';
import { heading } from './message-text.js';

/** ntfy's priorities 1–5: info is the default (3), critical is urgent (5). */
const PRIORITIES: Record<Severity, string> = { info: '3', warning: '4', critical: '5' };
/** Tags ntfy shows as emoji before the title. */
const STATE_TAGS: Record<AlertMessage['state'], string> = { firing: 'rotating_light', resolved: 'white_check_mark', test: 'test_tube' };

/**
 * HTTP headers carry Latin-1 at most, and the title is Chinese: ntfy (2.4 and later) decodes an
 * RFC 2047 encoded word in its headers, so a non-ASCII title goes as `=?UTF-8?B?…?=`. ASCII goes as is.
 */
export function rfc2047(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/**
 * ntfy: POST the text (text/plain) to the topic URL (https://ntfy.sh/<topic>), with `Title` (the
 * Chinese heading), `Priority` by severity, `Tags` and `Click` (the admin page). The body has the
 * Chinese text, then the English heading and text. Header publishing keeps the stored URL as the one
 * place a message goes (JSON publishing would post to the server's root instead).
 */
export const ntfyFormat: Format = ({ message, url }) => ({
  url,
  headers: {
    'content-type': 'text/plain; charset=utf-8',
    title: rfc2047(heading(message, 'zh')),
    priority: PRIORITIES[message.severity],
    tags: `${STATE_TAGS[message.state]},${message.event}`,
    click: message.link,
  },
  body: `${message.text.zh}\n\n${heading(message, 'en')}\n${message.text.en}`,
});
