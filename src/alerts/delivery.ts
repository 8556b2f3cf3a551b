import type { Logger } from '../logger.js';
import { redactSecrets } from '../redact.js';
import { atLeast, type AlertMessage, type AlertSink } from './alert-types.js';
import type { Channel, ChannelStore } from './channel-store.js';
import { CHANNEL_FORMATS } from './channels/index.js';
import { scrubText } from './channels/mask-url.js';
import type { DeliveryHttp } from './delivery-http.js';
import { verdictOf, verdictOfError, type Verdict } from './delivery-outcome.js';
import type { AttemptResult, Delivery, DeliveryStore, DueDelivery } from './delivery-store.js';

/** How the sender paces itself; tests shorten the delays through AlertDeliveryDeps.options. */
export type DeliveryOptions = {
  /** The wait before each retry; one more attempt than delays, then the delivery has failed. */
  retryDelaysMs: readonly number[];
  /** Each attempt's bound, from sending to the answer's last byte read. */
  timeoutMs: number;
  /** Attempts under way at once, across channels. */
  maxInFlight: number;
};

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  retryDelaysMs: [10_000, 60_000, 5 * 60_000, 30 * 60_000],
  timeoutMs: 10_000,
  maxInFlight: 4,
};

const MAX_ERROR_CHARS = 500;

export type AlertDeliveryDeps = {
  channels: Pick<ChannelStore, 'list' | 'get'>;
  deliveries: DeliveryStore;
  http: Pick<DeliveryHttp, 'post' | 'close'>;
  /** Counts a delivered message (sfm_alerts_sent_total). */
  sent: (event: string, channelId: number) => void;
  logger: Logger;
  options?: Partial<DeliveryOptions>;
};

/** Whether a channel takes this message: switched on, the event among its events (null = all), severe enough. */
export const takes = (c: Channel, m: AlertMessage) =>
  c.enabled && (c.events === null || c.events.includes(m.event)) && atLeast(m.severity, c.minSeverity);

/**
 * The AlertSink: `send` writes one pending delivery per channel that takes the message and returns;
 * the sender then works through the queue off the caller's path, a few attempts at a time, each
 * bounded, retried with back-off. The queue is the table, so a restart resumes it (`start`). One
 * unref'd timer waits for the next due delivery, and only while one is pending.
 */
export class AlertDelivery implements AlertSink {
  private readonly options: DeliveryOptions;
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly waiters = new Map<number, (() => void)[]>();
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(private readonly deps: AlertDeliveryDeps) {
    this.options = { ...DEFAULT_DELIVERY_OPTIONS, ...deps.options };
  }

  send(message: AlertMessage): void {
    try {
      const targets = this.deps.channels.list().filter((c) => takes(c, message));
      this.deps.deliveries.add(targets.map((c) => ({ channelId: c.id, channelName: c.name, message })));
      this.pump();
    } catch (err) {
      this.deps.logger.error({ err, event: message.event }, 'an alert could not be queued');
    }
  }

