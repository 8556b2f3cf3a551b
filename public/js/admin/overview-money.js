// @ts-check
// The overview's money, from the spend ledger (GET /admin/api/spend/summary): spend per period and
// credit, the burn rate, the pool's balance with what is known of it, how long it lasts, the daily
// spend by model, the top models and keys, and the keys that run out first.
import { api } from './api.js';
import { $, $$, el, t } from './dom.js';
import {
  ageText,
  counted,
  durationText,
  kindText,
  moneyText,
  runwaySentence,
  splitText,
  tzOffsetMinutes,
  unpricedText,
} from './spend-text.js';

/** Hours in a year: the runway's words stop counting there (format.js, formatRunway). */
const YEAR_HOURS = 365 * 24;

/** @typedef {import('./types.js').SpendSummary} SpendSummary @typedef {import('./types.js').SpendRow} SpendRow */
/** @typedef {import('./types.js').DailySpend} DailySpend @typedef {import('./types.js').RunningOutKey} RunningOutKey */

/** The five top models, then the rest, then the unpriced requests: one colour each. */
const COLOURS = ['#4f46e5', '#0891b2', '#15803d', '#ca8a04', '#db2777'];
const OTHER_COLOUR = '#94a3b8';
const UNPRICED_COLOUR = '#b91c1c';
/** @type {ChartInstance | undefined} */
let chart;

export async function loadMoney() {
  const summary = /** @type {SpendSummary} */ (await api('GET', `/spend/summary?tzOffsetMinutes=${tzOffsetMinutes()}`));
  $('#runway-sentence').textContent = runwaySentence(summary.runway);
  paintSpend(summary);
  paintBalance(summary);
  paintChart(summary.daily);
  fillList('#top-models', summary.topModels.map(modelLine));
  fillList('#top-keys', summary.topKeys.map(keyLine));
  fillList('#running-out', summary.runningOut.map(runningOutLine));
}

/** @param {SpendSummary} s */
function paintSpend(s) {
  for (const card of $$('[data-period]')) {
    const figures = s.spend[/** @type {keyof SpendSummary['spend']} */ (card.dataset.period)];
    fillCard(card, moneyText(figures.cost, figures.kind), splitText(figures), unpricedText(figures));
  }
  const { perHour, kind, unpricedRequests } = s.burn;
  // Only unpriced requests in the last 24 h: the rate is unknown, not "unknown/h".
  const rate = (/** @type {string} */ yuan) => (kind === 'unknown' ? t('unknown') : t('perHour', { money: moneyText(yuan, kind) }));
  const split = [t('spend.split', { gift: rate(perHour.gift), paid: rate(perHour.paid) })];
  if (perHour.unknownCredit !== '0') split.push(t('spend.unknownCredit', { money: rate(perHour.unknownCredit) }));
  fillCard($('#burn'), rate(perHour.cost), split.join(' · '), unpricedRequests ? counted('spend.burnUnpriced', unpricedRequests) : '');
}

/** @param {SpendSummary} s */
function paintBalance({ balance }) {
  for (const card of $$('[data-credit]')) {
    const credit = balance[/** @type {'gift' | 'paid' | 'total'} */ (card.dataset.credit)];
    $('strong', HTMLElement, card).textContent = moneyText(credit.yuan, credit.kind);
    $('.kind', HTMLElement, card).textContent = kindText(credit.kind);
  }
  const parts = [counted('spend.keysCounted', balance.keys.counted)];
  if (balance.keys.unknown) parts.push(counted('spend.keysUnknown', balance.keys.unknown));
  $('#pool-keys').textContent = parts.join(' · ');
}

/**
 * @param {HTMLElement} card
 * @param {string} value
 * @param {string} split
 * @param {string} unpriced
 */
function fillCard(card, value, split, unpriced) {
  $('strong', HTMLElement, card).textContent = value;
  $('.split', HTMLElement, card).textContent = split;
  const note = $('.unpriced', HTMLElement, card);
  note.textContent = unpriced;
  note.hidden = !unpriced;
}

