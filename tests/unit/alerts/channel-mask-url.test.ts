import { describe, expect, it } from 'vitest';
import type { ChannelType } from '../../../src/alerts/channels/channel-types.js';
import { maskChannelUrl, scrubText } from '../../../src/alerts/channels/mask-url.js';

describe('maskChannelUrl keeps scheme://host/ and hides the tokens of each bot URL', () => {
  it.each<[ChannelType, string, string]>([
    [
      'wecom',
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0f3c5a1e-7b2d-4c8e-9a6f-1234567890ab',
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0f3c…',
    ],
    [
      'dingtalk',
      'https://oapi.dingtalk.com/robot/send?access_token=6f1b2c3d4e5f60718293a4b5c6d7e8f9',
      'https://oapi.dingtalk.com/robot/send?access_token=6f1b…',
    ],
    [
      'feishu',
      'https://open.feishu.cn/open-apis/bot/v2/hook/5f1e8a3c-2b4d-4e6f-8a9b-0c1d2e3f4a5b',
      'https://open.feishu.cn/open-apis/bot/v2/hook/5f1e…',
    ],
    ['bark', 'https://api.day.app/AbCdEfGhIjKlMnOpQrStUv/', 'https://api.day.app/AbCd…/'],
    ['bark', 'https://bark.example.com:8443/shortkey', 'https://bark.example.com:8443/…'],
    ['ntfy', 'https://ntfy.sh/my-alerts', 'https://ntfy.sh/…'],
    ['ntfy', 'https://ntfy.example.com/ntfy/pool-alerts-with-a-long-name', 'https://ntfy.example.com/ntfy/pool…'],
    ['webhook', 'https://example.com/hooks/alerts', 'https://example.com/hooks/alerts'],
    ['webhook', 'http://10.0.0.5:8080/hook/a1b2c3d4e5?token=xyz&mode', 'http://10.0.0.5:8080/hook/…?token=…&mode'],
  ])('%s %s → %s', (type, url, masked) => {
    expect(maskChannelUrl(type, url).masked).toBe(masked);
  });

  it('a URL that does not parse shows nothing of itself', () => {
    expect(maskChannelUrl('webhook', 'nonsense')).toEqual({ masked: '…', secrets: ['nonsense'] });
  });
});

describe('scrubText takes the URL, its tokens and the secret out of a text', () => {
  const url = 'https://oapi.dingtalk.com/robot/send?access_token=6f1b2c3d4e5f60718293a4b5c6d7e8f9';
  it('the whole URL becomes its masked form; a token alone and the secret become …', () => {
    const text = `POST ${url} failed; token 6f1b2c3d4e5f60718293a4b5c6d7e8f9, secret SECabcdef`;
    expect(scrubText(text, 'dingtalk', url, 'SECabcdef')).toBe(
      'POST https://oapi.dingtalk.com/robot/send?access_token=6f1b… failed; token …, secret …',
    );
  });
});
