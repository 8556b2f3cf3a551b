// @ts-check
// Each area of the admin page (a view or a tab: a section with one `.error` box) shows its own
// failures, so no click fails silently.
import { RequestError } from '../request-error.js';
import { failureText, showError } from './dom.js';

/**
 * Runs an action of one area: a failure shows in the area's error box, in the page's language;
 * success clears what an earlier failure left there. Never rejects.
 * @param {HTMLElement} area
 * @param {() => unknown} action
 * @returns {Promise<boolean>} whether the action succeeded
 */
export async function attempt(area, action) {
  try {
    await action();
    showError(area, '');
    return true;
  } catch (err) {
    // Anything but a failed request is a bug in these scripts: for the console as well.
    if (!(err instanceof RequestError)) console.error(err);
    showError(area, failureText(err));
    return false;
  }
}

/**
 * `attempt` as an event listener: listeners return nothing, so the promise is settled in attempt.
 * @template {Event} E
 * @param {HTMLElement} area
 * @param {(event: E) => unknown} action
 * @returns {(event: E) => void}
 */
export function handle(area, action) {
  return (event) => void attempt(area, () => action(event));
}
