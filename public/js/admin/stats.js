// @ts-check
// The overview: the pool's cards (server-rendered), the 24-hour chart, and what needs attention.
import { formatHour } from '../format.js';
import { api, fragment } from './api.js';
import { attempt } from './areas.js';
import { $, el, money, t, when } from './dom.js';

/** @typedef {import('./types.js').SeriesBucket} SeriesBucket */
/** @typedef {import('./types.js').KeyList} KeyList @typedef {import('./types.js').LogList} LogList */

/** Below this total balance (yuan) an active key is listed as about to run out. */
const LOW_BALANCE = 1;
/** @type {ChartInstance | undefined} */
let chart;

/** Loads the overview again; a failure shows in the overview. Never rejects. */
export const refreshStats = () => attempt($('#overview'), loadStats);

async function loadStats() {
  const [cards, series, low, errors] = /** @type {[string, { buckets: SeriesBucket[] }, KeyList, LogList]} */ (
    await Promise.all([
      fragment('/admin/stats-cards'),
      api('GET', '/stats/series?hours=24'),
      api('GET', '/keys?status=active&sort=totalBalance&pageSize=5'),
      api('GET', '/logs?status=error&pageSize=5'),
    ])
  );
  // The cards are the user page's, rendered by the server (views/partials/stats-cards.ejs), where every value is escaped.
  $('#stats').innerHTML = cards;
  paintChart(series.buckets);
  const lowKeys = low.items.filter((k) => k.totalBalance !== null && k.totalBalance < LOW_BALANCE);
  fillList(
    '#running-out',
    lowKeys.map((k) => `${k.maskedKey} · ${money(k.totalBalance)}${k.note ? ` · ${k.note}` : ''}`),
  );
  fillList(
    '#recent-errors',
    errors.items.map((l) => `${when(l.time)} · ${l.status} · ${l.model ?? '—'} · ${l.errorClass ?? ''}`),
  );
}

/** Requests, errors and tokens per hour (the success rate is the gap between the first two); without Chart.js (not loaded) the cards still work. */
/** @param {SeriesBucket[]} buckets */
function paintChart(buckets) {
  if (!window.Chart) return;
  const labels = buckets.map((b) => formatHour(b.time));
  const datasets = [
    {
      label: t('requests24h'),
      data: buckets.map((b) => b.requests),
      borderColor: '#4f46e5',
      backgroundColor: 'rgba(79,70,229,.15)',
      fill: true,
      tension: 0.3,
    },
    {
      label: t('errors'),
      data: buckets.map((b) => b.errors),
      borderColor: '#b91c1c',
      backgroundColor: 'rgba(185,28,28,.1)',
      fill: true,
      tension: 0.3,
    },
    { label: t('tokens'), data: buckets.map((b) => b.tokens), borderColor: '#15803d', borderDash: [4, 3], tension: 0.3, yAxisID: 'tokens' },
  ];
  if (chart) {
    chart.data.labels = labels;
    chart.data.datasets = datasets;
    chart.update();
    return;
  }
  chart = new window.Chart($('#chart-requests', HTMLCanvasElement), {
    type: 'line',
    data: { labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 } },
        tokens: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } },
      },
    },
  });
}

/**
 * @param {string} selector
 * @param {string[]} lines
 */
function fillList(selector, lines) {
  $(selector).replaceChildren(...(lines.length ? lines : [t('nothing')]).map((line) => el('li', { text: line })));
}
