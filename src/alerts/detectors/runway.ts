import type { RunwayParams } from '../alert-rules.js';
import { bi, utcTime, type Condition, type Detector } from './detector.js';

const CREDIT = { gift: bi('赠送余额', 'gift credit'), paid: bi('充值余额', 'paid credit') } as const;

/**
 * runway-low: the gift or the paid credit lasts less than `hours` at the last 24 hours' rate (the
 * ledger's estimate; an unknown runway never fires). Below a quarter of `hours` it is critical.
 */
export const runwayLow: Detector = ({ runway }, rule) => {
  if (!runway) return [];
  const { hours: threshold } = rule.params as RunwayParams;
  const out: Condition[] = [];
  for (const credit of ['gift', 'paid'] as const) {
    const r = runway[credit];
    if (r.kind !== 'estimated' || r.hours >= threshold) continue;
    const c = CREDIT[credit];
    out.push({
      subject: credit,
      severity: r.hours < threshold / 4 ? 'critical' : rule.severity,
      title: bi(`${c.zh}约 ${r.hours} 小时后用完`, `The ${c.en} runs out in about ${r.hours} h`),
      text: bi(
        `按最近 24 小时每小时 ¥${r.perHour} 的消耗，${c.zh}约可用 ${r.hours} 小时（阈值 ${threshold} 小时），预计 ${utcTime(Date.parse(r.at))} 用完。`,
        `At the last 24 hours' ¥${r.perHour} an hour, the ${c.en} lasts about ${r.hours} h (threshold ${threshold} h): until about ${utcTime(Date.parse(r.at))}.`,
      ),
      data: { credit, hours: r.hours, thresholdHours: threshold, perHour: r.perHour, runsOutAt: r.at },
    });
  }
  return out;
};
