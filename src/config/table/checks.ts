import { int, schedule } from '../kinds.js';
import { envSetting, runtimeSetting } from '../setting.js';

/** The balance checks: when they run, how many at once, how they are paced. */
export const checkSettings = [
  runtimeSetting({
    name: 'balanceRefreshCron',
    env: 'BALANCE_REFRESH_CRON',
    kind: schedule(),
    default: '*/30 * * * *',
    label: { zh: '余额刷新计划（cron）', en: 'Balance refresh schedule (cron)' },
    help: { zh: '定时刷新全部密钥状态与余额的时间（cron 语法）', en: "When to refresh every key's status and balance (cron syntax)" },
  }),
  runtimeSetting({
    name: 'checkConcurrency',
    env: 'CHECK_CONCURRENCY',
    kind: int(1, 64),
    default: '8',
    label: { zh: '检测并发数', en: 'Checks at once' },
    help: { zh: '同时检测的密钥数（1–64）', en: 'How many keys are checked at once (1–64)' },
  }),
  runtimeSetting({
    name: 'checkIntervalMs',
    env: 'CHECK_INTERVAL_MS',
    kind: int(0, 60_000),
    default: '100',
    label: { zh: '检测间隔（毫秒）', en: 'Gap between checks (ms)' },
    help: {
      zh: '相邻两次检测开始时间的最小间隔，毫秒（0–60000）',
      en: 'Minimum gap between the starts of two checks, in ms (0–60000)',
    },
  }),
  envSetting({
    name: 'checkTimeoutMs',
    env: 'CHECK_TIMEOUT_MS',
    group: 'main',
    kind: int(1000, 120_000),
    default: '15000',
    help: {
      zh: '单次检测请求的超时，毫秒（1000–120000）；超时的密钥记为 `error`',
      en: 'Give up on one check call after this many ms (1000–120000); the key is then `error`',
    },
  }),
] as const;
