// @ts-check
// A check job's progress as Server-Sent Events (GET /admin/api/jobs/:id/events), shown as a bar.
import { RequestError } from '../request-error.js';
import { $, t } from './dom.js';

/** @typedef {import('./types.js').JobProgress} JobProgress */

/**
 * Follows the job until it is done. EventSource reports no status or body, so a stream that breaks
 * off (or never opens: an unknown job, a lost session) rejects with one code of the page's own.
 * @param {string} jobId
 * @returns {Promise<void>}
 */
export function followJob(jobId) {
  const box = $('#progress');
  box.hidden = false;
  return new Promise((resolve, reject) => {
    const events = new EventSource(`/admin/api/jobs/${encodeURIComponent(jobId)}/events`);
    /** @param {JobProgress} p */
    const paint = (p) => {
      const percent = p.total ? Math.round((p.done / p.total) * 100) : 100;
      $('.bar', HTMLElement, box).style.width = `${percent}%`;
      box.setAttribute('aria-valuenow', String(percent));
      $('.label', HTMLElement, box).textContent = p.state === 'running' ? t('checking', p) : t('checkDone', p);
    };
    events.addEventListener('progress', (e) => paint(progressOf(e.data)));
    events.addEventListener('done', (e) => {
      paint(progressOf(e.data));
      events.close();
      resolve();
    });
    events.onerror = () => {
      events.close();
      reject(new RequestError(0, 'progress-lost', `The progress of job ${jobId} broke off.`));
    };
  });
}

/**
 * @param {unknown} data an event's data: the job's progress as JSON
 * @returns {JobProgress}
 */
function progressOf(data) {
  /** @type {unknown} */
  const progress = JSON.parse(String(data));
  return /** @type {JobProgress} */ (progress);
}
