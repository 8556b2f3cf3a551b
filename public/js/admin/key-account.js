// @ts-check
// Which SiliconFlow account each key belongs to (SiliconFlow limits per account and model): the key
// table's account cell, the form that sets one key's account or the selected keys', the list's
// account filter, and the accounts' summary above the table (GET /admin/api/accounts).
import { RequestError } from '../request-error.js';
import { api } from './api.js';
import { handle } from './areas.js';
import { $, el, money, t } from './dom.js';

/** @typedef {import('./types.js').AccountKeyView} AccountKeyView @typedef {import('./types.js').AccountList} AccountList */
/** @typedef {import('./types.js').AccountTotals} AccountTotals @typedef {import('./types.js').BulkMoneyResult} BulkResult */

/** Accounts listed in the summary; the rest are counted. */
const SUMMARY_ACCOUNTS = 20;
const area = () => $('#tab-keys');
const form = () => $('#account-form', HTMLFormElement);
const input = () => $('#account-input', HTMLInputElement);
/** @type {number[]} */
let targetIds = [];

/**
 * An account id as the table shows it: short, the whole id in the title.
 * @param {string} account
 */
const short = (account) => (account.length > 14 ? `${account.slice(0, 8)}…${account.slice(-4)}` : account);

/** @param {AccountKeyView} key */
export function accountCell(key) {
  if (key.account === null) return el('td', { class: 'account account-none', text: t('account.none'), title: t('account.noneTitle') });
  const source = key.accountSource ? t(`account.source.${key.accountSource}`) : t('unknown');
  return el(
    'td',
    { class: 'account', title: t('account.title', { account: key.account, source }) },
    el('code', { text: short(key.account) }),
  );
}

/**
 * The row's button: the form for this key alone, filled with its account.
 * @param {AccountKeyView} key
 */
export function accountButton(key) {
  return el('button', {
    type: 'button',
    class: 'account-open',
    text: t('account.open'),
    onclick: () => openAccountForm([key.id], t('account.forKey', { key: key.maskedKey }), key.account ?? ''),
  });
}

/** The list's `account` filter (`none`: keys whose account is not known), when one is typed. @param {URLSearchParams} params */
export function addAccountFilter(params) {
  const account = $('#filter-account', HTMLInputElement).value.trim();
  if (account) params.set('account', account);
}

/**
 * @param {number[]} ids
 * @param {string} label
 * @param {string} now the account the field starts with
 */
function openAccountForm(ids, label, now) {
  targetIds = ids;
  form().reset();
  $('#account-title').textContent = label;
  input().value = now;
  $('#account-result').textContent = '';
  form().hidden = false;
  form().scrollIntoView({ block: 'nearest' });
  input().focus();
}

/** One key through PATCH; several through the bulk action. An empty field clears the account. */
async function save() {
  const account = input().value.trim() || null;
  if (targetIds.length === 1) {
    await api('PATCH', `/keys/${targetIds[0]}`, { account });
    return { affected: 1, notFound: [] };
  }
  return /** @type {BulkResult} */ (await api('POST', '/keys/bulk', { action: 'set-account', ids: targetIds, account }));
}

/** @param {AccountTotals} a */
function balanceText(a) {
  if (a.totalBalance === null) return t('account.noBalance');
  if (a.balanceKnown < a.keys) return t('account.balanceSome', { balance: money(a.totalBalance), known: a.balanceKnown, keys: a.keys });
  return money(a.totalBalance);
}

/**
 * The accounts' summary: each account (a click filters the list on it), the keys with none, the rest counted.
 * @param {() => void} filterChanged
 */
export async function showAccounts(filterChanged = () => {}) {
  const list = /** @type {AccountList} */ (await api('GET', '/accounts'));
  const filterOn = (/** @type {string} */ account) => () => {
    $('#filter-account', HTMLInputElement).value = account;
    filterChanged();
  };
  const items = list.accounts
    .slice(0, SUMMARY_ACCOUNTS)
    .map((a) =>
      el(
        'li',
        {},
        el('button', { type: 'button', class: 'link', title: a.account, text: short(a.account), onclick: filterOn(a.account) }),
        ` ${t('account.summaryLine', { keys: a.keys, usable: a.usable, balance: balanceText(a) })}`,
      ),
    );
  if (list.accounts.length > SUMMARY_ACCOUNTS)
    items.push(el('li', { text: t('account.more', { count: list.accounts.length - SUMMARY_ACCOUNTS }) }));
  if (list.unknown.keys) {
    items.push(
      el(
        'li',
        {},
        el('button', { type: 'button', class: 'link', text: t('account.unknownLine', list.unknown), onclick: filterOn('none') }),
      ),
    );
  }
  $('#account-summary-count').textContent = `(${list.accounts.length})`;
  $('#account-summary').replaceChildren(...items);
}

/**
 * @param {{ reload: () => Promise<unknown>; selected: () => number[] }} list the key list: reloads it, and its selected ids
 */
export function initKeyAccounts(list) {
  $('#account-cancel').addEventListener('click', () => {
    form().hidden = true;
  });
  form().addEventListener(
    'submit',
    handle(area(), async (/** @type {SubmitEvent} */ event) => {
      event.preventDefault();
      const result = await save();
      form().hidden = true;
      $('#account-result').textContent = t('account.done', { count: result.affected });
      await list.reload();
      // The rest was done; these were deleted meanwhile (another tab, another admin).
      const gone = result.notFound.length;
      if (gone) throw new RequestError(200, 'keys-gone', `${gone} of the selected keys no longer exist.`, { count: gone });
    }),
  );
  $('[data-bulk="set-account"]').addEventListener('click', () => {
    const ids = list.selected();
    openAccountForm(ids, t('account.forKeys', { count: ids.length }), '');
  });
}
