import type { AlertRule } from '../alert-rules.js';
import type { AlertEvent, AlertMessage, Bilingual, Severity } from '../alert-types.js';
import type { PoolSnapshot } from '../snapshot.js';

/** The admin page's tab where the admin acts on each event: its messages link to it. */
export const EVENT_TAB: Record<AlertEvent, 'keys' | 'spend' | 'clients' | 'settings'> = {
  'keys-low': 'keys',
  'runway-low': 'spend',
  'keys-invalid': 'keys',
  'keys-exhausted': 'keys',
  'model-cooling': 'keys',
  'ip-blocked': 'keys',
  'pool-backoff': 'keys',
  'check-failed': 'keys',
  'client-budget': 'clients',
  'default-password': 'settings',
};

/** A condition that holds now, about one subject of one event (the engine turns it into an incident). */
export type Condition = {
  subject: string;
  severity: Severity;
  title: Bilingual;
  text: Bilingual;
  data: AlertMessage['data'];
};

/** What holds now, from what the pool knows: pure, so each is tested on a snapshot made by hand. */
export type Detector = (snapshot: PoolSnapshot, rule: Readonly<AlertRule>) => Condition[];

export const bi = (zh: string, en: string): Bilingual => ({ zh, en });

/** "12 min", "3.5 h": how long, for a text. */
export function duration(ms: number): Bilingual {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 120) return bi(`${minutes} 分钟`, `${minutes} min`);
  const hours = Math.round(minutes / 6) / 10;
  return bi(`${hours} 小时`, `${hours} h`);
}

/** A time as UTC "2026-06-01 08:30 UTC", the same in both languages. */
export const utcTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
