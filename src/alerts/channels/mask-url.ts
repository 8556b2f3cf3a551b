import type { ChannelType } from './channel-types.js';

/** A path segment that looks like a token: long, or a mix of letters and digits (a Feishu hook id, a Bark key). */
const TOKEN_SEGMENT = /^(?=.{16,}$)|^(?=.*\d)(?=.*[a-z]).{8,}$/i;

/** What a masked part shows: the first 4 characters of a long token (to tell two apart), nothing of a short one. */
const hide = (part: string) => (part.length >= 16 ? `${part.slice(0, 4)}…` : '…');

/**
 * A channel URL as views show it: scheme://host/ kept, the path's tokens and every query value hidden
 * (WeCom's `key=`, DingTalk's `access_token=`, Feishu's /hook/<token>, Bark's /<device key>/, ntfy's
 * topic). `secrets` are the raw parts hidden, for scrubbing them out of error texts (scrubUrl).
 */
export function maskChannelUrl(type: ChannelType, raw: string): { masked: string; secrets: string[] } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { masked: '…', secrets: [raw] };
  }
  const secrets: string[] = [];
  const segments = url.pathname.split('/');
  const last = segments.length - 1 - (segments.at(-1) === '' ? 1 : 0);
  const path = segments.map((segment, i) => {
    const secret = i > 0 && segment !== '' && (type === 'bark' || (type === 'ntfy' && i === last) || TOKEN_SEGMENT.test(segment));
    if (!secret) return segment;
    secrets.push(segment);
    return hide(segment);
  });
  const query = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0 || eq === pair.length - 1) return pair;
      const value = pair.slice(eq + 1);
      secrets.push(value);
      return `${pair.slice(0, eq)}=${hide(value)}`;
    });
  const masked = `${url.protocol}//${url.host}${path.join('/')}${query.length ? `?${query.join('&')}` : ''}`;
  return { masked, secrets: secrets.sort((a, b) => b.length - a.length) };
}

/** A text (an error, a bot's answer) with the channel's URL masked and its tokens and secret taken out. */
export function scrubText(text: string, type: ChannelType, url: string, secret: string | null): string {
  const { masked, secrets } = maskChannelUrl(type, url);
  let out = text.split(url).join(masked);
  for (const part of [...(secret ? [secret] : []), ...secrets]) {
    if (part.length >= 4) out = out.split(part).join('…');
  }
  return out;
}
