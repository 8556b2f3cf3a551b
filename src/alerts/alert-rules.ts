import { z } from 'zod';
import { type AlertEvent, type Bilingual, type Severity } from './alert-types.js';

/** One event's rule: whether it fires, how loud, how long it must stay clear to resolve, its parameters. */
export type AlertRule<P = Record<string, number>> = {
  event: AlertEvent;
  enabled: boolean;
  severity: Severity;
  /** Seconds a condition must stay clear before its incident resolves (0–86400). */
  clearAfterSeconds: number;
  params: P;
};

export type KeysLowParams = { minCount: number; minShare: number };
export type RunwayParams = { hours: number };
export type BatchParams = { windowMinutes: number; gatherSeconds: number };
export type CheckFailedParams = { share: number };

/** What each event's parameters may be; `.strict()` so a misspelt one is refused, not ignored. */
const share = z.number().min(0).max(1);
const PARAMS: Record<AlertEvent, z.ZodObject> = {
  'keys-low': z.object({ minCount: z.number().int().min(0).max(1_000_000), minShare: share }).strict(),
  'runway-low': z.object({ hours: z.number().positive().max(8760) }).strict(),
  'keys-invalid': batch(),
  'keys-exhausted': batch(),
  'model-cooling': z.object({}).strict(),
  'ip-blocked': z.object({}).strict(),
  'pool-backoff': z.object({}).strict(),
  'check-failed': z.object({ share: z.number().gt(0).max(1) }).strict(),
  'client-budget': z.object({}).strict(),
  'default-password': z.object({}).strict(),
};

function batch() {
  return z.object({ windowMinutes: z.number().int().min(1).max(1440), gatherSeconds: z.number().int().min(0).max(3600) }).strict();
}

export const paramsSchema = (event: AlertEvent) => PARAMS[event];

export const DEFAULT_CLEAR_AFTER_SECONDS = 60;

/** The rules a fresh database has: every event enabled, with these severities and parameters. */
const DEFAULTS: Record<AlertEvent, { severity: Severity; params: Record<string, number> }> = {
  'keys-low': { severity: 'critical', params: { minCount: 3, minShare: 0.2 } },
  'runway-low': { severity: 'warning', params: { hours: 24 } },
  'keys-invalid': { severity: 'warning', params: { windowMinutes: 10, gatherSeconds: 30 } },
  'keys-exhausted': { severity: 'warning', params: { windowMinutes: 10, gatherSeconds: 30 } },
  'model-cooling': { severity: 'warning', params: {} },
  'ip-blocked': { severity: 'critical', params: {} },
  'pool-backoff': { severity: 'warning', params: {} },
  'check-failed': { severity: 'warning', params: { share: 0.5 } },
  'client-budget': { severity: 'info', params: {} },
  'default-password': { severity: 'critical', params: {} },
};

export function defaultRule(event: AlertEvent): AlertRule {
  const d = DEFAULTS[event];
  return { event, enabled: true, severity: d.severity, clearAfterSeconds: DEFAULT_CLEAR_AFTER_SECONDS, params: { ...d.params } };
}

/** What the admin page shows of each rule: its name and what its parameters mean. */
export const RULE_TEXTS: Record<AlertEvent, { label: Bilingual; help: Bilingual }> = {
  'keys-low': {
    label: { zh: '可用密钥不足', en: 'Few usable keys' },
    help: {
      zh: '可用密钥（已启用且状态为 active 或 error）少于 minCount 个，或占已启用密钥的比例低于 minShare（0 表示不看这一项）',
      en: 'Usable keys (enabled, active or error) fewer than minCount, or below minShare of the enabled keys (0 turns that half off)',
    },
  },
  'runway-low': {
    label: { zh: '余额即将耗尽', en: 'Runway low' },
    help: {
      zh: '按最近 24 小时的消耗速度，赠送或充值余额还能用不到 hours 小时；不足四分之一时为严重',
      en: "The gift or paid credit lasts less than `hours` at the last 24 hours' rate; critical below a quarter of it",
    },
  },
  'keys-invalid': {
    label: { zh: '密钥失效', en: 'Keys turned invalid' },
    help: {
      zh: '密钥变为 invalid：第一个之后等待 gatherSeconds 秒汇总成一条，windowMinutes 分钟内没有新的即结束',
      en: 'Keys turned invalid: gathered for gatherSeconds after the first into one message, over once windowMinutes pass without another',
    },
  },
  'keys-exhausted': {
    label: { zh: '密钥余额耗尽', en: 'Keys turned exhausted' },
    help: {
      zh: '密钥变为 exhausted：第一个之后等待 gatherSeconds 秒汇总成一条，windowMinutes 分钟内没有新的即结束',
      en: 'Keys turned exhausted: gathered for gatherSeconds after the first into one message, over once windowMinutes pass without another',
    },
  },
  'model-cooling': {
    label: { zh: '模型全部限流', en: 'Every account cooling for a model' },
    help: { zh: '所有提供服务的账户都因 429 对某个模型冷却中', en: 'Every serving account is cooling (429) for a model' },
  },
  'ip-blocked': {
    label: { zh: 'IP 被封禁', en: 'IP blocked' },
    help: {
      zh: 'SiliconFlow 以 50603 封禁了本服务器的 IP，整个池暂停',
      en: "SiliconFlow blocked this server's IP (50603): the whole pool backs off",
    },
  },
  'pool-backoff': {
    label: { zh: '全池退避', en: 'Pool-wide back-off' },
    help: { zh: '多数账户同时对同一模型收到 429，整个池暂停', en: 'Most accounts got 429 for one model at once: the whole pool backs off' },
  },
  'check-failed': {
    label: { zh: '余额检测失败', en: 'Balance check failed' },
    help: {
      zh: '一次检测（至少 3 个密钥）中无法检测的比例达到 share（网络错误、5xx）；下一次正常的检测后恢复',
      en: 'A check run (3 keys or more) could not check at least `share` of its keys (network errors, 5xx); clears after the next run that could',
    },
  },
  'client-budget': {
    label: { zh: '客户端密钥达到预算', en: 'Client key reached its budget' },
    help: {
      zh: '某个客户端密钥用完了日、月或总预算，其请求被拒绝',
      en: 'A client key spent its daily, monthly or total budget: its requests are refused',
    },
  },
  'default-password': {
    label: { zh: '默认管理员密码', en: 'Default admin password' },
    help: { zh: '管理员仍使用默认密码登录', en: 'The admin still signs in with the default password' },
  },
};
