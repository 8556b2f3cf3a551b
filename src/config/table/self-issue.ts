import { MAX_RPM } from '../../clients/client-types.js';
import { flag, int, models, yuanAmount } from '../kinds.js';
import { runtimeSetting } from '../setting.js';

/**
 * Self-issue for guests (issue 12): with guestSelfService on, a signed-in guest (restricted) or any
 * visitor (open; never private) makes one client key for themselves from this preset, so nobody
 * needs the raw pool keys. Off by default: it hands out the pool's capacity to strangers.
 */
export const selfIssueSettings = [
  runtimeSetting({
    name: 'guestSelfService',
    env: 'GUEST_SELF_SERVICE',
    kind: flag(),
    default: 'false',
    label: { zh: '访客自助领取客户端密钥', en: 'Guests issue their own client key' },
    help: {
      zh: '访客自助领取客户端密钥：`ACCESS_CONTROL=restricted` 时已登录的访客、`open` 时任何访问者可以在用户页面为自己领取一个客户端密钥（按下面的预设）；`private` 时从不开放。关闭时 `POST /api/client-key/self-issue` 回答 403 `self-issue-off`',
      en: 'Guests issue their own client key: a signed-in guest (`ACCESS_CONTROL=restricted`) or any visitor (`open`) can make one client key for themselves on the user page, from the preset below; never under `private`. Off, `POST /api/client-key/self-issue` answers 403 `self-issue-off`',
    },
  }),
  runtimeSetting({
    name: 'selfIssueFreeOnly',
    env: 'SELF_ISSUE_FREE_ONLY',
    kind: flag(),
    default: 'true',
    label: { zh: '自助密钥：只用免费模型', en: 'Self-issued keys: free models only' },
    help: {
      zh: '自助领取的密钥只能用 `FREE_MODELS` 中的免费模型',
      en: 'Self-issued keys may use only the free models of `FREE_MODELS`',
    },
  }),
  runtimeSetting({
    name: 'selfIssueModels',
    env: 'SELF_ISSUE_MODELS',
    kind: models([]),
    default: '',
    label: { zh: '自助密钥：允许的模型（每行一个，可用 前缀/*）', en: 'Self-issued keys: allowed models (one per line, prefix/* allowed)' },
    help: {
      zh: '自助领取的密钥允许的模型（确切的名字或 `前缀/*`，逗号或空白分隔）；留空为不另加限制（与“只用免费模型”同时生效）',
      en: 'Models self-issued keys may use (exact names or `prefix/*`, comma- or space-separated); empty adds no limit (applies together with free models only)',
    },
  }),
  runtimeSetting({
    name: 'selfIssueDailyBudget',
    env: 'SELF_ISSUE_DAILY_BUDGET',
    kind: yuanAmount(),
    default: '1',
    label: { zh: '自助密钥：每日预算（元）', en: 'Self-issued keys: daily budget (yuan)' },
    help: {
      zh: '自助领取的密钥每天（北京时间）最多花多少元（小数）',
      en: 'What a self-issued key may spend per China day (yuan, a decimal)',
    },
  }),
  runtimeSetting({
    name: 'selfIssueDays',
    env: 'SELF_ISSUE_DAYS',
    kind: int(1, 3650),
    default: '30',
    label: { zh: '自助密钥：有效天数', en: 'Self-issued keys: days valid' },
    help: { zh: '自助领取的密钥领取后多少天过期（1–3650）', en: 'Days after which a self-issued key expires (1–3650)' },
  }),
  runtimeSetting({
    name: 'selfIssueRpm',
    env: 'SELF_ISSUE_RPM',
    kind: int(1, MAX_RPM),
    default: '20',
    label: { zh: '自助密钥：每分钟请求数', en: 'Self-issued keys: requests per minute' },
    help: {
      zh: `自助领取的密钥每分钟最多几个请求（1–${MAX_RPM}）`,
      en: `Requests per minute a self-issued key may make (1–${MAX_RPM})`,
    },
  }),
  runtimeSetting({
    name: 'selfIssueMaxKeys',
    env: 'SELF_ISSUE_MAX_KEYS',
    kind: int(1, 100_000),
    default: '100',
    label: { zh: '自助密钥：总数上限', en: 'Self-issued keys: most at once' },
    help: {
      zh: '同时有效（未删除、未过期）的自助密钥最多几个（1–100000）；达到后 `POST /api/client-key/self-issue` 回答 403 `self-issue-full`。每个 IP 每 24 小时只能领取一个（429 `self-issue-ip-limit`）',
      en: 'Most self-issued keys live at once (not deleted, not expired) (1–100000); beyond it `POST /api/client-key/self-issue` answers 403 `self-issue-full`. One per IP per 24 hours (429 `self-issue-ip-limit`)',
    },
  }),
] as const;
