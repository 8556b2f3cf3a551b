// @ts-check
// The overview: the pool's cards (server-rendered), the 24-hour chart, and what needs attention; its
// money (the keys that run out first among it) comes from the spend ledger, in overview-money.js.
import { formatHour } from '../format.js';
import { api, fragment } from './api.js';
import { attempt } from './areas.js';
import { $, el, t, when } from './dom.js';
import { loadCoolingList } from './key-cooling.js';
import { loadMoney } from './overview-money.js';

/** @typedef {import('./types.js').SeriesBucket} SeriesBucket @typedef {import('./types.js').LogList} LogList */

/** @type {ChartInstance | undefined} */
let chart;

/** Loads the overview again; a failure shows in the overview. Never rejects. */
export const refreshStats = () => attempt($('#overview'), () => Promise.all([loadStats(), loadMoney(), loadCoolingList()]));

async function loadStats() {
  const [cards, series, errors] = /** @type {[string, { buckets: SeriesBucket[] }, LogList]} */ (
    await Promise.all([fragment('/admin/stats-cards'), api('GET', '/stats/series?hours=24'), api('GET', '/logs?status=error&pageSize=5')])
  );
  // The cards are the user page's, rendered by the server (views/partials/stats-cards.ejs), where every value is escaped.
  $('#stats').innerHTML = cards;
  paintChart(series.buckets);
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
