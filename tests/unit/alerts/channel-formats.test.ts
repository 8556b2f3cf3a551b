import { describe, expect, it } from 'vitest';
import { CHANNEL_FORMATS } from '../../../src/alerts/channels/index.js';
import { rfc2047 } from '../../../src/alerts/channels/ntfy.js';
import { cutToBytes } from '../../../src/alerts/channels/wecom.js';
import { webhookSignature } from '../../../src/alerts/channels/webhook.js';
import { alertMessage } from '../../helpers/alert-message.js';

const input = { message: alertMessage(), url: 'https://example.com/h', secret: null, deliveryId: 7, now: 1_764_547_200_000 };

describe('channel formats', () => {
  it("DingTalk's signature joins the URL's query with & (or starts one), and only with a secret", () => {
    const { format } = CHANNEL_FORMATS.dingtalk;
    const withQuery = 'https://oapi.dingtalk.com/robot/send?access_token=abc';
    expect(format({ ...input, url: withQuery }).url).toBe(withQuery);
    expect(format({ ...input, url: withQuery, secret: 's' }).url).toMatch(/\?access_token=abc&timestamp=1764547200000&sign=[^&]+$/);
    expect(format({ ...input, url: 'https://ding.example/robot', secret: 's' }).url).toMatch(/^https:\/\/ding\.example\/robot\?timestamp=/);
  });

  it('the signed formats sign with the time they are given, not the clock', () => {
    const body = (now: number) => JSON.parse(CHANNEL_FORMATS.feishu.format({ ...input, secret: 's', now }).body) as { timestamp: string };
    expect(body(1_000_000_000_000).timestamp).toBe('1000000000');
    const header = CHANNEL_FORMATS.webhook.format({ ...input, secret: 's', now: 1_000_000_000_000 }).headers['x-sfm-signature'];
    expect(header).toMatch(/^t=1000000000,/);
  });

  it('the webhook signature is HMAC-SHA256 over "<t>.<body>" (a known value)', () => {
    expect(webhookSignature('secret', '{}', 1700000000)).toBe(
      't=1700000000,v1=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163',
    );
  });
});

describe('format helpers', () => {
  it('rfc2047 leaves ASCII as is and encodes anything else as one UTF-8 word', () => {
    expect(rfc2047('Few keys')).toBe('Few keys');
    expect(rfc2047('密钥')).toBe(`=?UTF-8?B?${Buffer.from('密钥').toString('base64')}?=`);
  });

  it('cutToBytes never cuts a character in two and marks the cut', () => {
    expect(cutToBytes('短', 10)).toBe('短');
    const cut = cutToBytes('密'.repeat(10), 10);
    expect(cut).toBe('密密…');
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(10);
  });
});
