import type { AlertEvent, AlertMessage, AlertSink } from '../../src/alerts/alert-types.js';

/** An AlertSink that keeps what it got, for a test to read back (the delivery side's tests cover the wire). */
export class AlertRecorder implements AlertSink {
  readonly messages: AlertMessage[] = [];

  send(message: AlertMessage): void {
    this.messages.push(message);
  }

  /** The messages about one event, in order. */
  of(event: AlertEvent): AlertMessage[] {
    return this.messages.filter((m) => m.event === event);
  }

  /** "firing" / "resolved" of each message about the event, with its subject when it has one. */
  states(event: AlertEvent): string[] {
    return this.of(event).map((m) => (m.subject ? `${m.state} ${m.subject}` : m.state));
  }
}
