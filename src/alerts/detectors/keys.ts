import type { BatchParams, KeysLowParams } from '../alert-rules.js';
import type { BatchedStatus } from '../key-bursts.js';
import { bi, duration, type Condition, type Detector } from './detector.js';

/**
 * keys-low: usable keys (enabled, active or error — the ones that serve any model) fewer than
 * minCount, or below minShare of the enabled keys. A pool with no keys at all has nothing to warn of.
 */
export const keysLow: Detector = ({ keys }, rule) => {
  const { minCount, minShare } = rule.params as KeysLowParams;
  if (keys.total === 0) return [];
  const share = keys.enabled === 0 ? 0 : keys.usable / keys.enabled;
  const fewer = keys.usable < minCount;
  const lower = minShare > 0 && share < minShare;
  if (!fewer && !lower) return [];
  const percent = Math.round(share * 100);
  return [
    {
      subject: '',
      severity: rule.severity,
      title: bi(`可用密钥仅剩 ${keys.usable} 个`, `Only ${keys.usable} usable keys left`),
      text: bi(
        `可用密钥（已启用，状态 active 或 error）${keys.usable} 个，占已启用的 ${keys.enabled} 个的 ${percent}%（阈值：少于 ${minCount} 个或低于 ${Math.round(minShare * 100)}%）。`,
        `${keys.usable} usable keys (enabled, active or error), ${percent}% of the ${keys.enabled} enabled (threshold: fewer than ${minCount} or below ${Math.round(minShare * 100)}%).`,
      ),
      data: { usable: keys.usable, enabled: keys.enabled, total: keys.total, minCount, minShare },
    },
  ];
};

const STATUS_TEXT: Record<BatchedStatus, { zh: string; en: string }> = {
  invalid: { zh: '失效（invalid）', en: 'invalid' },
  exhausted: { zh: '余额耗尽（exhausted）', en: 'exhausted' },
};

/**
 * keys-invalid / keys-exhausted: a burst of keys moving into the status. It holds once gatherSeconds
 * passed since the first (so a burst is one message), while arrivals keep coming within the window,
 * and while some of its keys are still in the status.
 */
export function keysTurned(status: BatchedStatus): Detector {
  return ({ at, bursts }, rule) => {
    const { windowMinutes, gatherSeconds } = rule.params as BatchParams;
    const burst = bursts[status];
    if (!burst || burst.stillIn === 0) return [];
    if (at - burst.first < Math.min(gatherSeconds * 1000, windowMinutes * 60_000)) return [];
    const span = duration(at - burst.first);
    const s = STATUS_TEXT[status];
    const sample = burst.masked.join(', ');
    const condition: Condition = {
      subject: '',
      severity: rule.severity,
      title: bi(`${burst.count} 个密钥变为${s.zh}`, `${burst.count} keys turned ${s.en}`),
      text: bi(
        `最近 ${span.zh}内有 ${burst.count} 个密钥变为${s.zh}，其中 ${burst.stillIn} 个仍是此状态：${sample}${burst.count > burst.masked.length ? ' …' : ''}`,
        `${burst.count} keys turned ${s.en} in the last ${span.en}, ${burst.stillIn} of them still are: ${sample}${burst.count > burst.masked.length ? ' …' : ''}`,
      ),
      data: {
        count: burst.count,
        stillIn: burst.stillIn,
        keys: sample,
        keyIds: burst.ids.join(','),
        firstAt: new Date(burst.first).toISOString(),
        lastAt: new Date(burst.last).toISOString(),
        windowMinutes,
      },
    };
    return [condition];
  };
}