  /** Queues the message for this one channel whatever its filters, and answers once its first attempt is over. */
  async sendNow(channel: Channel, message: AlertMessage): Promise<Delivery> {
    const [id] = this.deps.deliveries.add([{ channelId: channel.id, channelName: channel.name, message }]);
    const done = new Promise<void>((resolve) => this.waiters.set(id!, [...(this.waiters.get(id!) ?? []), resolve]));
    this.pump();
    // Bounded even when the queue is full ahead of it: then the answer says it is still pending.
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((r) => (bound = setTimeout(r, this.options.timeoutMs + 2_000)))]);
    clearTimeout(bound);
    return this.deps.deliveries.get(id!)!;
  }

  /** Resumes the queue: attempts a stop cut short are due again. */
  start(): void {
    this.started = true;
    this.deps.deliveries.reviveClaimed();
    this.pump();
  }

  /** Stops the timer and cuts attempts short (they stay pending, for the next start), then closes the connections. */
  async stop(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.started = false;
    clearTimeout(this.timer);
    this.stopping.abort();
    await Promise.allSettled(this.inFlight.values());
    await this.deps.http.close();
  }

  /** Starts what is due, as far as the in-flight limit allows, then waits for the next one. Never throws (it runs from timers). */
  private pump(): void {
    if (!this.started) return;
    try {
      this.startDue();
    } catch (err) {
      this.deps.logger.error({ err }, 'the alert delivery queue could not be read');
    }
  }

  private startDue(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const free = this.options.maxInFlight - this.inFlight.size;
    if (free > 0) for (const due of this.deps.deliveries.claimDue(Date.now(), free)) this.run(due);
    if (this.inFlight.size >= this.options.maxInFlight) return; // the next to finish pumps again
    const next = this.deps.deliveries.nextDue();
    if (next === undefined) return;
    this.timer = setTimeout(() => this.pump(), Math.max(0, next - Date.now()));
    this.timer.unref();
  }

  private run(due: DueDelivery): void {
    const attempt = this.attempt(due)
      .catch((err: unknown) => this.deps.logger.error({ err, deliveryId: due.id }, 'an alert delivery attempt failed unexpectedly'))
      .finally(() => {
        this.inFlight.delete(due.id);
        for (const resolve of this.waiters.get(due.id) ?? []) resolve();
        this.waiters.delete(due.id);
        this.pump();
      });
    this.inFlight.set(due.id, attempt);
  }

  private async attempt(due: DueDelivery): Promise<void> {
    const channel = due.channelId === null ? undefined : this.deps.channels.get(due.channelId);
    if (!channel) {
      this.deps.deliveries.record(due.id, { outcome: 'failed', httpStatus: null, error: 'the channel was deleted' });
      return;
    }
    const { format, answer } = CHANNEL_FORMATS[channel.type];
    const req = format({ message: due.message, url: channel.url, secret: channel.secret, deliveryId: due.id, now: Date.now() });
    let verdict: Verdict;
    try {
      verdict = verdictOf(await this.deps.http.post(req, this.options.timeoutMs, this.stopping.signal), answer);
    } catch (err) {
      if (this.stopping.signal.aborted) return; // left claimed: the next start makes it due again
      verdict = verdictOfError(err, this.options.timeoutMs);
    }
    this.finish(due, channel, verdict);
  }

  private finish(due: DueDelivery, channel: Channel, verdict: Verdict): void {
    const result = this.resultOf(due.attempts + 1, verdict, channel);
    this.deps.deliveries.record(due.id, result);
    const about = { deliveryId: due.id, channelId: channel.id, event: due.message.event, attempt: due.attempts + 1 };
    if (result.outcome === 'sent') {
      this.deps.sent(due.message.event, channel.id);
      this.deps.logger.info(about, 'alert delivered');
    } else {
      this.deps.logger.warn({ ...about, error: result.error, outcome: result.outcome }, 'alert delivery attempt failed');
    }
  }

  /** The verdict against the schedule: a retry past the last delay is a failure; the error never holds the URL's token or the secret. */
  private resultOf(attempts: number, verdict: Verdict, channel: Channel): AttemptResult {
    if (verdict.kind === 'sent') return { outcome: 'sent', httpStatus: verdict.httpStatus, error: null };
    const error = redactSecrets(scrubText(verdict.error, channel.type, channel.url, channel.secret)).slice(0, MAX_ERROR_CHARS);
    const delay = this.options.retryDelaysMs[attempts - 1];
    if (verdict.kind === 'retry' && delay !== undefined) {
      return { outcome: 'retry', httpStatus: verdict.httpStatus, error, retryAt: Date.now() + delay };
    }
    const gaveUp = verdict.kind === 'retry' ? ` (gave up after ${attempts} attempts)` : '';
    return { outcome: 'failed', httpStatus: verdict.httpStatus, error: error + gaveUp };
  }
}
