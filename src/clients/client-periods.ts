import { CHINA_OFFSET_MINUTES, DAY_MS } from '../stats/local-time.js';

/**
 * Budgets reset at the China midnight and on the 1st of the China month, as SiliconFlow's own daily
 * limits do (docs/siliconflow.md). A day is numbered as days since the epoch in China time; a month
 * as year × 12 + month (0-based), so a period is one integer compared on the hot path.
 */
const OFFSET_MS = CHINA_OFFSET_MINUTES * 60_000;

export const chinaDay = (ms: number): number => Math.floor((ms + OFFSET_MS) / DAY_MS);

export function chinaMonth(ms: number): number {
  const local = new Date(ms + OFFSET_MS);
  return local.getUTCFullYear() * 12 + local.getUTCMonth();
}

/** The China midnight that starts the day after the one holding `ms`. */
export const nextDayStart = (ms: number): number => (chinaDay(ms) + 1) * DAY_MS - OFFSET_MS;

/** The China midnight that starts the 1st of the month after the one holding `ms`. */
export function nextMonthStart(ms: number): number {
  const month = chinaMonth(ms) + 1;
  return Date.UTC(Math.floor(month / 12), month % 12, 1) - OFFSET_MS;
}

/** "2026-03-01" → the China day number, for the lookup's labels; and back. */
export const dayLabel = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
export const monthLabel = (month: number): string => `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
