/**
 * Days and hours in a fixed offset from UTC, in minutes east (China: +480). SiliconFlow's daily
 * limits restart at the China midnight (docs/siliconflow.md), so the spend's days start there unless
 * the reader asks for another offset (the admin page sends the browser's: -getTimezoneOffset()).
 */
export const CHINA_OFFSET_MINUTES = 480;

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

const offsetMs = (offsetMinutes: number) => offsetMinutes * 60 * 1000;

/** The start (ms since epoch) of the local day or hour holding `ms`. */
export function bucketStart(ms: number, sizeMs: number, offsetMinutes: number): number {
  const local = ms + offsetMs(offsetMinutes);
  return local - (((local % sizeMs) + sizeMs) % sizeMs) - offsetMs(offsetMinutes);
}

/** "2026-03-01": the local date of `ms`. */
export function localDate(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMs(offsetMinutes)).toISOString().slice(0, 10);
}

/** "2026-03-01 08:00": the local date and hour of `ms`. */
export function localHour(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMs(offsetMinutes)).toISOString().slice(0, 16).replace('T', ' ');
}

/** The local midnight starting the date "2026-03-01"; undefined for a date that does not exist. */
export function dateStart(date: string, offsetMinutes: number): number | undefined {
  const utc = Date.parse(`${date}T00:00:00Z`);
  // Date.parse rolls 2026-02-30 over into March: a date that does not read back is not one.
  if (Number.isNaN(utc) || new Date(utc).toISOString().slice(0, 10) !== date) return undefined;
  return utc - offsetMs(offsetMinutes);
}
