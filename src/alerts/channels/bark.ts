import type { Severity } from '../alert-types.js';
import type { Format } from './channel-types.js';
import { heading, LANGS } from './message-text.js';

/** Bark's interruption levels: a critical alert breaks through focus modes, an info one stays quiet. */
const LEVELS: Record<Severity, string> = { info: 'passive', warning: 'active', critical: 'timeSensitive' };

/**
 * Bark (iOS push): POST JSON `{title, body, group, level, url}` to https://api.day.app/<device key> (or
 * a self-hosted server). The title is the Chinese heading; the body has the Chinese text, then the
 * English heading and text. Tapping the notification opens the admin page.
 */
export const barkFormat: Format = ({ message, url }) => {
  const [zh, en] = LANGS;
  const body = `${message.text[zh!]}\n\n${heading(message, en!)}\n${message.text[en!]}`;
  return {
    url,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ title: heading(message, zh!), body, group: 'siliconflow', level: LEVELS[message.severity], url: message.link }),
  };
};
