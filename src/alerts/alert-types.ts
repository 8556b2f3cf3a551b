/**
 * Issue 14, alerts: the contract between what notices a condition (the alert engine: rules,
 * incidents, de-duplication) and what delivers it (channels and their queue). The engine hands each
 * message it decides to send to an AlertSink; the sink owns everything after that. Both sides
 * import only this module from each other.
 */

/** Every event the engine can raise, each with a rule of its own (docs/alerts.md). */
export const ALERT_EVENTS = [
  'keys-low', // usable keys fell below a count or a share of the enabled keys
  'runway-low', // the pool's gift or paid runway (the ledger's estimate) fell below N hours
  'keys-invalid', // keys turned invalid (batched over a window)
  'keys-exhausted', // keys turned exhausted (batched over a window)
  'model-cooling', // every account that could serve a model is cooling for it
  'ip-blocked', // SiliconFlow blocked this server's IP (50603): the pool-wide back-off is on
  'pool-backoff', // most accounts got 429 for one model at once: the pool-wide back-off is on
  'check-failed', // a balance-check run failed for most of the keys it checked
  'client-budget', // a client key reached one of its budgets
  'default-password', // the admin still signs in with the default password
] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/** Ordered: a channel's minimum severity lets through its own and every later one. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A text in both of the product's languages. */
export type Bilingual = { zh: string; en: string };

/**
 * One message about one incident: it started (`firing`), it stayed clear long enough (`resolved`),
 * or the admin pressed "send a test" (`test`, which no incident stands behind).
 */
export type AlertMessage = {
  /** The incident's id (the same on its firing and its resolved message); `test-<n>` for a test. */
  incidentId: string;
  event: AlertEvent;
  state: 'firing' | 'resolved' | 'test';
  severity: Severity;
  /** What within the event it is about: '' for the pool, a model, a client key's id, 'gift' or 'paid'. */
  subject: string;
  /** One line, for a title or a push notification's heading. */
  title: Bilingual;
  /** A few lines with the numbers; plain text (a format may turn it into its own markup). */
  text: Bilingual;
  /** The numbers behind it, as they were when the message was made (money as decimal yuan strings). */
  data: Record<string, string | number | boolean | null>;
  /** An absolute link to the admin page where the admin acts on it. */
  link: string;
  /** ISO times: when the incident started, when this message was made, when it resolved. */
  startedAt: string;
  at: string;
  resolvedAt: string | null;
};

/** Takes a message and returns at once: delivery happens later, off the caller's path, and never throws. */
export interface AlertSink {
  send(message: AlertMessage): void;
}

export const isSeverity = (s: unknown): s is Severity => SEVERITIES.includes(s as Severity);
export const isAlertEvent = (s: unknown): s is AlertEvent => ALERT_EVENTS.includes(s as AlertEvent);
/** Whether a channel whose minimum is `min` takes a message of `severity`. */
export const atLeast = (severity: Severity, min: Severity) => SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(min);
