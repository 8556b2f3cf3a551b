import type { Logger } from '../logger.js';
import type { AlertMessage, AlertSink } from './alert-types.js';

/**
 * Every message the engine sends, in the log: warn for a firing warning or critical, info otherwise.
 * The message holds masked keys and names only (never a key, a URL token or a secret).
 */
export function logSink(logger: Logger): AlertSink {
  return {
    send(m: AlertMessage) {
      const loud = m.state === 'firing' && m.severity !== 'info';
      const fields = {
        alert: { incidentId: m.incidentId, event: m.event, state: m.state, severity: m.severity, subject: m.subject, data: m.data },
      };
      logger[loud ? 'warn' : 'info'](fields, `alert ${m.state}: ${m.title.en}`);
    },
  };
}

/** Hands each message to every sink; one that throws is logged and never keeps the others from theirs. */
export function fanOut(sinks: readonly AlertSink[], logger: Logger): AlertSink {
  return {
    send(m: AlertMessage) {
      for (const sink of sinks) {
        try {
          sink.send(m);
        } catch (err) {
          logger.error({ err, event: m.event }, 'an alert sink failed');
        }
      }
    },
  };
}