/** @param {SpendRow} r */
const modelLine = (r) => [
  r.group === null ? t('spend.noModel') : String(r.group),
  moneyText(r.cost, r.kind),
  counted('spend.requests', r.requests),
  unpricedText(r),
];

/** @param {SpendRow} r */
const keyLine = (r) => [
  `#${r.group ?? '?'} ${r.maskedKey ?? t('spend.deletedKey')}`,
  moneyText(r.cost, r.kind),
  counted('spend.requests', r.requests),
  unpricedText(r),
];

/**
 * "#3 sk-ab…cd · ≈¥0.42 (set by the admin, 2 h ago) · runs out about 2026-03-05 (in 3 days)"
 * @param {RunningOutKey} k
 */
function runningOutLine(k) {
  const { yuan, kind } = k.balance;
  const anchor = anchorText(k.balance);
  return [
    `#${k.keyId} ${k.maskedKey}`,
    anchor ? t('spend.withAnchor', { money: moneyText(yuan, kind), anchor }) : moneyText(yuan, kind),
    // A date centuries away says nothing: beyond a year, just that.
    k.hours >= YEAR_HOURS ? t('spend.runsOutLater') : t('spend.runsOut', { date: k.date, time: durationText(k.hours) }),
  ];
}

/**
 * What a key's figure rests on: SiliconFlow's exact figure and its age, or the estimate's anchor (its source and age).
 * @param {RunningOutKey['balance']} b
 */
function anchorText({ kind, source, at }) {
  if (kind === 'exact') return kindText(kind, at);
  const from = source ? t(`spend.source.${source}`) : '';
  return from && at ? t('spend.anchorAt', { source: from, age: ageText(at) }) : from;
}

/**
 * @param {string} selector
 * @param {string[][]} lines each line's parts, joined by " · " (empty parts left out)
 */
function fillList(selector, lines) {
  const items = lines.map((parts) => parts.filter(Boolean).join(' · '));
  $(selector).replaceChildren(...(items.length ? items : [t('nothing')]).map((line) => el('li', { text: line })));
}

/**
 * The daily spend, one stacked bar per day: the five models that cost most, the rest as "other",
 * and the unpriced requests beside them on their own axis (a count: their cost is unknown). Chart.js
 * draws numbers, so the exact strings become floats here, for the bars' heights only.
 * @param {DailySpend} daily
 */
function paintChart(daily) {
  if (!window.Chart) return;
  /** @type {ChartDataset[]} */
  const datasets = daily.models.map((m, i) => bar(m.model ?? t('spend.noModel'), m.cost, COLOURS[i % COLOURS.length] ?? OTHER_COLOUR));
  if (daily.other.some((c) => c !== '0')) datasets.push(bar(t('spend.other'), daily.other, OTHER_COLOUR));
  datasets.push({
    type: 'line',
    label: t('spend.unpricedRequests'),
    data: daily.unpricedRequests,
    yAxisID: 'unpriced',
    borderColor: UNPRICED_COLOUR,
    backgroundColor: UNPRICED_COLOUR,
  });
  if (chart) {
    chart.data.labels = daily.days;
    chart.data.datasets = datasets;
    chart.update();
    return;
  }
  chart = new window.Chart($('#chart-spend', HTMLCanvasElement), {
    type: 'bar',
    data: { labels: daily.days, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, ticks: { callback: (/** @type {number} */ v) => `¥${Number(v.toPrecision(3))}` } },
        unpriced: { position: 'right', beginAtZero: true, ticks: { precision: 0 }, grid: { drawOnChartArea: false } },
      },
    },
  });
}

/**
 * @param {string} label
 * @param {string[]} costs exact yuan per day
 * @param {string} colour
 * @returns {ChartDataset}
 */
const bar = (label, costs, colour) => ({ label, data: costs.map(Number), backgroundColor: colour, stack: 'spend' });
