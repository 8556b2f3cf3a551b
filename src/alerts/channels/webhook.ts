import { createHmac } from 'node:crypto';
import type { Format } from './channel-types.js';

/** The generic webhook's body version: a receiver can tell a later shape from this one. */
export const WEBHOOK_VERSION = 1;

/** The signature header's value: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export function webhookSignature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * The generic JSON webhook: `{version: 1, ...AlertMessage}`. The signature covers the time with the
 * raw body, so a receiver can refuse an old message replayed (docs/alert-channels.md shows the check).
 */
export const webhookFormat: Format = ({ message, url, secret, deliveryId, now }) => {
  const body = JSON.stringify({ version: WEBHOOK_VERSION, ...message });
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'x-sfm-event': message.event,
    'x-sfm-delivery': String(deliveryId),
  };
  if (secret !== null) headers['x-sfm-signature'] = webhookSignature(secret, body, Math.floor(now / 1000));
  return { url, headers, body };
};
