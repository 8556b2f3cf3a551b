import { z } from 'zod';
import { flag, int, oneOf, password } from '../kinds.js';
import { runtimeSetting } from '../setting.js';

export const ACCESS_CONTROL_MODES = ['open', 'restricted', 'private'] as const;
export type AccessControl = (typeof ACCESS_CONTROL_MODES)[number];

/** Who sees the user page, and what it shows them. */
export const userPageSettings = [
  runtimeSetting({
    name: 'accessControl',
    env: 'ACCESS_CONTROL',
    kind: oneOf(ACCESS_CONTROL_MODES, { anyCase: true }),
    default: 'open',
    label: { zh: '用户页面访问方式', en: 'Who sees the user page' },
    help: {
      zh: '用户页面访问方式：`open`（公开）、`restricted`（需要 `GUEST_PASSWORD`）、`private`（仅管理员）',
      en: 'User page access: `open`, `restricted` (needs `GUEST_PASSWORD`), `private` (admin only)',
    },
  }),
  runtimeSetting({
    name: 'guestPassword',
    env: 'GUEST_PASSWORD',
    kind: password(z.string().min(4, 'must be at least 4 characters').max(128)),
    default: '',
    secret: true,
    label: { zh: '访问密码', en: 'Access password' },
    help: { zh: '`ACCESS_CONTROL=restricted` 时访客使用的密码', en: 'Password for guests when `ACCESS_CONTROL=restricted`' },
  }),
  runtimeSetting({
    name: 'showAccessKeyToGuests',
    env: 'SHOW_ACCESS_KEY_TO_GUESTS',
    kind: flag(),
    default: 'false',
    label: { zh: '向访客显示访问密钥', en: 'Show the access key to guests' },
    help: {
      zh: '在用户页面向访客显示 `/v1` 访问密钥；关闭时只有已登录的管理员能看到',
      en: 'Show the `/v1` access key to guests on the user page; off, only a signed-in admin sees it',
    },
  }),
  runtimeSetting({
    name: 'shareKeysWithGuests',
    env: 'SHARE_KEYS_WITH_GUESTS',
    kind: flag(),
    default: 'false',
    label: { zh: '向访客共享完整密钥', en: 'Share full keys with guests' },
    help: {
      zh: '向访客共享完整密钥：每个密钥一个复制按钮，外加“复制全部可用密钥”（像原系统的密钥分享页）；关闭时完整密钥绝不会发到访客的浏览器',
      en: 'Share full keys with guests: a copy button per key plus "copy all usable keys" (like the original key-sharing page); off, a full key never reaches a guest\'s browser',
    },
  }),
  runtimeSetting({
    name: 'keyChecker',
    env: 'KEY_CHECKER',
    kind: flag(),
    default: 'true',
    label: { zh: '用户页面的密钥检测（访客检测自己的密钥）', en: 'Key checker on the user page (visitors check their own keys)' },
    help: {
      zh: '用户页面的[密钥检测](#密钥检测用户页面)；关闭后页面上没有检测表单，`POST /api/check-keys` 回答 403 `key-checker-off`',
      en: 'The [key checker](#key-checker-on-the-user-page) on the user page; off, the page has no checker form and `POST /api/check-keys` answers 403 `key-checker-off`',
    },
  }),
  runtimeSetting({
    name: 'pageSize',
    env: 'PAGE_SIZE',
    kind: int(1, 500),
    default: '20',
    label: { zh: '用户页面每页密钥数', en: 'Keys per page on the user page' },
    help: { zh: '用户页面每页显示的密钥数（1–500）', en: 'Keys per page on the user page (1–500)' },
  }),
] as const;

/**
 * A restricted user page needs a guest password. Checked at start (config/env.ts) and on every change
 * the admin makes (settings/settings-service.ts), each with its own words: variables there, settings here.
 */
export function lacksGuestPassword(s: { accessControl: AccessControl; guestPassword: string | null | undefined }): boolean {
  return s.accessControl === 'restricted' && !s.guestPassword;
}
