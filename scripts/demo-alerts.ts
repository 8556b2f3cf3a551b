/**
 * The demo's alerts, quick (issue 14, "Done when"): a newcomer should see an alert arrive and resolve
 * in seconds, not after the defaults' minutes. Set through the rules' own service, as the admin's
 * Alerts tab sets them; the defaults stay as they are for real pools.
 */
import type { AlertRuleService } from '../src/alerts/alert-rule-service.js';
import { ALERT_EVENTS } from '../src/alerts/alert-types.js';

/** ALERT_CHECK_SECONDS of the demo: the rules are evaluated every 2 s (the runway is still read once a minute). */
export const DEMO_ALERT_CHECK_SECONDS = '2';
/** A problem gone for this long sends its "resolved" message. */
const CLEAR_AFTER_SECONDS = 10;

/**
 * Every rule resolves after CLEAR_AFTER_SECONDS; keys turning invalid or exhausted are gathered for
 * 5 s and a burst ends a minute after its last key, so the keys the demo starts with (two revoked,
 * two exhausted) have resolved before the admin has made the pool run dry.
 */
export function quickAlertRules(rules: Pick<AlertRuleService, 'update'>): void {
  for (const event of ALERT_EVENTS) rules.update(event, { clearAfterSeconds: CLEAR_AFTER_SECONDS });
  for (const event of ['keys-invalid', 'keys-exhausted']) rules.update(event, { params: { windowMinutes: 1, gatherSeconds: 5 } });
}
