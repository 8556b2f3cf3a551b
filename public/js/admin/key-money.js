// @ts-check
// The key table's money: each key's gift, paid and total credit with what is known of them (exact,
// estimated, unknown: docs/ledger.md), its spend over 30 days, and the form that sets a balance or
// records a top-up on one key or on the selected ones.
import { formatBalance } from '../format.js';
import { RequestError } from '../request-error.js';
import { api } from './api.js';
import { handle } from './areas.js';
import { $, el, t, when } from './dom.js';
import { moneyText } from './spend-text.js';

/** @typedef {import('./types.js').MoneyKeyView} MoneyKeyView @typedef {import('./types.js').KeySpend} KeySpend */
/** @typedef {import('./types.js').BulkMoneyResult} BulkMoneyResult @typedef {import('./types.js').BalanceKind} BalanceKind */
/** @typedef {'set-balance' | 'top-up'} MoneyAction */
/**
 * @typedef {{ ids: number[]; label: string; now?: { gift: string; paid: string } }} MoneyTarget the keys the form acts on,
 * how its title names them, and (one key) its credit now: what a field left empty keeps
 */

/**
 * Each key's spend over the last 30 days (the spend API's default range), by key id: one request
 * for the whole list rather than one per row.
 * @returns {Promise<Map<number, KeySpend>>}
 */
export async function spendByKey() {
  const report = /** @type {{ rows: KeySpend[] }} */ (await api('GET', '/spend?groupBy=key'));
  return new Map(report.rows.flatMap((r) => (typeof r.group === 'number' ? [[r.group, r]] : [])));
}

/**
 * @param {number | string | null} yuan a number, or the spend API's exact decimal string
 * @param {BalanceKind} kind
 */
const figure = (yuan, kind) => formatBalance(yuan, kind, t('unknown'));

/**
 * The cells for gift, paid, total and spend. The total carries the kind: "exact · 3 minutes ago",
 * or the anchor's source and date for an estimate; its title says what the figure is.
 * @param {MoneyKeyView} key
 * @param {KeySpend | undefined} spend
 */
export function moneyCells(key, spend) {
  const kind = key.balanceKind;
  const total = el('td', { class: `money money-${kind}`, title: anchorTitle(key) }, el('span', { text: figure(key.totalBalance, kind) }));
  const origin = anchorLine(key);
  if (origin) total.append(el('small', { class: 'anchor', text: origin }));
  return [
    el('td', { class: 'money', text: figure(key.giftBalance, kind) }),
    el('td', { class: 'money', text: figure(key.chargeBalance, kind) }),
    total,
    spendCell(spend),
  ];
}

/** @param {MoneyKeyView} key */
function anchorLine(key) {
  if (key.balanceKind === 'unknown' || key.balanceAt === null) return '';
  if (key.balanceKind === 'exact') return `${t('money.exact')} · ${age(key.balanceAt)}`;
  // The day is enough beside the figure; the title has the time.
  return `${key.balanceSource ? t(`anchor.${key.balanceSource}`) : ''} · ${new Date(key.balanceAt).toLocaleDateString([], { dateStyle: 'short' })}`;
}

/** @param {MoneyKeyView} key */
function anchorTitle(key) {
  if (key.balanceKind === 'unknown') return t('money.unknownTitle');
  const at = when(key.balanceAt);
  if (key.balanceKind === 'exact') return t('money.exactTitle', { when: at });
  return t('money.estimatedTitle', { source: key.balanceSource ? t(`anchor.${key.balanceSource}`) : t('unknown'), when: at });
}

/** @param {KeySpend | undefined} spend */
function spendCell(spend) {
  if (!spend) return el('td', { class: 'money', text: '—', title: t('money.noSpend') });
  const cell = el(
    'td',
    { class: 'money', title: t('money.requests', { count: spend.requests }) },
    // A spend string keeps its significant digits under a fen (¥0.000018), as the overview shows it.
    el('span', { text: moneyText(spend.cost, spend.kind) }),
  );
  // Requests without a price have an unknown cost: counted beside the figure, never as ¥0.
  if (spend.unpriced.requests) cell.append(el('small', { class: 'anchor', text: t('money.unpriced', { count: spend.unpriced.requests }) }));
  return cell;
}

/** "3 minutes ago", in the page's language, for the age of SiliconFlow's exact figure. */
/** @param {string} iso */
function age(iso) {
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000);
  const format = new Intl.RelativeTimeFormat(document.documentElement.lang || undefined, { numeric: 'auto' });
  /** @type {[Intl.RelativeTimeFormatUnit, number][]} */
  const units = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  return format.format(seconds, 'second');
}

const form = () => $('#money-form', HTMLFormElement);
const area = () => $('#tab-keys');
/** @type {MoneyTarget} */
let target = { ids: [], label: '' };

