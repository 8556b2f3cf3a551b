import { z } from 'zod';
import { int, text } from '../kinds.js';
import { envSetting, runtimeSetting } from '../setting.js';

/**
 * Issue 13, recovery: how keys in `error`, `exhausted` and `invalid` are tried again
 * (src/balance/recovery.ts). A key the admin disabled is never tried.
 */
export const recoverySettings = [
  runtimeSetting({
    name: 'errorRetryMaxMinutes',
    env: 'ERROR_RETRY_MAX_MINUTES',
    kind: int(1, 1440),
    default: '60',
    label: { zh: '故障密钥重试间隔上限（分钟）', en: 'Longest wait between retries of an error key (minutes)' },
    help: {
      zh: '`error` 密钥在 1、2、4、8…… 分钟后重新检测，间隔最长为此值，分钟（1–1440）；一次成功即恢复',
      en: '`error` keys are re-checked after 1, 2, 4, 8 … minutes, never waiting longer than this, in minutes (1–1440); a success revives them',
    },
  }),
  runtimeSetting({
    name: 'exhaustedProbeHours',
    env: 'EXHAUSTED_PROBE_HOURS',
    kind: int(0, 720),
    default: '24',
    label: { zh: '余额耗尽密钥探测间隔（小时）', en: 'Probe of exhausted keys every (hours)' },
    help: {
      zh: '每隔多少小时探测一次 `exhausted` 密钥（user/info，或一次 max_tokens 为 1 的计费调用）（0–720；0 = 关闭）',
      en: 'How often an `exhausted` key is probed (user/info, or one billable call of max_tokens 1), in hours (0–720; 0 = off)',
    },
  }),
  envSetting({
    name: 'exhaustedProbeModel',
    env: 'EXHAUSTED_PROBE_MODEL',
    group: 'main',
    kind: text(z.string().trim().min(1, { message: 'must name a model' })),
    default: 'deepseek-ai/DeepSeek-V3',
    help: {
      zh: '探测 `exhausted` 密钥时调用的计费模型（须为收费模型：免费模型在没钱时也会应答）',
      en: 'The priced model the probe of an `exhausted` key calls (it must not be free: free models answer keys with no money too)',
    },
  }),
  runtimeSetting({
    name: 'invalidRecheckDays',
    env: 'INVALID_RECHECK_DAYS',
    kind: int(0, 365),
    default: '7',
    label: { zh: '无效密钥每日复查天数', en: 'Days an invalid key is re-checked daily' },
    help: {
      zh: '`invalid` 密钥每天复查一次，持续多少天，之后不再理会（0–365；0 = 不复查）',
      en: 'For how many days an `invalid` key is re-checked once a day before it is left alone (0–365; 0 = never)',
    },
  }),
] as const;
