import type { BackoffReason } from '../../proxy/backoff.js';
import { bi, utcTime, type Detector } from './detector.js';

/** model-cooling: every account serving now cools (SiliconFlow's 429) for a model; subject = the model. */
export const modelCooling: Detector = ({ coolingAll }, rule) =>
  coolingAll.map((m) => ({
    subject: m.model,
    severity: rule.severity,
    title: bi(`${m.model}：所有账户都在限流冷却`, `${m.model}: every account is cooling`),
    text: bi(
      `提供服务的 ${m.accounts} 个账户都因 429 对 ${m.model} 冷却中，最早 ${utcTime(m.until)} 恢复；在此之前该模型的请求收到 429。`,
      `All ${m.accounts} serving accounts are cooling (429) for ${m.model}; the first is back at ${utcTime(m.until)}. Until then its requests get 429.`,
    ),
    data: { model: m.model, accounts: m.accounts, until: new Date(m.until).toISOString() },
  }));

/** ip-blocked and pool-backoff: the pool-wide back-off for that reason is on. */
function backoffOn(reason: BackoffReason, title: { zh: string; en: string }, why: { zh: string; en: string }): Detector {
  return ({ at, backoff }, rule) => {
    const left = backoff[reason];
    if (left <= 0) return [];
    const seconds = Math.ceil(left / 1000);
    return [
      {
        subject: '',
        severity: rule.severity,
        title: bi(title.zh, title.en),
        text: bi(
          `${why.zh}整个池暂停 ${seconds} 秒（至 ${utcTime(at + left)}），期间所有请求收到 429。`,
          `${why.en} The whole pool backs off for ${seconds} s (until ${utcTime(at + left)}): every request gets 429 meanwhile.`,
        ),
        data: { reason, secondsLeft: seconds, until: new Date(at + left).toISOString() },
      },
    ];
  };
}

export const ipBlocked = backoffOn(
  'ip-blocked',
  { zh: 'SiliconFlow 封禁了本服务器的 IP', en: "SiliconFlow blocked this server's IP" },
  { zh: 'SiliconFlow 回答 50603（系统繁忙，按 IP 限制）。', en: 'SiliconFlow answered 50603 (system busy, per IP).' },
);

export const poolBackoff = backoffOn(
  'rate-limited',
  { zh: '多数账户同时被限流，全池退避', en: 'Most accounts rate-limited at once: the pool backs off' },
  { zh: '超过一半的账户在 10 秒内对同一模型收到 429。', en: 'Over half of the accounts got 429 for one model within 10 s.' },
);