/**
 * Shows the form for these keys, in the chosen mode, with empty fields (a credit left empty keeps
 * its estimate, so nothing rounded is sent back by accident).
 * @param {MoneyTarget} keys
 * @param {MoneyAction} action
 */
export function openMoneyForm(keys, action) {
  target = keys;
  form().reset();
  $('#money-title').textContent = keys.label;
  $('#money-gift', HTMLInputElement).placeholder = keys.now?.gift ?? '';
  $('#money-paid', HTMLInputElement).placeholder = keys.now?.paid ?? '';
  $('#money-result').textContent = '';
  $(`input[name=money-action][value=${action}]`, HTMLInputElement, form()).checked = true;
  showMode(action);
  form().hidden = false;
  form().scrollIntoView({ block: 'nearest' });
  $(action === 'top-up' ? '#money-amount' : '#money-gift', HTMLInputElement).focus();
}

/** @param {MoneyAction} action */
function showMode(action) {
  for (const [id, mode] of /** @type {const} */ ([
    ['#money-set', 'set-balance'],
    ['#money-top-up', 'top-up'],
  ])) {
    const fields = $(id, HTMLFieldSetElement);
    fields.hidden = mode !== action;
    // A hidden fieldset is disabled too, so its `required` amount does not block the other mode.
    fields.disabled = mode !== action;
  }
}

/** @returns {MoneyAction} */
function chosenAction() {
  return $('input[name=money-action]:checked', HTMLInputElement, form()).value === 'top-up' ? 'top-up' : 'set-balance';
}

/**
 * What the admin typed, as typed: the server reads the decimal yuan (never a float here). An empty
 * credit is left out, so it keeps its estimate.
 * @param {MoneyAction} action
 */
function typedBody(action) {
  const text = (/** @type {string} */ id) => $(id, HTMLInputElement).value.trim();
  if (action === 'top-up') return { amount: text('#money-amount') };
  /** @type {{ gift?: string; paid?: string }} */
  const body = {};
  if (text('#money-gift')) body.gift = text('#money-gift');
  if (text('#money-paid')) body.paid = text('#money-paid');
  if (body.gift === undefined && body.paid === undefined) throw new RequestError(0, 'balance-missing', 'Give gift and/or paid.');
  return body;
}

/**
 * One key through its own endpoint; several through the bulk one. Returns how many were changed.
 * @param {MoneyAction} action
 * @param {Record<string, string>} body
 */
async function send(action, body) {
  const { ids } = target;
  if (ids.length === 1) {
    await api(action === 'top-up' ? 'POST' : 'PUT', `/keys/${ids[0]}/${action === 'top-up' ? 'top-up' : 'balance'}`, body);
    return { affected: 1, notFound: [] };
  }
  return /** @type {BulkMoneyResult} */ (await api('POST', '/keys/bulk', { action, ids, ...body }));
}

/**
 * @param {{ reload: () => Promise<unknown>; selected: () => number[] }} list the key list: reloads it, and its selected ids
 */
export function initKeyMoney(list) {
  for (const radio of form().querySelectorAll('input[name=money-action]')) radio.addEventListener('change', () => showMode(chosenAction()));
  $('#money-cancel').addEventListener('click', () => {
    form().hidden = true;
  });
  form().addEventListener(
    'submit',
    handle(area(), async (/** @type {SubmitEvent} */ event) => {
      event.preventDefault();
      const action = chosenAction();
      const result = await send(action, typedBody(action));
      form().hidden = true;
      $('#money-result').textContent = t(`money.done.${action}`, { count: result.affected });
      await list.reload();
      // The rest was done; these were deleted meanwhile (another tab, another admin).
      const gone = result.notFound.length;
      if (gone) throw new RequestError(200, 'keys-gone', `${gone} of the selected keys no longer exist.`, { count: gone });
    }),
  );
  for (const button of document.querySelectorAll('[data-money]')) {
    if (!(button instanceof HTMLButtonElement)) continue;
    const action = button.dataset.bulk === 'top-up' ? 'top-up' : 'set-balance';
    button.addEventListener('click', () => {
      const ids = list.selected();
      openMoneyForm({ ids, label: t('money.forKeys', { count: ids.length }) }, action);
    });
  }
}

/**
 * The row's button: the form for this key alone.
 * @param {MoneyKeyView} key
 */
export function moneyButton(key) {
  const label = t('money.forKey', { key: key.maskedKey });
  const now = { gift: figure(key.giftBalance, key.balanceKind), paid: figure(key.chargeBalance, key.balanceKind) };
  return el('button', {
    type: 'button',
    class: 'money-open',
    text: t('money.open'),
    onclick: () => openMoneyForm({ ids: [key.id], label, now }, 'set-balance'),
  });
}
